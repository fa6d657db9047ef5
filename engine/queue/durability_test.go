package queue

import (
	"errors"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// errInjected stands for an fsync the disk failed (EIO): no real disk here
// fails on demand, so the failure is injected through Opts.fsync.
var errInjected = errors.New("injected fsync failure")

// failingSync fails every fsync once fail is set.
func failingSync(fail *atomic.Bool) func(*os.File) error {
	return func(f *os.File) error {
		if fail.Load() {
			return errInjected
		}
		return f.Sync()
	}
}

// waitOverflow waits for OnOverflow to have been told something.
func waitOverflow(t *testing.T, seen *overflows) []Overflow {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if l := seen.list(); len(l) > 0 {
			return l
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("OnOverflow was not told within 5s")
	return nil
}

// A failed commit fsync fails the queue: OnOverflow hears a disk error
// once, later pushes are refused, the journal is not closed clean (the
// next start remirrors with orphan removal), and Reset makes it usable
// again.
func TestCommitFsyncFailureFailsTheQueue(t *testing.T) {
	dir := t.TempDir()
	var fail atomic.Bool
	var seen overflows
	o := testOpts(t, dir)
	o.OnOverflow = seen.record
	o.fsync = failingSync(&fail)
	q := mustOpenQ(t, o)
	if q.Push(repOp(1, 100)) == 0 {
		t.Fatal("push before the failure refused")
	}
	fail.Store(true)
	q.Push(repOp(2, 100))
	got := waitOverflow(t, &seen)
	if len(got) != 1 || got[0] != OverflowDiskError {
		t.Fatalf("OnOverflow told %v, want [%v]", got, OverflowDiskError)
	}
	if seq := q.Push(repOp(3, 100)); seq != 0 {
		t.Fatalf("push after a failed fsync got sequence %d: the queue still claims durability", seq)
	}
	if err := q.Sync(); err == nil {
		t.Fatal("Sync after a failed fsync reported success")
	}
	if st := q.JournalStats(); st.SyncErrors == 0 {
		t.Fatalf("journal stats count no sync error: %+v", st)
	}
	if l := seen.list(); len(l) != 1 {
		t.Fatalf("OnOverflow told %d times: %v", len(l), l)
	}
	fail.Store(false)
	q.Reset()
	if q.Push(repOp(4, 100)) == 0 {
		t.Fatal("push after Reset refused")
	}
	fail.Store(true)
	_ = q.Sync()
	_ = q.Close()

	o.fsync = nil
	q2, rec := mustOpen(t, o)
	defer q2.Close()
	if !rec.Unclean {
		t.Fatalf("a journal whose fsync failed reopened as clean: %+v", rec)
	}
}

// A segment rotation whose fsync fails refuses the op that needed the new
// segment and overflows with a disk error, once.
func TestRotationFsyncFailureFailsTheQueue(t *testing.T) {
	dir := t.TempDir()
	var fail atomic.Bool
	var seen overflows
	o := testOpts(t, dir)
	o.OnOverflow = seen.record
	o.CommitDelay = time.Hour // only the rotation syncs
	o.fsync = failingSync(&fail)
	q := mustOpenQ(t, o)
	defer q.Close()
	fail.Store(true)
	refused := 0
	for i := 1; i <= 40; i++ { // 40 x 300 bytes pass the 4 KiB segment
		if q.Push(repOp(i, 300)) == 0 {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("every op was accepted although the rotation's fsync failed")
	}
	if got := seen.list(); len(got) != 1 || got[0] != OverflowDiskError {
		t.Fatalf("OnOverflow told %v, want [%v]", got, OverflowDiskError)
	}
	if n := len(segmentFiles(t, dir)); n != 1 {
		t.Fatalf("%d segment files: the one whose fsync failed was kept", n)
	}
}

// A scrape reads the levels without the queue's lock, which journal
// appends and fsyncs hold: Counts returns while the lock is held.
func TestCountsDoNotTakeTheQueueLock(t *testing.T) {
	q := mustOpenQ(t, testOpts(t, t.TempDir()))
	defer q.Close()
	q.Push(repOp(1, 100))
	q.mu.Lock()
	got := make(chan Counts, 1)
	go func() { got <- q.Counts() }()
	select {
	case c := <-got:
		q.mu.Unlock()
		if c.OpsInRepQueue != 1 || c.BytesInRepQueue != 100 {
			t.Fatalf("counts %+v, want one replication op of 100 bytes", c)
		}
	case <-time.After(5 * time.Second):
		q.mu.Unlock()
		t.Fatal("Counts waited for the queue's lock")
	}
}

func mustOpenQ(t *testing.T, o Opts) *Queue {
	t.Helper()
	q, _ := mustOpen(t, o)
	return q
}

// The log's fsyncs are counted for the statistics (JournalSyncs,
// JournalSyncTime), readable without the queue's lock.
func TestSyncsAreCounted(t *testing.T) {
	q := mustOpenQ(t, testOpts(t, t.TempDir()))
	defer q.Close()
	before := q.Syncs().Count.Load() // the first segment's creation
	q.Push(repOp(1, 100))
	if err := q.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := q.Syncs().Count.Load(); got != before+1 {
		t.Fatalf("%d fsyncs counted after one commit, want %d", got, before+1)
	}
	if q.Syncs().Micros.Load() < 0 {
		t.Fatal("negative fsync time")
	}
}
