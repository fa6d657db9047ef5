package queue

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/wire"
)

// A restart replays every unacknowledged replication op, in order, under
// the same epoch, and numbers new ops above everything handed out before.
func TestReopenReplaysUnackedUnderSameEpoch(t *testing.T) {
	dir := t.TempDir()
	q, rec := mustOpen(t, testOpts(t, dir))
	if rec.Records != 0 || rec.Damaged {
		t.Fatalf("fresh journal: %+v", rec)
	}
	epoch := q.Epoch()
	var want []*wire.Op
	for i := 1; i <= 40; i++ {
		op := repOp(i, 300)
		q.Push(op)
		want = append(want, op)
	}
	sent := takeAll(t, q)
	checkSame(t, sent, want)
	q.Ack(10)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}

	q2, rec := mustOpen(t, testOpts(t, dir))
	defer q2.Close()
	if q2.Epoch() != epoch {
		t.Fatalf("epoch changed across reopen: %x -> %x", epoch, q2.Epoch())
	}
	if rec.Damaged || rec.TornTail {
		t.Fatalf("clean reopen reported %+v", rec)
	}
	if q2.NextSeq() <= 40 {
		t.Fatalf("next sequence %d reuses handed-out sequences", q2.NextSeq())
	}
	c := q2.Counts()
	if c.OpsInDiskQueue == 0 || c.OpsInRepQueue != c.OpsInDiskQueue {
		t.Fatalf("recovered ops are not a disk backlog: %+v", c)
	}
	// The target says it holds up to 25: the rest is sent again.
	q2.Rewind(25)
	got := takeAll(t, q2)
	checkSame(t, got, want[25:])
	if c := q2.Counts(); c.OpsInRepQueue != 0 || c.OpsInDiskQueue != 0 || c.BytesInDiskQueue != 0 {
		t.Fatalf("counts after draining: %+v", c)
	}
	// New ops follow the reserved block, in memory.
	seq := q2.Push(repOp(99, 10))
	if seq < q2.NextSeq()-1 || seq <= 40 {
		t.Fatalf("new op got %d", seq)
	}
}

// Mirror ops stay in memory while there is room (a remirror remakes them),
// yet their sequences are reserved, so after a restart no new op reuses a
// sequence the target may hold.
func TestMirrorOpsNotJournaledButSequencesReserved(t *testing.T) {
	dir := t.TempDir()
	q, _ := mustOpen(t, testOpts(t, dir))
	for i := 1; i <= 5; i++ {
		q.Push(mirOp(i, 100))
	}
	last := q.Push(mirOp(6, 100))
	if st := q.JournalStats(); st.Appended != 0 {
		t.Fatalf("mirror ops journaled: %+v", st)
	}
	q.Close()
	q2, rec := mustOpen(t, testOpts(t, dir))
	defer q2.Close()
	if rec.Records != 0 {
		t.Fatalf("replayed %d mirror ops", rec.Records)
	}
	if q2.NextSeq() <= last {
		t.Fatalf("next sequence %d not above %d", q2.NextSeq(), last)
	}
}

// Segments rotate at SegmentBytes and are deleted once acknowledged.
func TestSegmentsRotateAndAreReleased(t *testing.T) {
	dir := t.TempDir()
	q, _ := mustOpen(t, testOpts(t, dir))
	defer q.Close()
	for i := 1; i <= 100; i++ {
		q.Push(repOp(i, 500))
	}
	if n := len(segmentFiles(t, dir)); n < 10 {
		t.Fatalf("%d segments for 50 KB in 4 KB segments", n)
	}
	takeAll(t, q)
	q.Ack(50)
	mid := len(segmentFiles(t, dir))
	q.Ack(100)
	end := len(segmentFiles(t, dir))
	if !(end < mid && end <= 2) {
		t.Fatalf("segments after acks: %d then %d", mid, end)
	}
	c := q.Counts()
	if c.JournalBytes != totalSize(t, dir) {
		t.Fatalf("journal bytes %d, files hold %d", c.JournalBytes, totalSize(t, dir))
	}
}

func totalSize(t *testing.T, dir string) int64 {
	var n int64
	for _, f := range segmentFiles(t, dir) {
		n += fileSize(t, f)
	}
	return n
}

