package queue

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/wire"
)

// maxSegments is how many log files one disk queue may hold, as the
// reference states for QJournalSpaceMax.
const maxSegments = 16384

// reserveBlock is how many sequences one meta write reserves.
const reserveBlock = 1 << 20

// slowSync is when an fsync is worth a warning.
const slowSync = time.Second

// journalOpts configure a journal; see Opts.
type journalOpts struct {
	dir          string
	jobID        string
	segmentBytes int64
	spaceMax     int64 // <= 0: unlimited
	freeMin      int64
	commitDelay  time.Duration
	unsafeNoSync bool
	pool         *Pool
	fsync        func(*os.File) error // (*os.File).Sync; tests inject failures
	exported     *SyncCounters        // the queue's, outliving this journal
	// onSyncError is told once, from the committer and without the
	// queue's lock, that an fsync failed.
	onSyncError func(error)
	log         *slog.Logger
}

// journal is a queue's segment log. Every method but sync is called with
// the owning queue's lock held; the committer goroutine only syncs.
type journal struct {
	o    journalOpts
	meta meta
	segs []*segment // by first sequence; the last one is written to
	w    *os.File   // the last segment, open for writing
	buf  []byte
	// total is the size of every segment.
	total int64

	// gapped: an op held in memory could not be journaled (no room), so
	// the journal is incomplete and is not closed clean.
	gapped bool
	gapLog time.Time

	freeBytes   int64 // free space at the last measure
	freeAt      time.Time
	freeWritten int64 // bytes appended since

	// Group commit: appends bump gen; the committer fsyncs w and records
	// the gen it covered. smu guards w's identity, gen and synced against
	// the committer; fsyncMu is held while an fsync runs, so rotation
	// never closes a file under a running fsync.
	smu     sync.Mutex
	gen     uint64
	synced  uint64
	syncErr error // the first failed fsync: nothing since is durable
	fsyncMu sync.Mutex
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}

	stats JournalStats
}

// JournalStats count what a journal did, for tests and diagnostics.
type JournalStats struct {
	Appended, Read, Skipped int64         // records
	Unjournaled             int64         // ops held in memory only: the journal had no room
	Syncs, SlowSyncs        int64         // group commits; fsyncs over slowSync
	SyncTime, MaxSync       time.Duration // total and longest fsync, commits and rotations
	SyncErrors              int64
}

// position is where a record starts: its segment, offset and the CRC
// chain value before it.
type position struct {
	first uint64
	off   int64
	crc   uint32
}

// Recovery reports what opening a journal found.
type Recovery struct {
	Records int64 // operations recovered
	Bytes   int64 // their payload bytes
	// TornTail is a last record cut short by a crash: expected, dropped.
	TornTail bool
	// Unclean means the queue was not closed, or closed missing ops it
	// had no room for: the source stopped without shutting down (a
	// crash, kill -9), so changes it had not yet captured are lost, and
	// only a remirror that also removes orphans finds them all.
	Unclean bool
	// Damaged means records were lost to damage other than a torn tail,
	// or the journal could not be used and was started afresh: the
	// target needs a remirror to be sure of its data.
	Damaged bool
	Detail  string
}

func newEpoch() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) | 1
}

