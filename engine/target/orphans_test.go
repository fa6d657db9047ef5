package target

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/apply"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/wire"
)

// orphanSession is a session with just what orphan handling uses.
func orphanSession(t *testing.T, over map[string]string) (*session, string) {
	t.Helper()
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.Must()
	over["DataPath"] = t.TempDir()
	m := New(Config{ServerName: "t", Settings: settings.Overlay{Base: base, Over: over}, Hub: events.NewHub(cat),
		Stats: stats.NewRegistry(), DataPath: over["DataPath"], Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	root := filepath.Join(t.TempDir(), "replica")
	a, err := apply.New(root, apply.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s := &session{m: m, a: a, base: root, peer: m.cfg.Stats.Target("src"),
		hello: wire.Hello{SetName: "set", TargetPath: root}}
	return s, root
}

// Orphan ops are confined to the target path and never take the target
// path itself, even when moving orphans would copy them first.
func TestOrphanOpsAreConfined(t *testing.T) {
	s, root := orphanSession(t, map[string]string{"MoveOrphanedFiles": "1"})
	outside := filepath.Join(filepath.Dir(root), "outside")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "orphan"), []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "../outside", "/etc/hostname", "a/../../outside", "x/../orphan"} {
		s.orphan(context.Background(), &wire.Op{Kind: wire.OpOrphan, Path: p})
	}
	if _, err := os.Stat(outside); err != nil {
		t.Fatal("an orphan op reached outside the target path")
	}
	if _, err := os.Stat(filepath.Join(root, "orphan")); err != nil {
		t.Fatal("a refused orphan op removed a file")
	}
	if n := s.peer.Counter(catalog.StatOrphanFilesRemoved).Load(); n != 0 {
		t.Fatalf("refused orphans counted: %d", n)
	}
	if ents, _ := os.ReadDir(s.m.orphansDir()); len(ents) != 0 {
		t.Fatalf("refused orphans were copied: %v", ents)
	}
	s.orphan(context.Background(), &wire.Op{Kind: wire.OpOrphan, Path: "orphan"})
	if _, err := os.Stat(filepath.Join(root, "orphan")); !os.IsNotExist(err) {
		t.Fatal("orphan not removed")
	}
	if got := s.peer.Counter(catalog.StatOrphanBytesRemoved).Load(); got != 5 {
		t.Fatalf("Orphan Bytes Removed %d", got)
	}
	if b, err := os.ReadFile(filepath.Join(s.m.orphansDir(), "set", "orphan")); err != nil || string(b) != "12345" {
		t.Fatalf("moved orphan %q %v", b, err)
	}
}