// Past the pool's spill point ops go to disk only, come back in order with
// their data, and once the backlog drains ops stay in memory again.
func TestSpillToDiskAndBack(t *testing.T) {
	dir := t.TempDir()
	o := testOpts(t, dir)
	o.Pool = NewPool(PoolOpts{LimitBytes: 8 << 10, SpillPercent: 50})
	q, _ := mustOpen(t, o)
	defer q.Close()
	var want []*wire.Op
	for i := 1; i <= 30; i++ {
		op := mirOp(i, 1000)
		if i%3 == 0 {
			op = repOp(i, 1000)
		}
		op.Incompressible = i%2 == 0
		q.Push(op)
		want = append(want, op)
	}
	c := q.Counts()
	if c.OpsInDiskQueue == 0 || c.BytesInDiskQueue == 0 || c.OpsInDiskQueue == 30 {
		t.Fatalf("expected part of the ops on disk: %+v", c)
	}
	if o.Pool.Used() > 4<<10+2*opOverhead+2000 {
		t.Fatalf("pool holds %d bytes past its spill point", o.Pool.Used())
	}
	if c.OpsInMirQueue+c.OpsInRepQueue != 30 {
		t.Fatalf("pending counts %+v", c)
	}
	// A small window: the backlog is read a little at a time.
	var got []*wire.Op
	for len(got) < 30 {
		b, err := q.Take(context.Background(), 4, 1<<20, 4)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
		q.Ack(b[len(b)-1].Seq)
	}
	checkSame(t, got, want)
	if c := q.Counts(); c.OpsInDiskQueue != 0 || c.MemoryBytes != 0 {
		t.Fatalf("after draining: %+v", c)
	}
	q.Push(mirOp(31, 10))
	if c := q.Counts(); c.OpsInDiskQueue != 0 {
		t.Fatalf("backlog drained but new op went to disk: %+v", c)
	}
}

// DropPending reaches into the disk backlog.
func TestDropPendingInBacklog(t *testing.T) {
	o := testOpts(t, t.TempDir())
	o.Pool = NewPool(PoolOpts{LimitBytes: 4 << 10, SpillPercent: 10})
	q, _ := mustOpen(t, o)
	defer q.Close()
	var keep []*wire.Op
	for i := 1; i <= 20; i++ {
		op := mirOp(i, 500)
		if i%4 == 0 {
			op = repOp(i, 500)
			keep = append(keep, op)
		}
		q.Push(op)
	}
	if q.Counts().OpsInDiskQueue == 0 {
		t.Fatal("nothing spilled")
	}
	if n := q.DropPending(func(op *wire.Op) bool { return !op.Mirror }); n != 15 {
		t.Fatalf("dropped %d, want 15", n)
	}
	c := q.Counts()
	if c.OpsInMirQueue != 0 || c.OpsInRepQueue != 5 || c.BytesInMirQueue != 0 {
		t.Fatalf("counts after drop: %+v", c)
	}
	checkSame(t, takeAll(t, q), keep)
}

// Rewind after a reconnect puts sent ops back ahead of the disk backlog.
func TestRewindAheadOfBacklog(t *testing.T) {
	o := testOpts(t, t.TempDir())
	o.Pool = NewPool(PoolOpts{LimitBytes: 6 << 10, SpillPercent: 50})
	q, _ := mustOpen(t, o)
	defer q.Close()
	var want []*wire.Op
	for i := 1; i <= 12; i++ {
		op := repOp(i, 1000)
		q.Push(op)
		want = append(want, op)
	}
	b, _ := q.Take(context.Background(), 2, 1<<20, 10)
	if len(b) != 2 {
		t.Fatalf("took %d", len(b))
	}
	if n := q.Rewind(1); n != 1 {
		t.Fatalf("rewound %d", n)
	}
	checkSame(t, takeAll(t, q), want[1:])
}

