//go:build linux

package attack

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// ask sends a query and returns the target's answer to it (its reply, or
// an Error), skipping what the target sends on its own (job state, acks).
func ask(t *testing.T, c *wire.Conn, reqID uint64, m wire.Message) wire.Message {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := c.Send(m); err != nil {
		t.Fatal(err)
	}
	for {
		r, err := c.Recv()
		if err != nil {
			t.Fatalf("waiting for the answer to %s: %v", m.Type(), err)
		}
		switch r := r.(type) {
		case *wire.StatReply:
			if r.ReqID == reqID {
				return r
			}
		case *wire.HashReply:
			if r.ReqID == reqID {
				return r
			}
		case *wire.ListReply:
			if r.ReqID == reqID {
				return r
			}
		case *wire.ReadReply:
			if r.ReqID == reqID {
				return r
			}
		case *wire.Error:
			if r.ReqID == reqID {
				return r
			}
		}
	}
}

// Attack 4: a source that knows the secret reads outside its target path
// through symlinks planted in it (by an earlier replicated op, or by
// anyone with write access there): a symlink to a file, a symlink to a
// directory, and paths through the symlinked directory. Every query must
// stay beneath the target path, as writes do.
func TestSourceQueriesStayBeneathTargetPath(t *testing.T) {
	s := serve(t, nil)
	outside := t.TempDir()
	write(t, filepath.Join(outside, "canary.txt"), "CANARY")
	tp := filepath.Join(t.TempDir(), "replica")
	if err := os.MkdirAll(filepath.Join(tp, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(tp, "sub", "own.txt"), "own data")
	link(t, filepath.Join(outside, "canary.txt"), filepath.Join(tp, "q"))
	link(t, outside, filepath.Join(tp, "d"))
	link(t, "sub", filepath.Join(tp, "insub")) // stays inside: still never followed as a final component

	c, err := s.login(t, "reader", tp)
	if err != nil {
		t.Fatal(err)
	}
	id := uint64(0)
	next := func() uint64 { id++; return id }

	for _, p := range []string{"q", "d/canary.txt"} {
		r := next()
		switch rep := ask(t, c, r, &wire.ReadRequest{ReqID: r, Path: p, Length: 100}).(type) {
		case *wire.ReadReply:
			if rep.Exists || len(rep.Data) > 0 {
				t.Errorf("read %s: the target returned %q from outside its target path", p, rep.Data)
			}
		case *wire.Error:
			if rep.Code != catalog.CodeInvalidParameter {
				t.Errorf("read %s: refused with %d %s, want 101", p, rep.Code, rep.Text)
			}
		}
		r = next()
		switch rep := ask(t, c, r, &wire.HashRequest{ReqID: r, Path: p, Algo: wire.HashXXH3x128, BlockSize: 4096, Count: 1}).(type) {
		case *wire.HashReply:
			if rep.Exists || len(rep.Hashes) > 0 {
				t.Errorf("hash %s: the target hashed a file outside its target path (size %d)", p, rep.Size)
			}
		case *wire.Error:
			if rep.Code != catalog.CodeInvalidParameter {
				t.Errorf("hash %s: refused with %d %s, want 101", p, rep.Code, rep.Text)
			}
		}
	}
	for _, p := range []string{"d", "insub"} {
		r := next()
		switch rep := ask(t, c, r, &wire.ListRequest{ReqID: r, Path: p}).(type) {
		case *wire.ListReply:
			if len(rep.Entries) > 0 {
				t.Errorf("list %s: the target listed a symlinked directory: %+v", p, rep.Entries)
			}
		case *wire.Error:
			if rep.Code != catalog.CodeInvalidParameter {
				t.Errorf("list %s: refused with %d %s, want 101", p, rep.Code, rep.Text)
			}
		}
	}
	r := next()
	st, ok := ask(t, c, r, &wire.StatRequest{ReqID: r, Paths: []string{"q", "d/canary.txt", "sub/own.txt"}}).(*wire.StatReply)
	if !ok {
		t.Fatal("stat refused")
	}
	if st.Entries[0].Type != wire.FileSymlink || st.Entries[1].Exists || !st.Entries[2].Exists || st.Entries[2].Size != 8 {
		t.Errorf("stat: %+v; want the symlink itself, nothing through it, and the file inside", st.Entries)
	}
	// What lies inside is still served.
	r = next()
	if rep, ok := ask(t, c, r, &wire.ReadRequest{ReqID: r, Path: "sub/own.txt", Length: 100}).(*wire.ReadReply); !ok || string(rep.Data) != "own data" {
		t.Errorf("read inside the target path: %+v", rep)
	}
	r = next()
	if rep, ok := ask(t, c, r, &wire.ListRequest{ReqID: r, Path: "sub"}).(*wire.ListReply); !ok || len(rep.Entries) != 1 {
		t.Errorf("list inside the target path: %+v", rep)
	}
}

// Attack 5: one request sized to exhaust the target's memory, a
// HashRequest for 2^32-1 blocks of one byte of a sparse 4 GiB file. The
// encoder refuses to build it, so the frame is built by hand. The target
// must drop the request (and the connection that sent it) without
// allocating for it, and keep serving.
func TestHugeHashRequestIsRefused(t *testing.T) {
	s := serve(t, nil)
	tp := filepath.Join(t.TempDir(), "replica")
	if err := os.MkdirAll(tp, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(tp, "sparse"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(4 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	base := s.memory(t)
	c, err := s.login(t, "hasher", tp)
	if err != nil {
		t.Fatal(err)
	}
	var p []byte
	p = binary.AppendUvarint(p, 1) // ReqID
	p = binary.AppendUvarint(p, uint64(len("sparse")))
	p = append(p, "sparse"...)
	p = append(p, byte(wire.HashXXH3x128))
	p = binary.AppendUvarint(p, 1)       // BlockSize
	p = binary.AppendUvarint(p, 0)       // First
	p = binary.AppendUvarint(p, 1<<32-1) // Count
	frame := []byte{'D', 'T', 'R', 'W', wire.FrameVersion, byte(wire.MsgHashRequest), 0, 0}
	frame = binary.BigEndian.AppendUint32(frame, uint32(len(p)))
	frame = append(frame, p...)
	frame = binary.BigEndian.AppendUint32(frame, crc32.Checksum(frame, crc32.MakeTable(crc32.Castagnoli)))
	if _, err := c.NetConn().Write(frame); err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	for {
		m, err := c.Recv()
		if err != nil {
			break // the target hung up: the request was malformed
		}
		if rep, ok := m.(*wire.HashReply); ok {
			t.Fatalf("the target answered a request for 2^32-1 hashes with %d", len(rep.Hashes))
		}
		if e, ok := m.(*wire.Error); ok && e.ReqID == 1 {
			break
		}
	}
	s.alive(t)
	peak := s.memory(t)
	t.Logf("target memory: resident %d MiB before, peak %d MiB after", base.rss>>20, peak.hwm>>20)
	if grew := peak.hwm - base.rss; grew > 64<<20 {
		t.Errorf("peak resident memory grew by %d MiB", grew>>20)
	}
	if _, err := s.login(t, "after", tp); err != nil {
		t.Fatalf("the target no longer serves: %v", err)
	}
}

// Attack 6: a source that knows the secret names target paths outside
// AllowedTargetPaths, over the target's own data, or escaping through a
// symlink or "..". Each is refused with 225 before anything is created;
// a path inside is admitted. Without AllowedTargetPaths the server's own
// directories are refused all the same.
func TestTargetPathsAreConfined(t *testing.T) {
	allowed := t.TempDir()
	outside := t.TempDir()
	link(t, outside, filepath.Join(allowed, "escape"))
	s := serve(t, map[string]string{"AllowedTargetPaths": allowed})
	refused := map[string]string{
		"outside":         filepath.Join(outside, "replica"),
		"dotdot":          allowed + "/../" + filepath.Base(outside) + "/dotdot",
		"through symlink": filepath.Join(allowed, "escape", "replica"),
		"data path":       filepath.Join(s.data, "replica"),
		"log dir":         s.logDir,
		"root":            "/",
		"relative":        "replica",
	}
	for name, p := range refused {
		_, err := s.login(t, "job-"+name, p)
		if wire.Code(err) != catalog.CodeInvalidPath {
			t.Errorf("%s (%s): %v, want 225", name, p, err)
		}
	}
	if got := listing(t, outside); len(got) != 0 {
		t.Errorf("refused target paths created %v", got)
	}
	if _, err := os.Stat(filepath.Join(s.data, "replica")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a target path in DataPath was created: %v", err)
	}
	if _, err := s.login(t, "inside", filepath.Join(allowed, "replica")); err != nil {
		t.Errorf("a target path inside AllowedTargetPaths: %v", err)
	}

	open := serve(t, nil)
	if _, err := open.login(t, "data", filepath.Join(open.data, "replica")); wire.Code(err) != catalog.CodeInvalidPath {
		t.Errorf("target path in DataPath without AllowedTargetPaths: %v, want 225", err)
	}
	if _, err := open.login(t, "anywhere", filepath.Join(outside, "replica")); err != nil {
		t.Errorf("without AllowedTargetPaths any other path is the reference's behaviour: %v", err)
	}
}

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, p string) {
	t.Helper()
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

// Attack 7: ops the target refuses. The engine log must say why each was
// discarded (not only event 4150's "failed after 0 retries"), and a path
// carrying terminal control characters must reach the log escaped.
func TestRefusedOpsAreLoggedWithTheirReason(t *testing.T) {
	s := serve(t, nil)
	tp := filepath.Join(t.TempDir(), "replica")
	c, err := s.login(t, "refused", tp)
	if err != nil {
		t.Fatal(err)
	}
	evil := "../evil\x1b[2J\x07name"
	ops := &wire.Ops{Ops: []wire.Op{
		{Seq: 1, Kind: wire.OpCreate, Path: "../x", Mode: 0o644},
		{Seq: 2, Kind: wire.OpCreate, Path: evil, Mode: 0o644},
	}}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := c.Send(ops); err != nil {
		t.Fatal(err)
	}
	for {
		m, err := c.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if a, ok := m.(*wire.Ack); ok && a.Seq >= 2 {
			break
		}
	}
	var logText string
	deadline := time.Now().Add(20 * time.Second)
	for {
		logText = ""
		for _, name := range listing(t, s.logDir) {
			b, _ := os.ReadFile(filepath.Join(s.logDir, name))
			logText += string(b)
		}
		if strings.Count(logText, "dot component") >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Count(logText, "dot component") < 2 {
		t.Fatalf("the engine log does not say why the ops were discarded:\n%s", tail(logText, 3000))
	}
	if strings.ContainsAny(logText, "\x1b\x07") {
		t.Fatalf("control characters of a path reached the engine log raw:\n%q", tail(logText, 3000))
	}
	if !strings.Contains(logText, `\x1b[2J`) {
		t.Errorf("the escaped path is not in the engine log:\n%s", tail(logText, 3000))
	}
}
