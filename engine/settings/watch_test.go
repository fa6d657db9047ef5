package settings

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// waitChange returns the next change, failing the test if none comes: the
// bound is for a lost notification, not a performance requirement.
func waitChange(t *testing.T, ch <-chan Change) Change {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no change notified")
		return Change{}
	}
}

// replaceFile writes content the way editors that save atomically do.
func replaceFile(t *testing.T, p, content string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(p), ".edit.tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

func TestWatch(t *testing.T) {
	p := tempConfig(t, "MirrorChunkSize: 65536\nAutoReconnect: 1\n")
	s := mustOpen(t, p)
	ch := make(chan Change, 16)
	defer s.Subscribe(func(c Change) { ch <- c })()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.Watch(ctx); err != nil {
		t.Fatal(err)
	}

	// One live setting and one that needs a restart, saved by rename.
	replaceFile(t, p, "MirrorChunkSize: 4096\nAutoReconnect: 0\n")
	got := map[string]Change{}
	for len(got) < 2 {
		c := waitChange(t, ch)
		if c.Err != nil {
			t.Fatalf("refused: %v", c.Err)
		}
		got[c.Name] = c
	}
	if c := got["MirrorChunkSize"]; !c.Applied || c.Old != "65536" || c.New != "4096" || c.Source != SourceFile {
		t.Errorf("live change %+v", c)
	}
	if c := got["AutoReconnect"]; c.Applied || !c.PendingRestart || c.New != "0" {
		t.Errorf("restart change %+v", c)
	}
	if s.Int(catalog.SettingMirrorChunkSize) != 4096 || !s.Bool(catalog.SettingAutoReconnect) {
		t.Errorf("in effect: %d %v", s.Int(catalog.SettingMirrorChunkSize), s.Bool(catalog.SettingAutoReconnect))
	}
	if e := entry(t, s, "AutoReconnect"); !e.PendingRestart || e.Pending != "0" || e.Value != "1" {
		t.Errorf("pending not visible: %+v", e)
	}

	// A bad edit, written in place, is refused and nothing moves.
	if err := os.WriteFile(p, []byte("MirrorChunkSize: 0\nAutoReconnect: 0\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if c := waitChange(t, ch); c.Err == nil {
		t.Fatalf("bad edit accepted: %+v", c)
	}
	if s.Int(catalog.SettingMirrorChunkSize) != 4096 || !entry(t, s, "AutoReconnect").PendingRestart {
		t.Errorf("refused edit changed values: %+v", entry(t, s, "MirrorChunkSize"))
	}

	// Putting the restart setting back clears the pending value; the
	// live one follows the file again.
	replaceFile(t, p, "MirrorChunkSize: 8192\nAutoReconnect: 1\n")
	if c := waitChange(t, ch); c.Name != "MirrorChunkSize" || c.New != "8192" {
		t.Errorf("change %+v", c)
	}
	if e := entry(t, s, "AutoReconnect"); e.PendingRestart {
		t.Errorf("pending not cleared: %+v", e)
	}
}
