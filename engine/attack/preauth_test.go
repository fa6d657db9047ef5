//go:build linux

package attack

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// firstFlight plays an unauthenticated source: it sends a Hello for a
// stream into targetPath and a Challenge, and returns every message the
// target answers with until it waits for the source's proof (at most
// two) or hangs up.
func firstFlight(t *testing.T, c *wire.Conn, jobID, targetPath string) []wire.Message {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	h := wire.Hello{Versions: wire.SupportedVersions, ServerName: "prober", SetName: jobID, JobID: jobID,
		Epoch: 1, TargetPath: targetPath}
	if err := c.Send(&h); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(&wire.Challenge{}); err != nil {
		t.Fatal(err)
	}
	var got []wire.Message
	for len(got) < 2 {
		m, err := c.Recv()
		if err != nil {
			break
		}
		got = append(got, m)
		if _, ok := m.(*wire.Refuse); ok {
			break
		}
	}
	return got
}

// Attack 1: Hellos that are never proved. Before the source proves it
// knows the secret the target creates nothing (no target path, no
// sequence file), answers the same whether the target path exists, is a
// file or is absent, and counts every attempt as a failed login.
func TestUnprovedHellosTouchNothing(t *testing.T) {
	s := serve(t, nil)
	victim := t.TempDir()
	before := s.security(t)["FailedLogins"]
	const hellos = 300
	var reasons []string
	for i := range hellos {
		// Spread over loopback addresses: the per-address rate limit is
		// another test's subject.
		nc := s.dialFrom(t, fmt.Sprintf("127.0.1.%d", 1+i/30))
		c := wire.NewConn(nc, wire.Options{})
		target := filepath.Join(victim, fmt.Sprintf("dir-%d", i))
		switch i % 3 {
		case 1:
			target = "/etc/passwd/x" // a file as a parent: mkdir would say "not a directory"
		case 2:
			target = filepath.Join("/nonexistent", fmt.Sprint(i))
		}
		got := firstFlight(t, c, fmt.Sprintf("job-%d", i), target)
		if len(got) != 2 {
			t.Fatalf("hello %d: target answered %d messages, want its Hello and Challenge", i, len(got))
		}
		if _, ok := got[0].(*wire.Hello); !ok {
			t.Fatalf("hello %d: first answer %s", i, got[0].Type())
		}
		if _, ok := got[1].(*wire.Challenge); !ok {
			t.Fatalf("hello %d: second answer %s, want challenge (the target must not prove itself first)", i, got[1].Type())
		}
		if i%2 == 0 { // a guess at the proof
			if err := c.Send(&wire.Proof{}); err != nil {
				t.Fatal(err)
			}
			m, err := c.Recv()
			r, ok := m.(*wire.Refuse)
			if err != nil || !ok || r.Code != catalog.CodeInsufficientSecurity {
				t.Fatalf("hello %d: answer to a wrong proof %v, %v; want Refuse 138", i, m, err)
			}
			reasons = append(reasons, r.Reason)
		}
		c.Close()
	}
	for _, r := range reasons[1:] {
		if r != reasons[0] {
			t.Fatalf("refusals differ (%q, %q): they tell the prober something", reasons[0], r)
		}
	}
	if got := listing(t, victim); len(got) != 0 {
		t.Errorf("unproved Hellos created %d entries in the target paths they named: %v", len(got), got[:min(5, len(got))])
	}
	for _, p := range listing(t, s.data) {
		if strings.HasSuffix(p, ".seq") {
			t.Errorf("unproved Hello created %s", p)
		}
	}
	waitCounter(t, s, "FailedLogins", before+hellos)
}