// The space limit overflows the queue once; it drops pushes until Reset,
// after which it works again.
func TestOverflowDiskSpaceAndReset(t *testing.T) {
	var seen overflows
	o := testOpts(t, t.TempDir())
	o.Pool = NewPool(PoolOpts{LimitBytes: 4 << 10, SpillPercent: 0})
	o.SpaceMax = 16 << 10
	o.OnOverflow = seen.record
	q, _ := mustOpen(t, o)
	defer q.Close()
	accepted := 0
	for i := 1; i <= 100; i++ {
		if q.Push(repOp(i, 1000)) != 0 {
			accepted++
		}
	}
	if accepted == 0 || accepted == 100 {
		t.Fatalf("accepted %d of 100", accepted)
	}
	if got := seen.list(); len(got) != 1 || got[0] != OverflowDiskSpace {
		t.Fatalf("overflows %v", got)
	}
	if q.Overflowed() != OverflowDiskSpace || q.Discarded() != int64(100-accepted) {
		t.Fatalf("overflowed %v, discarded %d", q.Overflowed(), q.Discarded())
	}
	if n := q.Reset(); n != accepted {
		t.Fatalf("reset discarded %d, want %d", n, accepted)
	}
	if c := q.Counts(); c.OpsInRepQueue != 0 || c.OpsInDiskQueue != 0 || c.JournalBytes > segHeaderSize {
		t.Fatalf("after reset: %+v", c)
	}
	if o.Pool.DiskBytes() != q.Counts().JournalBytes {
		t.Fatalf("pool disk %d vs journal %d", o.Pool.DiskBytes(), q.Counts().JournalBytes)
	}
	seq := q.Push(repOp(1, 10))
	if seq == 0 || q.Overflowed() != OverflowNone {
		t.Fatalf("push after reset: seq %d, %v", seq, q.Overflowed())
	}
	got := takeAll(t, q)
	if len(got) != 1 || got[0].Seq != seq {
		t.Fatalf("after reset took %d ops", len(got))
	}
}

// Without a disk queue the memory limit overflows the queue.
func TestOverflowMemoryWithoutJournal(t *testing.T) {
	var seen overflows
	q, _, err := Open(Opts{Pool: NewPool(PoolOpts{LimitBytes: 10 << 10, SpillPercent: 75}), OnOverflow: seen.record})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 20; i++ {
		q.Push(repOp(i, 1000))
	}
	if got := seen.list(); len(got) != 1 || got[0] != OverflowMemory || !got[0].Memory() {
		t.Fatalf("overflows %v", got)
	}
	if q.Durable() {
		t.Fatal("memory queue says it is durable")
	}
}

// MemoryAllocatorCallbackMode 0: overflow at the spill point.
func TestDisconnectAtThreshold(t *testing.T) {
	var seen overflows
	o := testOpts(t, t.TempDir())
	o.Pool = NewPool(PoolOpts{LimitBytes: 10 << 10, SpillPercent: 20})
	o.DisconnectAtThreshold = true
	o.OnOverflow = seen.record
	q, _ := mustOpen(t, o)
	defer q.Close()
	for i := 1; i <= 5; i++ {
		q.Push(repOp(i, 1000))
	}
	if got := seen.list(); len(got) != 1 || got[0] != OverflowThreshold {
		t.Fatalf("overflows %v", got)
	}
	if q.Counts().OpsInDiskQueue != 0 {
		t.Fatal("spilled although the policy is to disconnect")
	}
}

// The alert fires once when memory and disk together pass the threshold,
// and again only after falling well below it.
func TestQueueSizeAlert(t *testing.T) {
	var fired []int64
	p := NewPool(PoolOpts{LimitBytes: 10_000, SpillPercent: 100, AlertPercent: 50,
		OnAlert: func(pct int64) { fired = append(fired, pct) }})
	p.add(4000)
	p.checkAlert()
	p.add(2000)
	p.checkAlert()
	p.checkAlert()
	if len(fired) != 1 || fired[0] != 50 {
		t.Fatalf("fired %v", fired)
	}
	p.add(-1500) // 45%: not below the hysteresis band
	p.checkAlert()
	p.add(1000)
	p.checkAlert()
	if len(fired) != 1 {
		t.Fatalf("re-fired inside the hysteresis band: %v", fired)
	}
	p.add(-5000)
	p.checkAlert()
	p.add(5000)
	p.checkAlert()
	if len(fired) != 2 {
		t.Fatalf("did not re-arm: %v", fired)
	}
	if p.Total() < p.Used() || p.Available() != p.Total()-p.Used() {
		t.Fatalf("pool figures: total %d used %d available %d", p.Total(), p.Used(), p.Available())
	}
}

// Discard removes the journal; Close keeps it.
func TestDiscardRemovesJournal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "q")
	q, _ := mustOpen(t, testOpts(t, dir))
	q.Push(repOp(1, 10))
	if err := q.Discard(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("journal still there: %v", err)
	}
	if q.Push(repOp(2, 10)) != 0 {
		t.Fatal("closed queue accepted an op")
	}
}

