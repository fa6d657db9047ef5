package mgmt

import (
	"fmt"
	"net"
	"os"
	"os/user"
	"strconv"

	"golang.org/x/sys/unix"
)

// peerCred is the identity the kernel recorded for a unix socket peer when it
// connected (SO_PEERCRED, SO_PEERGROUPS): the caller cannot forge it, and it
// describes the connecting process itself, not whatever later reuses its pid.
type peerCred struct {
	uid, gid uint32
	pid      int32
	groups   []uint32 // supplementary groups; nil if the kernel cannot tell
}

func readPeerCred(c net.Conn) (peerCred, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return peerCred{}, fmt.Errorf("%T is not a unix socket connection", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return peerCred{}, fmt.Errorf("peer credentials: %w", err)
	}
	var cred *unix.Ucred
	var groups []uint32
	var serr error
	if err := raw.Control(func(fd uintptr) {
		cred, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
		// Kernels before 4.13 lack SO_PEERGROUPS: the passwd/group
		// lookup still applies, so its failure is not fatal.
		groups, _ = peerGroups(int(fd))
	}); err != nil {
		return peerCred{}, fmt.Errorf("peer credentials: %w", err)
	}
	if serr != nil {
		return peerCred{}, fmt.Errorf("peer credentials: %w", serr)
	}
	return peerCred{uid: cred.Uid, gid: cred.Gid, pid: cred.Pid, groups: groups}, nil
}

// platformSocketMode keeps the configured bits: peer credentials make the
// real decision.
func platformSocketMode(m os.FileMode) os.FileMode { return m }

// roleOfPeer: root and the server's own user are administrators (the owner
// of the process already controls it; this is what lets a user run a private
// server on $XDG_RUNTIME_DIR); otherwise membership of the admin or monitor
// group decides, counting the peer's gids and the uid's primary and
// supplementary groups.
func (s *Server) roleOfPeer(p peerCred) (role, string) {
	if p.uid == 0 || p.uid == uint32(os.Geteuid()) {
		return roleAdmin, ""
	}
	gids := callerGroups(p.uid, p.gid)
	for _, g := range p.groups {
		gids[strconv.FormatUint(uint64(g), 10)] = true
	}
	if inGroup(gids, s.opts.AdminGroup) {
		return roleAdmin, ""
	}
	if inGroup(gids, s.opts.MonitorGroup) {
		return roleMonitor, ""
	}
	return roleNone, fmt.Sprintf("uid %d (pid %d) is not root and not in group %s or %s",
		p.uid, p.pid, s.opts.AdminGroup, s.opts.MonitorGroup)
}

// callerGroups lists the gids the group database gives a caller: its
// primary and supplementary groups, plus the gid the kernel reported (a uid
// without a passwd entry still has that).
func callerGroups(uid, gid uint32) map[string]bool {
	gids := map[string]bool{strconv.FormatUint(uint64(gid), 10): true}
	u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return gids
	}
	gids[u.Gid] = true
	ids, err := u.GroupIds()
	if err != nil {
		return gids
	}
	for _, id := range ids {
		gids[id] = true
	}
	return gids
}

// inGroup reports whether one of gids is the named group. A group that does
// not exist has no members.
func inGroup(gids map[string]bool, name string) bool {
	g, err := user.LookupGroup(name)
	return err == nil && gids[g.Gid]
}