// waitCounter waits until the server's Security counter reaches want.
func waitCounter(t *testing.T, s *server, name string, want int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := s.security(t)[name]
		if got >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %d, want at least %d", name, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Attack 3: offline guessing. A prober that sends a Hello and hangs up
// after the target's answer must hold nothing that depends on the secret:
// the target sends its proof only after the source's proof checked out
// (TestUnprovedHellosTouchNothing asserts the answers are Hello and
// Challenge only). Here a real source completes the exchange, and a
// server whose secret is short warns about it at start.
func TestHandshakeOrderAndShortSecret(t *testing.T) {
	s := serve(t, map[string]string{"ConnectionSecret": "short"})
	if !strings.Contains(s.output(t), "ConnectionSecret is short") {
		t.Errorf("no warning for a 5-character secret:\n%s", tail(s.output(t), 2000))
	}
	good := serve(t, nil)
	if strings.Contains(good.output(t), "ConnectionSecret is short") {
		t.Error("warning for a long secret")
	}
	if _, err := good.login(t, "j1", filepath.Join(t.TempDir(), "replica")); err != nil {
		t.Fatalf("a source with the secret is refused: %v", err)
	}
	c := wire.NewConn(good.dialFrom(t, "127.0.0.1"), wire.Options{})
	defer c.Close()
	ctx, cancel := contextTimeout(30 * time.Second)
	defer cancel()
	_, err := wire.ClientHandshake(ctx, c, wire.Hello{JobID: "j2", TargetPath: filepath.Join(t.TempDir(), "r")}, wrongSecret)
	if !errors.Is(err, wire.ErrRefused) || wire.Code(err) != catalog.CodeInsufficientSecurity {
		t.Fatalf("wrong secret: %v, want Refuse 138", err)
	}
}

// Attack 2: memory. 60 unproved peers, each from its own address, announce
// a 16 MiB frame and start sending it. The target must hang up on each
// after the header, and its peak resident memory must not grow by what
// they announced (1 GiB in all).
func TestUnprovedPeersCannotMakeTargetAllocate(t *testing.T) {
	s := serve(t, nil)
	base := s.memory(t)
	before := s.security(t)["FailedLogins"]
	const peers = 60
	var wg sync.WaitGroup
	accepted := make([]int, peers)
	for i := range peers {
		nc := s.dialFrom(t, fmt.Sprintf("127.0.2.%d", 1+i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer nc.Close()
			_ = nc.SetDeadline(time.Now().Add(60 * time.Second))
			hdr := []byte{'D', 'T', 'R', 'W', wire.FrameVersion, byte(wire.MsgHello), 0, 0, 0, 0, 0, 0}
			binary.BigEndian.PutUint32(hdr[8:], wire.MaxPayload)
			if _, err := nc.Write(hdr); err != nil {
				return
			}
			chunk := make([]byte, 64<<10)
			for sent := 0; sent < wire.MaxPayload; sent += len(chunk) {
				if _, err := nc.Write(chunk); err != nil {
					return
				}
				accepted[i] = sent + len(chunk)
			}
		}()
	}
	wg.Wait()
	s.alive(t)
	for i, n := range accepted {
		if n == wire.MaxPayload {
			t.Errorf("peer %d: the target read its whole 16 MiB frame", i)
		}
	}
	peak := s.memory(t)
	t.Logf("target memory: resident %d MiB before, peak %d MiB after %d peers announced 16 MiB each",
		base.rss>>20, peak.hwm>>20, peers)
	if grew := peak.hwm - base.rss; grew > 64<<20 {
		t.Errorf("peak resident memory grew by %d MiB", grew>>20)
	}
	waitCounter(t, s, "FailedLogins", before+peers)
}

// Attack 2 again: a flood of idle connections from one address. The
// target refuses those over its per-address caps at once and still admits
// a real source from another address.
func TestConnectionFloodLeavesRoomForSources(t *testing.T) {
	s := serve(t, nil)
	const flood = 100
	conns := make([]net.Conn, 0, flood)
	for range flood {
		conns = append(conns, s.dialFrom(t, "127.0.3.1"))
	}
	defer func() {
		for _, nc := range conns {
			nc.Close()
		}
	}()
	start := time.Now()
	if _, err := s.login(t, "real", filepath.Join(t.TempDir(), "replica")); err != nil {
		t.Fatalf("a real source was locked out by the flood: %v", err)
	}
	t.Logf("real source admitted %v after the flood", time.Since(start).Round(time.Millisecond))
	// The target hangs up on all but a handful of the flood at once
	// (the rest when the handshake deadline passes).
	var closed atomic.Int32
	var wg sync.WaitGroup
	deadline := time.Now().Add(2 * time.Second)
	for _, nc := range conns {
		_ = nc.SetReadDeadline(deadline)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := nc.Read(make([]byte, 1)); errors.Is(err, io.EOF) || isReset(err) {
				closed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := int(closed.Load()); n < flood-8 {
		t.Errorf("target hung up on %d of %d flooding connections within 2 s", n, flood)
	}
	s.alive(t)
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}