// openJournal opens (or creates) the journal in o.dir and replays its
// records through visit, oldest first. It returns the next free sequence.
func openJournal(o journalOpts, visit func(*wire.Op)) (*journal, uint64, Recovery, error) {
	var rec Recovery
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return nil, 0, rec, fmt.Errorf("queue directory: %w", err)
	}
	j := &journal{o: o, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	m, err := readMeta(o.dir)
	fresh := err != nil || m.jobID != o.jobID
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		rec.Damaged, rec.Detail = true, err.Error()
	case m.jobID != o.jobID:
		rec.Damaged, rec.Detail = true, fmt.Sprintf("queue of job %q found where job %q keeps its queue", m.jobID, o.jobID)
	default:
		rec.Unclean = !m.clean
	}
	segs, err := listSegments(o.dir)
	if err != nil {
		return nil, 0, rec, err
	}
	if fresh {
		if len(segs) > 0 && !rec.Damaged {
			rec.Damaged, rec.Detail = true, "queue log files without queue meta"
		}
		for _, s := range segs {
			if err := os.Remove(s.path); err != nil {
				return nil, 0, rec, fmt.Errorf("clearing queue: %w", err)
			}
		}
		segs = nil
		m = meta{jobID: o.jobID, epoch: newEpoch()}
	}
	j.meta = m
	fail := func(err error) (*journal, uint64, Recovery, error) {
		o.pool.addDisk(-j.total)
		if j.w != nil {
			j.w.Close()
		}
		return nil, 0, rec, err
	}
	last, err := j.scan(segs, &rec, visit)
	if err != nil {
		return fail(err)
	}
	next := max(m.reserved, last) + 1
	if err := j.reserve(next - 1 + reserveBlock); err != nil {
		return fail(err)
	}
	if err := j.openWriter(next); err != nil {
		return fail(err)
	}
	j.measureFree()
	go j.commitLoop()
	return j, next, rec, nil
}

// scan verifies segs in order, keeps the longest valid prefix (truncating
// or removing what follows damage) and returns the highest sequence.
func (j *journal) scan(segs []*segment, rec *Recovery, visit func(*wire.Op)) (uint64, error) {
	var last uint64
	for i, s := range segs {
		r, err := openSegment(s.path, j.meta.epoch, s.first, -1)
		if err == nil && i > 0 {
			p := segs[i-1]
			if want := (segLink{first: p.first, size: uint64(p.size), crc: p.endCRC}); r.prev != want {
				r.close()
				err = fmt.Errorf("queue log %s follows %+v, not %+v: %w", filepath.Base(s.path), r.prev, want, errCorrupt)
			}
		}
		if err != nil {
			return last, j.cut(segs, i, -1, err, rec)
		}
		var bad error
		for {
			off, crc := r.off, r.crc
			op, framed, err := r.next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					bad = err
					if errors.Is(err, errCorrupt) && i == len(segs)-1 && framed > 0 && off+framed == r.end {
						// A bad last record ending exactly at the end of
						// the log: a write the crash cut short.
						bad = fmt.Errorf("%w: %w", errTorn, err)
					}
				}
				break
			}
			if op.Seq <= last || op.Seq < s.first || (i+1 < len(segs) && op.Seq >= segs[i+1].first) {
				bad = fmt.Errorf("sequence %d out of order after %d: %w", op.Seq, last, errCorrupt)
				r.off, r.crc = off, crc
				break
			}
			last, s.last = op.Seq, op.Seq
			rec.Records++
			rec.Bytes += op.PayloadBytes()
			visit(op)
		}
		s.size, s.endCRC = r.off, r.crc
		r.close()
		j.segs = append(j.segs, s)
		j.total += s.size
		j.o.pool.addDisk(s.size)
		if bad != nil {
			return last, j.cut(segs, i+1, s.size, bad, rec)
		}
	}
	return last, nil
}

// cut handles damage found in segs[i-1] at offset off (off < 0: segs[i]
// itself is unusable): the damaged segment is truncated and every later
// one removed. Damage at the very end of the last segment is a torn
// tail; anything else loses records and is reported as damage.
func (j *journal) cut(segs []*segment, i int, off int64, why error, rec *Recovery) error {
	torn := errors.Is(why, errTorn)
	if off >= 0 {
		s := segs[i-1]
		if err := os.Truncate(s.path, off); err != nil {
			return fmt.Errorf("truncating damaged queue log %s: %w", filepath.Base(s.path), err)
		}
		torn = torn && i == len(segs)
	} else {
		torn = torn && i == len(segs)-1
		if err := os.Remove(segs[i].path); err != nil {
			return fmt.Errorf("removing damaged queue log: %w", err)
		}
		i++
	}
	for _, s := range segs[i:] {
		torn = false
		if err := os.Remove(s.path); err != nil {
			return fmt.Errorf("removing queue log after damage: %w", err)
		}
	}
	if torn {
		rec.TornTail = true
	} else {
		rec.Damaged = true
		rec.Detail = why.Error()
	}
	return nil
}

