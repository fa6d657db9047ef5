package source

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/queue"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/engine/wire"
)

// noAcker ignores what the target sends beyond replies.
var noAcker = acker{acked: func(*wire.Ack) {}, taskResult: func(*wire.TaskResult) {}, jobState: func(*wire.JobState) {}}

// fakeTarget answers every ListRequest with entries.
func fakeTarget(t *testing.T, entries []wire.DirEntry) *session {
	t.Helper()
	return fakeLister(t, entries, false)
}

// fakeTargetMore always says more entries follow.
func fakeTargetMore(t *testing.T, entries []wire.DirEntry) *session {
	t.Helper()
	return fakeLister(t, entries, true)
}

func fakeLister(t *testing.T, entries []wire.DirEntry, more bool) *session {
	t.Helper()
	a, b := net.Pipe()
	s := newSession(wire.NewConn(a, wire.Options{}), wire.Hello{})
	go s.receive(queue.New(1), noAcker)
	peer := wire.NewConn(b, wire.Options{})
	go func() {
		for {
			m, err := peer.Recv()
			if err != nil {
				return
			}
			if lr, ok := m.(*wire.ListRequest); ok {
				_ = peer.Send(&wire.ListReply{ReqID: lr.ReqID, Entries: entries, More: more})
			}
		}
	}()
	t.Cleanup(func() { s.fail(context.Canceled); peer.Close() })
	return s
}

func restorerFor(t *testing.T, root string, s *session) *restorer {
	t.Helper()
	set, err := repset.FromGlobs("j", root, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &restorer{c: &Connection{cfg: Config{Set: set}}, s: s, bs: 4096}
}

// A restore writes only names that are one path component each, listed
// once, and never through a symlink that leads out of the source path.
func TestRestoreRefusesUnsafeNames(t *testing.T) {
	root := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for name, entries := range map[string][]wire.DirEntry{
		"parent":   {{Name: "..", Type: wire.FileDir}},
		"escape":   {{Name: "../x", Type: wire.FileRegular}},
		"nested":   {{Name: "a/b", Type: wire.FileRegular}},
		"repeated": {{Name: "a", Type: wire.FileDir}, {Name: "a", Type: wire.FileSymlink}},
		"unsorted": {{Name: "b", Type: wire.FileRegular}, {Name: "a", Type: wire.FileRegular}},
		"empty":    {{Name: "", Type: wire.FileRegular}},
	} {
		r := restorerFor(t, root, fakeTarget(t, entries))
		if _, err := r.list(ctx, ""); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("%s: listing accepted (%v)", name, err)
		}
	}
	r := restorerFor(t, root, fakeTarget(t, []wire.DirEntry{{Name: "a", Type: wire.FileRegular},
		{Name: "b", Type: wire.FileDir}}))
	endless := restorerFor(t, root, fakeTargetMore(t, []wire.DirEntry{{Name: "a", Type: wire.FileRegular}}))
	if _, err := endless.list(ctx, ""); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Fatalf("a listing that never advances was followed: %v", err)
	}
	if got, err := r.list(ctx, ""); err != nil || len(got) != 2 {
		t.Fatalf("a sound listing: %v %v", got, err)
	}

	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.local("link/f"); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Fatalf("a write through a symlink out of the root was allowed: %v", err)
	}
	if err := os.Mkdir(filepath.Join(root, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := r.local("d/f"); err != nil || p != filepath.Join(root, "d", "f") {
		t.Fatalf("local(d/f) = %q, %v", p, err)
	}
}