// One fsync covers every append before it (group commit), and the
// committer syncs by itself within CommitDelay.
func TestGroupCommit(t *testing.T) {
	o := testOpts(t, t.TempDir())
	o.CommitDelay = time.Hour
	q, _ := mustOpen(t, o)
	for i := 1; i <= 50; i++ {
		q.Push(repOp(i, 100))
	}
	if err := q.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := q.Sync(); err != nil {
		t.Fatal(err)
	}
	if st := q.JournalStats(); st.Syncs != 1 || st.Appended != 50 {
		t.Fatalf("one sync expected for 50 appends: %+v", st)
	}
	q.Close()

	q2, _ := mustOpen(t, testOpts(t, t.TempDir()))
	defer q2.Close()
	q2.Push(repOp(1, 100))
	deadline := time.Now().Add(10 * time.Second)
	for q2.JournalStats().Syncs == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if st := q2.JournalStats(); st.Syncs != 1 || st.SyncErrors != 0 {
		t.Fatalf("committer: %+v", st)
	}
}

// copyDir copies a journal directory as a crash would leave it: whatever
// was written, without the close.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A journal left open (a crash) reopens as unclean and still replays what
// it holds; one closed reopens as clean.
func TestUncleanShutdownDetected(t *testing.T) {
	dir, crash := t.TempDir(), filepath.Join(t.TempDir(), "crash")
	q, _ := mustOpen(t, testOpts(t, dir))
	var want []*wire.Op
	for i := 1; i <= 5; i++ {
		op := repOp(i, 100)
		q.Push(op)
		want = append(want, op)
	}
	copyDir(t, dir, crash)
	q.Close()
	q2, rec := mustOpen(t, testOpts(t, dir))
	q2.Close()
	if rec.Unclean || rec.Records != 5 {
		t.Fatalf("after close: %+v", rec)
	}
	q3, rec := mustOpen(t, testOpts(t, crash))
	defer q3.Close()
	if !rec.Unclean || rec.Damaged || rec.Records != 5 {
		t.Fatalf("after a crash: %+v", rec)
	}
	q3.Rewind(0)
	checkSame(t, takeAll(t, q3), want)
}

// With memory to spare, a journal without room leaves replication ops in
// memory instead of overflowing; the journal, now missing ops, does not
// close clean, so the next start remirrors and removes orphans.
func TestJournalFullWhileMemoryHasRoom(t *testing.T) {
	var seen overflows
	dir := t.TempDir()
	o := testOpts(t, dir)
	o.SpaceMax = 8 << 10
	o.OnOverflow = seen.record
	q, _ := mustOpen(t, o)
	for i := 1; i <= 40; i++ {
		if q.Push(repOp(i, 500)) == 0 {
			t.Fatalf("push %d refused", i)
		}
	}
	if got := seen.list(); len(got) != 0 {
		t.Fatalf("overflowed with memory to spare: %v", got)
	}
	st := q.JournalStats()
	if st.Unjournaled == 0 || st.Appended == 0 {
		t.Fatalf("stats %+v", st)
	}
	if n := len(takeAll(t, q)); n != 40 {
		t.Fatalf("took %d ops", n)
	}
	q.Close()
	q2, rec := mustOpen(t, o)
	defer q2.Close()
	if !rec.Unclean {
		t.Fatalf("a journal missing ops reopened clean: %+v", rec)
	}
}

// A sequence reservation that cannot be written ends journaling: the
// journal is removed (a later start begins a new epoch) and the queue goes
// on in memory.
func TestReservationFailureAbandonsJournal(t *testing.T) {
	dir := t.TempDir()
	q, _ := mustOpen(t, testOpts(t, dir))
	defer q.Close()
	q.Push(repOp(1, 10))
	// The meta cannot be replaced while a directory holds its name.
	meta := filepath.Join(dir, metaFile)
	if err := os.Remove(meta); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(meta, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	q.mu.Lock()
	q.j.meta.reserved = q.nextSeq - 1
	q.mu.Unlock()
	if q.Push(repOp(2, 10)) == 0 {
		t.Fatal("push refused")
	}
	if q.Durable() {
		t.Fatal("still journaling without a reservation")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("abandoned journal still there: %v", err)
	}
	if n := len(takeAll(t, q)); n != 2 {
		t.Fatalf("took %d ops", n)
	}
}
