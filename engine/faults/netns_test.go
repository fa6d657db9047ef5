//go:build linux

package faults

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/internal/testtool"
)

// netLink is two network namespaces joined by a veth pair with a private
// /30 between them.
type netLink struct {
	srcNS, tgtNS     string
	srcDev, tgtDev   string
	srcAddr, tgtAddr string // without the prefix length
}

func ip(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// newNetLink creates the namespaces and the link; they are deleted when
// the test ends, failed or not. Without `ip netns` (not root, no
// iproute2) the test fails under CI and is skipped otherwise.
func newNetLink(t *testing.T) *netLink {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		testtool.Missing(t, "network namespaces need iproute2: %v", err)
	}
	id := os.Getpid() % 10000
	sub := os.Getpid() % 250
	l := &netLink{
		srcNS: fmt.Sprintf("dtrep-src-%d", id), tgtNS: fmt.Sprintf("dtrep-tgt-%d", id),
		srcDev: fmt.Sprintf("dtrs%d", id), tgtDev: fmt.Sprintf("dtrt%d", id),
		srcAddr: fmt.Sprintf("10.231.%d.1", sub), tgtAddr: fmt.Sprintf("10.231.%d.2", sub),
	}
	// Leftovers of an earlier run killed before its cleanup.
	_ = ip("netns", "del", l.srcNS)
	_ = ip("netns", "del", l.tgtNS)
	if err := ip("netns", "add", l.srcNS); err != nil {
		testtool.Missing(t, "cannot create a network namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = ip("netns", "del", l.srcNS)
		_ = ip("netns", "del", l.tgtNS)
	})
	steps := [][]string{
		{"netns", "add", l.tgtNS},
		{"link", "add", l.srcDev, "type", "veth", "peer", "name", l.tgtDev},
		{"link", "set", l.srcDev, "netns", l.srcNS},
		{"link", "set", l.tgtDev, "netns", l.tgtNS},
		{"-n", l.srcNS, "addr", "add", l.srcAddr + "/30", "dev", l.srcDev},
		{"-n", l.tgtNS, "addr", "add", l.tgtAddr + "/30", "dev", l.tgtDev},
		{"-n", l.srcNS, "link", "set", "lo", "up"},
		{"-n", l.tgtNS, "link", "set", "lo", "up"},
		{"-n", l.srcNS, "link", "set", l.srcDev, "up"},
		{"-n", l.tgtNS, "link", "set", l.tgtDev, "up"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// cut takes the source side of the link down; mend brings it back.
func (l *netLink) cut(t *testing.T) {
	t.Helper()
	if err := ip("-n", l.srcNS, "link", "set", l.srcDev, "down"); err != nil {
		t.Fatal(err)
	}
}

func (l *netLink) mend(t *testing.T) {
	t.Helper()
	if err := ip("-n", l.srcNS, "link", "set", l.srcDev, "up"); err != nil {
		t.Fatal(err)
	}
}
