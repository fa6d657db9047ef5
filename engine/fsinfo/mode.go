package fsinfo

import "io/fs"

// ModeBits converts Go's FileMode to the unix permission and special bits
// (setuid 04000, setgid 02000, sticky 01000) the wire carries.
func ModeBits(m fs.FileMode) uint32 {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return v
}
