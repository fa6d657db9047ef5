package statsfile

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

func newTestLogger(t *testing.T, kv ...string) (*Logger, *mapSettings, *atomic.Int64) {
	t.Helper()
	set := &mapSettings{m: map[string]string{"LogDir": t.TempDir(), "StatsLoggingOn": "1",
		"StatsFileName": "statistic.sts", "StatsWriteInterval": "0", "StatsMaxFileSize": "10485760", "SaveStatFile": "1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		set.m[kv[i]] = kv[i+1]
	}
	var n atomic.Int64
	l := NewLogger(LoggerOptions{Settings: set, Catalog: catalog.Must(), Server: "alpha",
		Snapshot: func() stats.Snapshot { s := sample(int(n.Add(1))); return s }})
	return l, set, &n
}

func records(t *testing.T, path string) ([]stats.Snapshot, Health) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, h, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	return got, h
}

func TestLoggerFollowsItsSettings(t *testing.T) {
	l, set, _ := newTestLogger(t)
	path := filepath.Join(set.String(catalog.SettingLogDir), "statistic.sts")
	t0 := time.Now()
	l.step(t0)
	l.step(t0.Add(time.Second))
	if got, _ := records(t, path); len(got) != 2 {
		t.Fatalf("interval 0: %d records after two steps", len(got))
	}
	// Every five minutes: a step less than five minutes after the last
	// write writes nothing.
	set.set("StatsWriteInterval", "5")
	l.step(t0.Add(2 * time.Minute))
	l.step(t0.Add(6 * time.Minute))
	l.step(t0.Add(9 * time.Minute))
	if got, _ := records(t, path); len(got) != 3 {
		t.Fatalf("interval 5: %d records, want 3", len(got))
	}
	// Off closes the file; on again keeps it as statistic-old.sts and
	// starts afresh.
	set.set("StatsLoggingOn", "0")
	l.step(t0.Add(20 * time.Minute))
	if l.w != nil {
		t.Fatal("file still open with StatsLoggingOn 0")
	}
	set.set("StatsLoggingOn", "1")
	l.step(t0.Add(30 * time.Minute))
	if old, _ := records(t, OldPath(path)); len(old) != 3 {
		t.Fatalf("statistic-old.sts has %d records", len(old))
	}
	if got, _ := records(t, path); len(got) != 1 {
		t.Fatalf("new file has %d records", len(got))
	}
	// SaveStatFile 0 overwrites.
	l.close()
	set.set("SaveStatFile", "0")
	l.step(t0.Add(40 * time.Minute))
	if old, _ := records(t, OldPath(path)); len(old) != 3 {
		t.Fatalf("statistic-old.sts changed: %d records", len(old))
	}
	// A new StatsFileName moves logging to that file.
	set.set("StatsFileName", "other.sts")
	l.step(t0.Add(50 * time.Minute))
	l.close()
	if got, _ := records(t, filepath.Join(set.String(catalog.SettingLogDir), "other.sts")); len(got) != 1 {
		t.Fatalf("other.sts has %d records", len(got))
	}
}

func TestLoggerBoundsTheFile(t *testing.T) {
	l, set, _ := newTestLogger(t)
	// Room for the header, the schema and three snapshots, not four.
	w, err := Create(filepath.Join(t.TempDir(), "probe.sts"), catalog.Must(), "alpha")
	if err != nil {
		t.Fatal(err)
	}
	base, rec := w.Size(), int64(len(w.Record(sample(1))))
	w.Close()
	bound := base + 3*rec + rec/2
	set.set("StatsMaxFileSize", strconv.FormatInt(bound, 10))
	for i := 0; i < 7; i++ {
		l.step(time.Now())
	}
	l.close()
	path := Path(set)
	for _, p := range []string{path, OldPath(path)} {
		if fi, err := os.Stat(p); err != nil || fi.Size() > bound {
			t.Fatalf("%s: %v, bound %d", p, fi, bound)
		}
	}
	// 1-3 went to the first file and 4-6 to the second, which became
	// statistic-old.sts when 7 started the third.
	cur, _ := records(t, path)
	old, _ := records(t, OldPath(path))
	if len(cur) != 1 || len(old) != 3 {
		t.Fatalf("%d records in statistic.sts and %d in statistic-old.sts", len(cur), len(old))
	}
	if got, want := cur[0].Kernel.Values["RepOpsGenerated"], sample(7).Kernel.Values["RepOpsGenerated"]; got != want {
		t.Errorf("the current file holds snapshot %d, want %d", got, want)
	}
}

func TestLoggerServeWritesAFinalSnapshot(t *testing.T) {
	l, set, n := newTestLogger(t, "StatsWriteInterval", "60")
	l.o.Tick = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.Serve(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for n.Load() < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	got, _ := records(t, Path(set))
	if len(got) != 2 {
		t.Fatalf("%d records, want the first and the final one", len(got))
	}
}