// openWriter makes the last segment writable, or starts one at next.
func (j *journal) openWriter(next uint64) error {
	if n := len(j.segs); n > 0 && j.segs[n-1].size < j.o.segmentBytes {
		s := j.segs[n-1]
		f, err := os.OpenFile(s.path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("opening queue log: %w", err)
		}
		if _, err := f.Seek(s.size, 0); err != nil {
			f.Close()
			return fmt.Errorf("opening queue log: %w", err)
		}
		j.w = f
		return nil
	}
	return j.startSegment(next)
}

// startSegment creates the segment for sequences from first on and makes
// it the one written to; the previous one is synced and closed.
func (j *journal) startSegment(first uint64) error {
	if len(j.segs) >= maxSegments {
		return &fullError{why: OverflowDiskFiles}
	}
	s := &segment{first: first, path: filepath.Join(j.o.dir, segName(first))}
	var prev segLink
	if n := len(j.segs); n > 0 {
		p := j.segs[n-1]
		prev = segLink{first: p.first, size: uint64(p.size), crc: p.endCRC}
	}
	hdr, crc := segHeader{epoch: j.meta.epoch, first: first, prev: prev}.encode()
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return &fullError{why: OverflowDiskError, err: fmt.Errorf("creating queue log: %w", err)}
	}
	if _, err := f.Write(hdr[:]); err != nil {
		f.Close()
		os.Remove(s.path)
		return &fullError{why: diskWhy(err), err: fmt.Errorf("creating queue log: %w", err)}
	}
	if !j.o.unsafeNoSync {
		// The segment being left, its new successor and the directory
		// entry naming it must all be on stable storage before records
		// go to the new one: a failure here is a queue that cannot keep
		// its promise, not a warning.
		err := j.timedSync(j.w, false)
		if err == nil {
			err = j.timedSync(f, false)
		}
		if err == nil {
			err = syncDir(j.o.dir)
		}
		if err != nil {
			j.syncFailed(err)
			f.Close()
			os.Remove(s.path)
			return &fullError{why: OverflowDiskError, err: fmt.Errorf("creating queue log: %w", err)}
		}
	}
	j.smu.Lock()
	old := j.w
	j.w = f
	j.smu.Unlock()
	if old != nil {
		j.fsyncMu.Lock()
		old.Close()
		j.fsyncMu.Unlock()
	}
	s.size, s.endCRC = segHeaderSize, crc
	j.segs = append(j.segs, s)
	j.total += segHeaderSize
	j.o.pool.addDisk(segHeaderSize)
	return nil
}

func (j *journal) active() *segment { return j.segs[len(j.segs)-1] }

// append writes op's record and returns where it starts. The record is
// durable once a later sync (the committer's, within commitDelay) ends.
func (j *journal) append(op *wire.Op) (position, error) {
	buf, crc, err := appendRecord(j.buf[:0], j.active().endCRC, op)
	j.buf = buf[:0]
	if err != nil {
		return position{}, &fullError{why: OverflowDiskError, err: err}
	}
	n := int64(len(buf))
	if err := j.room(n); err != nil {
		return position{}, err
	}
	if a := j.active(); a.size+n > j.o.segmentBytes && a.last != 0 {
		if err := j.startSegment(op.Seq); err != nil {
			return position{}, err
		}
		buf, crc, _ = appendRecord(buf[:0], j.active().endCRC, op)
		j.buf = buf[:0]
	}
	a := j.active()
	pos := position{first: a.first, off: a.size, crc: a.endCRC}
	if _, err := j.w.Write(buf); err != nil {
		// Cut the partial record off so the log stays readable.
		_ = j.w.Truncate(a.size)
		_, _ = j.w.Seek(a.size, 0)
		return position{}, &fullError{why: diskWhy(err), err: fmt.Errorf("writing queue log: %w", err)}
	}
	a.size += n
	a.last = op.Seq
	a.endCRC = crc
	j.total += n
	j.freeWritten += n
	j.o.pool.addDisk(n)
	j.stats.Appended++
	j.smu.Lock()
	j.gen++
	j.smu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default:
	}
	return pos, nil
}

