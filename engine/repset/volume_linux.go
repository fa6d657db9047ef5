package repset

import (
	"fmt"
	"syscall"
	"time"
)

// EstimateByVolume is the CalculateByVolume setting's shortcut: the volume's
// used space and used inodes stand for the set's size. It is instant but
// counts everything on the volume, ignores the rules and cannot see hard
// links, which is why the reference warns against it for full-server jobs.
// The estimate is recorded as the set's Size.
func (s *Set) EstimateByVolume() (Size, error) {
	if err := s.CheckRoot(); err != nil {
		return Size{}, err
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.root, &st); err != nil {
		return Size{}, fmt.Errorf("estimating %q by volume: %w", s.name, err)
	}
	z := Size{
		Bytes:          int64(st.Blocks-st.Bfree) * int64(st.Bsize),
		Files:          int64(st.Files - st.Ffree),
		LastCalculated: time.Now(),
		Estimated:      true,
	}
	s.SetSize(z)
	return z, nil
}
