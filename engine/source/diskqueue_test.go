package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/queue"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/wire"
)

func testSettings(t *testing.T, over map[string]string) settings.Reader {
	t.Helper()
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return settings.Overlay{Base: base, Over: over}
}

func TestQueueDirFollowsDataPathOnlyWhileDefault(t *testing.T) {
	st := testSettings(t, map[string]string{"DataPath": "/srv/dt"})
	if got := queueDir(st, "j1"); got != "/srv/dt/queue/j1" {
		t.Fatalf("default QJournalDir with a moved DataPath: %s", got)
	}
	st = testSettings(t, map[string]string{"DataPath": "/srv/dt", "QJournalDir": "/fast/q"})
	if got := queueDir(st, "j1"); got != "/fast/q/j1" {
		t.Fatalf("explicit QJournalDir: %s", got)
	}
	st = testSettings(t, nil)
	if got := queueDir(st, "j1"); got != "/var/lib/dtrep/queue/j1" {
		t.Fatalf("defaults: %s", got)
	}
}

func TestQueueOptsFromSettings(t *testing.T) {
	st := testSettings(t, map[string]string{"DataPath": "/d", "QJournalFileSize": "2", "QJournalSpaceMax": "100",
		"QJournalFreeSpaceMin": "7", "MemoryAllocatorCallbackMode": "0"})
	o := queueOpts(st, "j")
	if o.Dir != "/d/queue/j" || o.SegmentBytes != 2<<20 || o.SpaceMax != 100<<20 || o.FreeSpaceMin != 7<<20 ||
		!o.DisconnectAtThreshold || o.JobID != "j" {
		t.Fatalf("%+v", o)
	}
	if o := queueOpts(testSettings(t, map[string]string{"QJournalSpaceMax": "0"}), "j"); o.Dir != "" {
		t.Fatalf("QJournalSpaceMax 0 must disable disk queuing: %+v", o)
	}
	if o := queueOpts(testSettings(t, map[string]string{"DataPath": "/d"}), "j"); o.Dir == "" || o.SpaceMax != 0 ||
		o.DisconnectAtThreshold {
		t.Fatalf("defaults: unlimited disk queue, spill at the threshold: %+v", o)
	}
}

func TestDisconnectReasons(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{nil, "network error"},
		{overflowError{queue.OverflowDiskSpace}, "the disk-based queue on the source has been filled"},
		{overflowError{queue.OverflowMemory}, "replication memory exhausted"},
		{fmt.Errorf("%w for 6s (NetworkTimeout)", errNoData), "the target is unreachable"},
		{fmt.Errorf("receiving: %w", io.EOF), "the target server has restarted"},
		{fmt.Errorf("sending ops: %w", syscall.ECONNRESET), "the target server has restarted"},
		{errors.New("target reported: 173"), "target reported: 173"},
	}
	for _, tc := range cases {
		if got := disconnectReason(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%v: reason %q, want it to contain %q", tc.err, got, tc.want)
		}
	}
}

// One pool per server: connections of a server share it, another server
// has its own, and the kernel counters read it.
func TestPoolPerServerBindsKernelCounters(t *testing.T) {
	cat := catalog.Must()
	st := testSettings(t, map[string]string{"QMemoryBufferMax": "1", "MemoryQueueToDiskThreshold": "50"})
	r1, r2 := stats.NewRegistry(), stats.NewRegistry()
	hub := events.NewHub(cat)
	p1 := poolFor(r1.Kernel, st, hub)
	if poolFor(r1.Kernel, st, hub) != p1 || poolFor(r2.Kernel, st, hub) == p1 {
		t.Fatal("pools not per server")
	}
	if p1.Limit() != 1<<20 {
		t.Fatalf("limit %d", p1.Limit())
	}
	q, _, err := queue.Open(queue.Opts{Pool: p1})
	if err != nil {
		t.Fatal(err)
	}
	q.Push(&wire.Op{Kind: wire.OpWrite, Path: "f", Data: make([]byte, 1000)})
	k := r1.Kernel.Instance().Values
	if k["IQAllocatorTotalBytes"] < 1000 || k["CurrentMemoryUsage"] != k["IQAllocatorTotalBytes"] ||
		k["MemoryPoolTotalBytes"] < k["IQAllocatorTotalBytes"] || k["MemoryPoolBytesAvailable"] != 0 {
		t.Fatalf("kernel counters %v", k)
	}
	if v := r2.Kernel.Instance().Values["IQAllocatorTotalBytes"]; v != 0 {
		t.Fatalf("other server's pool shows %d", v)
	}
}

// The alert raises event 4072 with the threshold.
func TestQueueSizeAlertRaises4072(t *testing.T) {
	cat := catalog.Must()
	st := testSettings(t, map[string]string{"QMemoryBufferMax": "1", "MemoryQueueToDiskThreshold": "100",
		"QueueSizeAlertThreshold": "10"})
	hub := events.NewHub(cat)
	sub := hub.Subscribe(8, func(e events.Event) bool { return e.ID == 4072 })
	p := poolFor(stats.NewRegistry().Kernel, st, hub)
	q, _, _ := queue.Open(queue.Opts{Pool: p})
	for i := 0; i < 200; i++ {
		q.Push(&wire.Op{Kind: wire.OpWrite, Path: "f", Data: make([]byte, 1000)})
	}
	select {
	case e := <-sub.C():
		if e.Message != "QueueSizeAlertThreshold of 10% has been exceeded." {
			t.Fatalf("message %q", e.Message)
		}
	default:
		t.Fatal("no event 4072")
	}
}

func TestRemoveQueue(t *testing.T) {
	data := t.TempDir()
	st := testSettings(t, map[string]string{"DataPath": data})
	dir := queueDir(st, "abc123")
	q, _, err := queue.Open(queue.Opts{Dir: dir, JobID: "abc123"})
	if err != nil {
		t.Fatal(err)
	}
	q.Push(&wire.Op{Kind: wire.OpDelete, Path: "x"})
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if err := RemoveQueue(st, "abc123"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("queue still there: %v", err)
	}
	if err := RemoveQueue(st, "../escape"); err == nil {
		t.Fatal("a job ID that is not one path element was accepted")
	}
}