// gap records that an op was left out of the journal, warning at most
// once a minute.
func (j *journal) gap(err error) {
	j.gapped = true
	j.stats.Unjournaled++
	if time.Since(j.gapLog) > time.Minute {
		j.gapLog = time.Now()
		j.o.log.Warn("source disk queue full: operations held in memory only until space returns", "dir", j.o.dir,
			"err", err)
	}
}

// room refuses an append of n bytes that would pass QJournalSpaceMax or
// leave less than QJournalFreeSpaceMin free.
func (j *journal) room(n int64) error {
	if j.o.spaceMax > 0 && j.o.pool.DiskBytes()+n > j.o.spaceMax {
		return &fullError{why: OverflowDiskSpace}
	}
	if time.Since(j.freeAt) > time.Second || j.freeWritten >= 1<<20 {
		j.measureFree()
	}
	if j.freeBytes-j.freeWritten-n < j.o.freeMin {
		return &fullError{why: OverflowDiskFree}
	}
	return nil
}

// measureFree refreshes the free-space figure and tells the pool how much
// the journals may still grow.
func (j *journal) measureFree() {
	free, err := freeSpace(j.o.dir)
	if err != nil {
		free = 1 << 62 // unknown: let the write itself fail
	}
	j.freeBytes, j.freeAt, j.freeWritten = free, time.Now(), 0
	room := free - j.o.freeMin
	if j.o.spaceMax > 0 {
		room = min(room, j.o.spaceMax-j.o.pool.DiskBytes())
	}
	j.o.pool.setDiskRoom(max(room, 0))
}

// diskWhy classifies a write error: a full disk is the queue filling up.
func diskWhy(err error) Overflow {
	if isNoSpace(err) {
		return OverflowDiskFree
	}
	return OverflowDiskError
}

// reserve records that sequences up to r may be in use.
func (j *journal) reserve(r uint64) error {
	m := j.meta
	m.reserved, m.clean = r, false
	if err := writeMeta(j.o.dir, m, j.o.unsafeNoSync); err != nil {
		return &fullError{why: diskWhy(err), err: err}
	}
	j.meta = m
	return nil
}

// release removes the oldest segments once every record in them is at or
// below acked, never the segment holding keep or a later one.
func (j *journal) release(acked, keep uint64) {
	for len(j.segs) > 1 && j.segs[1].first <= acked+1 && j.segs[1].first <= keep {
		s := j.segs[0]
		if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			j.o.log.Warn("removing acknowledged queue log", "file", s.path, "err", err)
			return
		}
		j.segs = j.segs[1:]
		j.total -= s.size
		j.o.pool.addDisk(-s.size)
	}
}

// reset discards every record and starts an empty segment at next.
func (j *journal) reset(next uint64) error {
	j.smu.Lock()
	old := j.w
	j.w = nil
	j.smu.Unlock()
	if old != nil {
		j.fsyncMu.Lock()
		old.Close()
		j.fsyncMu.Unlock()
	}
	for _, s := range j.segs {
		if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("clearing queue log: %w", err)
		}
	}
	j.o.pool.addDisk(-j.total)
	j.segs, j.total = nil, 0
	// What failed to reach the disk was discarded with the records: the
	// new segment starts with its own promise.
	j.smu.Lock()
	j.syncErr = nil
	j.smu.Unlock()
	return j.startSegment(next)
}

// segmentIndex finds the segment whose first sequence is first.
func (j *journal) segmentIndex(first uint64) int {
	i := sort.Search(len(j.segs), func(i int) bool { return j.segs[i].first >= first })
	if i < len(j.segs) && j.segs[i].first == first {
		return i
	}
	return -1
}

// commitLoop syncs appended records within commitDelay of the first
// unsynced append, so one fsync covers every append of that window.
func (j *journal) commitLoop() {
	defer close(j.done)
	t := time.NewTimer(time.Hour)
	t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-j.kick:
		}
		t.Reset(j.o.commitDelay)
		select {
		case <-j.stop:
			t.Stop()
			return
		case <-t.C:
		}
		if err := j.sync(); err != nil {
			// The records since the last good fsync may never reach
			// the disk (the kernel may have dropped their pages): the
			// queue stops claiming them durable (syncFailed).
			j.o.log.Error("queue log sync failed: the disk queue cannot keep operations durable", "dir", j.o.dir,
				"err", err)
		}
	}
}

// timedSync fsyncs f (nil: nothing to do) under fsyncMu, timing it into
// the journal's statistics; commit says whether it is a group commit
// (counted in Syncs) or a rotation's.
func (j *journal) timedSync(f *os.File, commit bool) error {
	if f == nil {
		return nil
	}
	j.fsyncMu.Lock()
	start := time.Now()
	err := j.o.fsync(f)
	took := time.Since(start)
	j.fsyncMu.Unlock()
	j.smu.Lock()
	defer j.smu.Unlock()
	if commit {
		j.stats.Syncs++
	}
	j.stats.SyncTime += took
	j.o.exported.add(took)
	j.stats.MaxSync = max(j.stats.MaxSync, took)
	if took > slowSync {
		j.stats.SlowSyncs++
		j.o.log.Warn("slow queue log fsync", "dir", j.o.dir, "took", took)
	}
	if err != nil && !errors.Is(err, os.ErrClosed) {
		j.stats.SyncErrors++
	}
	return err
}

// syncFailedErr is the fsync failure since the last reset, nil if none.
func (j *journal) syncFailedErr() error {
	j.smu.Lock()
	defer j.smu.Unlock()
	return j.syncErr
}

// syncFailed records that the journal could not make its records durable:
// until a reset it is never closed clean and every sync fails. It reports
// whether this is the first failure.
func (j *journal) syncFailed(err error) bool {
	j.smu.Lock()
	defer j.smu.Unlock()
	if j.syncErr != nil {
		return false
	}
	j.syncErr = err
	return true
}

// sync blocks until every record appended before the call is on stable
// storage.
func (j *journal) sync() error {
	j.smu.Lock()
	f, gen := j.w, j.gen
	dirty := gen != j.synced
	j.smu.Unlock()
	if !dirty || f == nil || j.o.unsafeNoSync {
		return nil
	}
	err := j.timedSync(f, true)
	if errors.Is(err, os.ErrClosed) {
		// Rotated or reset meanwhile: the old file was synced before it
		// closed (startSegment), or its records were discarded (reset).
		err = nil
	}
	if err != nil {
		err = fmt.Errorf("syncing queue log: %w", err)
		if j.syncFailed(err) && j.o.onSyncError != nil {
			// The committer holds no queue lock: the queue is told here
			// (an append that fails a rotation's fsync reports through
			// its own error instead).
			j.o.onSyncError(err)
		}
		return err
	}
	j.smu.Lock()
	defer j.smu.Unlock()
	if j.syncErr != nil {
		return j.syncErr
	}
	if gen > j.synced {
		j.synced = gen
	}
	return nil
}

// close syncs and closes the journal, keeping its files.
func (j *journal) close() error {
	close(j.stop)
	<-j.done
	err := j.sync()
	j.smu.Lock()
	f := j.w
	j.w = nil
	j.smu.Unlock()
	if f != nil {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	j.smu.Lock()
	failed := j.syncErr
	j.smu.Unlock()
	if err == nil {
		// A journal whose fsync failed is not clean: the next start must
		// not trust it to hold every operation.
		m := j.meta
		m.clean = !j.gapped && failed == nil
		err = writeMeta(j.o.dir, m, j.o.unsafeNoSync)
	}
	return err
}
