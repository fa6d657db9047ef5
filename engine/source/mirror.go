package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/wire"
)

// Mirror modes.
const (
	MirrorFullMode     = "full"     // send every file whole
	MirrorDiffMode     = "diff"     // compare size and mtime; send the blocks of files that differ
	MirrorChecksumMode = "checksum" // compare block checksums of every file; send the blocks that differ
)

// statBatch is how many paths one StatRequest asks about.
const statBatch = 256

// hashBatch is how many block sums one HashRequest asks for.
const hashBatch = 16384

// mirrorer runs a connection's mirrors: the one slot a mirror,
// verification, orphan removal or restore occupies (ctl), and the mirror
// owed at the next connect or retry (need).
type mirrorer struct {
	c    *Connection
	ctl  mirrorControl
	need atomic.Value // string mode to run at the next connect, "" none
}

// mirrorControl lets the management API pause, resume and stop a running
// mirror.
type mirrorControl struct {
	mu      sync.Mutex
	running bool
	paused  bool
	cancel  context.CancelFunc
	resume  chan struct{}
	done    chan struct{}
}

func (m *mirrorControl) begin(ctx context.Context) (context.Context, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running {
		return nil, false
	}
	ctx, m.cancel = context.WithCancel(ctx)
	m.running, m.paused = true, false
	m.resume = make(chan struct{})
	m.done = make(chan struct{})
	return ctx, true
}

func (m *mirrorControl) end() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running = false
	m.cancel()
	close(m.done)
}

// endWith cancels the slot's ctx (from begin) when done closes first: a
// mirror or activity ends with the session it runs over.
func (m *mirrorControl) endWith(ctx context.Context, done <-chan struct{}) {
	m.mu.Lock()
	cancel := m.cancel
	m.mu.Unlock()
	go func() { // ends with the slot (end cancels ctx) at the latest
		select {
		case <-done:
			cancel()
		case <-ctx.Done():
		}
	}()
}

// wait returns once no mirror runs.
func (m *mirrorControl) wait() {
	m.mu.Lock()
	done, running := m.done, m.running
	m.mu.Unlock()
	if running {
		<-done
	}
}

// gate blocks while the mirror is paused.
func (m *mirrorControl) gate(ctx context.Context) error {
	for {
		m.mu.Lock()
		paused, resume := m.paused, m.resume
		m.mu.Unlock()
		if !paused {
			return ctx.Err()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-resume:
		}
	}
}

// RequestMirror makes a mirror of mode run now if connected, or at the next
// connect.
func (c *Connection) RequestMirror(mode string) {
	if s := c.sess.Load(); s != nil {
		c.mir.start(mode)
		return
	}
	c.mir.need.Store(mode)
}

// start runs a mirror of mode on a goroutine the connection owns;
// it ends with the session it started in (runMirror) or the connection.
func (mr *mirrorer) start(mode string) {
	c := mr.c
	c.life.spawn(func(ctx context.Context) { c.mir.run(ctx, mode) })
}

// StartMirror starts a mirror (113 when one is already running).
func (c *Connection) StartMirror(mode string) error {
	switch mode {
	case MirrorFullMode, MirrorDiffMode, MirrorChecksumMode:
	default:
		return catalog.Err(catalog.CodeInvalidOption, "mirror mode %q: allowed full, diff, checksum", mode)
	}
	c.mir.ctl.mu.Lock()
	running := c.mir.ctl.running
	c.mir.ctl.mu.Unlock()
	if running {
		return catalog.Err(catalog.CodeMirrorAlreadyActive, "connection %d", c.cfg.ID)
	}
	c.RequestMirror(mode)
	return nil
}

// StopMirror stops a running mirror (event 4022) and returns once it has
// stopped, so a caller that reports success tells the truth; when ctx
// ends first it returns ErrStopping.
func (c *Connection) StopMirror(ctx context.Context) error {
	if !c.mir.ctl.stop() {
		return catalog.Err(catalog.CodeMirrorNotRunning, "connection %d", c.cfg.ID)
	}
	return c.mir.waitStopped(ctx, "mirror")
}

// ErrStopping says a stop was asked for but ctx ended before the mirror
// or activity had stopped: it is still stopping.
var ErrStopping = errors.New("still stopping")

// waitStopped waits for the stopped mirror or activity what to end; when
// ctx ends first the error says it is still stopping (108, ErrStopping).
func (mr *mirrorer) waitStopped(ctx context.Context, what string) error {
	c := mr.c
	if err := c.mir.ctl.waitCtx(ctx); err != nil {
		return catalog.Wrap(catalog.CodeMirrorActive, err, "connection %d: the %s was asked to stop", c.cfg.ID, what)
	}
	return nil
}

// stop cancels the running mirror or activity; false when none runs.
func (m *mirrorControl) stop() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.running {
		return false
	}
	m.cancel()
	return true
}

// waitCtx waits until no mirror runs, or ctx ends (ErrStopping).
func (m *mirrorControl) waitCtx(ctx context.Context) error {
	m.mu.Lock()
	done, running := m.done, m.running
	m.mu.Unlock()
	if !running {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ErrStopping
	}
}

// PauseMirror pauses a running mirror (event 4020).
func (c *Connection) PauseMirror() error {
	m := &c.mir.ctl
	m.mu.Lock()
	if !m.running {
		m.mu.Unlock()
		return catalog.Err(catalog.CodeMirrorNotRunning, "connection %d", c.cfg.ID)
	}
	m.paused = true
	m.mu.Unlock()
	c.st.update(func(s *Status) { s.MirrorStatus = MirrorPausedWord })
	c.raise(catalog.EventDoubleTake4020, c.ctxArgs()...)
	return nil
}

// ResumeMirror resumes a paused mirror (event 4021).
func (c *Connection) ResumeMirror() error {
	m := &c.mir.ctl
	m.mu.Lock()
	if !m.running || !m.paused {
		m.mu.Unlock()
		return catalog.Err(catalog.CodeMirrorNotPaused, "connection %d", c.cfg.ID)
	}
	m.paused = false
	close(m.resume)
	m.resume = make(chan struct{})
	m.mu.Unlock()
	c.st.update(func(s *Status) { s.MirrorStatus = MirrorInProgress })
	c.raise(catalog.EventDoubleTake4021, c.ctxArgs()...)
	return nil
}

// mirror is one mirror run.
type mirror struct {
	c       *Connection
	mode    string
	s       *session
	total   atomic.Int64 // bytes, from the size calculation; 0 until it is known
	done    int64
	dirs    []string // directories in walk order: their attributes go last, deepest first
	lastSeq uint64   // highest sequence this mirror queued
}

func (mr *mirrorer) run(parent context.Context, mode string) {
	c := mr.c
	ctx, ok := c.mir.ctl.begin(parent)
	if !ok {
		c.ops.deferMirror(mode)
		return
	}
	defer c.mir.ctl.end()
	s := c.sess.Load()
	if s == nil {
		c.mir.need.Store(mode)
		return
	}
	c.mir.ctl.endWith(ctx, s.done)
	m := &mirror{c: c, mode: mode, s: s}
	c.raise(catalog.EventDoubleTake4019, c.ctxArgs()...)
	c.cnt.mirOps.Store(0) // the reference: a remirror resets these
	c.cnt.mirBytes.Store(0)
	c.setDataState(DataMirroring)
	c.st.update(func(st *Status) {
		st.MirrorStatus = MirrorCalculating
		st.MirrorPercent = 0
	})
	start := time.Now()
	err := m.run(ctx)
	switch {
	case err == nil:
		c.st.update(func(st *Status) { st.MirrorStatus = MirrorWaiting })
		err = m.waitAcked(ctx)
	}
	if err != nil {
		stopped := errors.Is(err, context.Canceled) && parent.Err() == nil && s.Err() == nil
		cause := humanCause(err)
		switch {
		case stopped:
			// Stopped by the user: drop what it had not sent yet, and
			// tell the target its copy is incomplete.
			c.q.DropPending(func(op *wire.Op) bool { return !op.Mirror })
			cause = causeStoppedByUser
		case parent.Err() != nil:
			cause = causeJobStopped
		default:
			if s.Err() != nil {
				cause = causeSessionLost
			}
			// Mirror again after reconnecting.
			c.mir.need.Store(mode)
		}
		c.setDataState(DataMirrorRequired)
		c.st.update(func(st *Status) { st.MirrorStatus = MirrorStopped })
		c.raise(catalog.EventDoubleTake4022, c.cfg.Target, c.cfg.Set.Name(), strconv.Itoa(c.cfg.ID), cause)
		return
	}
	c.cnt.mirrorRemain.Store(0)
	c.st.update(func(st *Status) {
		st.MirrorStatus = MirrorIdle
		st.MirrorPercent = 100
		st.MirrorRemaining = 0
	})
	c.setDataState(DataOK)
	host := c.ctxArgs()[0]
	c.raise(catalog.EventDoubleTake4023, host, "("+c.cfg.Target+")", c.cfg.Set.Name(), strconv.Itoa(c.cfg.ID),
		fmt.Sprintf("%d bytes in %s", m.done, time.Since(start).Round(time.Millisecond)))
	c.ver.afterMirror(mode)
}

func (m *mirror) run(ctx context.Context) error {
	c := m.c
	set := c.cfg.Set
	if c.cfg.Settings.Int(catalog.SettingCalculateOnConnect) != 0 {
		// The size is calculated beside the mirror, not before it: a walk
		// of the whole set delayed every mirror's first byte by as long.
		// Progress shows a percentage once the size is known.
		done := make(chan struct{})
		go func() {
			defer close(done)
			if size, err := set.Calculate(ctx); err == nil {
				set.SetSize(size)
				m.total.Store(size.Bytes)
			}
		}()
		defer func() { <-done }()
	}
	c.st.update(func(st *Status) { st.MirrorStatus = MirrorInProgress })
	m.progress()

	// Each batch's StatRequest goes out while the batch before it is
	// read and sent: asked in turn, the request waited for the target to
	// apply everything sent before it, so the source and the target took
	// turns instead of working at once (a third of a small-file mirror's
	// time). The next batch's paths are not among the current one's, so
	// what the target reports of them is what it would report later.
	var ahead *statAhead
	err := c.walkSet(ctx, func(batch []string) error {
		next := m.statAsync(ctx, batch)
		cur := ahead
		ahead = next
		if cur == nil {
			return nil
		}
		return m.batch(ctx, cur)
	})
	if ahead != nil {
		if err == nil {
			err = m.batch(ctx, ahead)
		} else {
			<-ahead.done
		}
	}
	if err != nil {
		return err
	}
	// Directory times last, deepest first, once their entries are in place.
	for i := len(m.dirs) - 1; i >= 0; i-- {
		res, err := c.b.syncDirAttr(m.dirs[i])
		if err == nil {
			m.count(res)
		}
	}
	return nil
}

// statAhead is the StatRequest of one batch of paths, in flight.
type statAhead struct {
	paths []string
	done  chan struct{} // closed when have and err are set
	have  []wire.StatEntry
	err   error
}

// statAsync sends the StatRequest of a copy of paths (a full mirror needs
// none) and returns at once; whoever holds the result waits on done.
func (m *mirror) statAsync(ctx context.Context, paths []string) *statAhead {
	sa := &statAhead{paths: slices.Clone(paths), done: make(chan struct{})}
	if m.mode == MirrorFullMode {
		close(sa.done)
		return sa
	}
	go func() {
		defer close(sa.done)
		sa.have, sa.err = statTarget(ctx, m.s, sa.paths)
	}()
	return sa
}

// batch mirrors up to statBatch paths, once their StatRequest told what
// the target has of each.
func (m *mirror) batch(ctx context.Context, sa *statAhead) error {
	<-sa.done
	if sa.err != nil {
		return sa.err
	}
	if err := m.throttle(ctx); err != nil {
		return err
	}
	have, paths := sa.have, sa.paths
	for i, rel := range paths {
		var t wire.StatEntry
		if have != nil {
			t = have[i]
		}
		// A pause or stop takes effect between files, not batches.
		if err := m.c.mir.ctl.gate(ctx); err != nil {
			return err
		}
		if err := m.path(ctx, rel, t); err != nil {
			return err
		}
	}
	return nil
}

// throttle keeps at most MirrorQueueLimit mirror ops waiting to be sent.
func (m *mirror) throttle(ctx context.Context) error {
	limit := max(1, m.c.cfg.Settings.Int(catalog.SettingMirrorQueueLimit))
	for m.c.q.Counts().OpsInMirQueue >= limit {
		if !sleepCtx(ctx, 2*time.Millisecond) {
			return ctx.Err()
		}
		if m.s.Err() != nil {
			return m.s.Err()
		}
	}
	return nil
}

func (m *mirror) count(res result) {
	m.c.cnt.mirOps.Add(res.ops)
	m.c.cnt.mirBytes.Add(res.bytes)
	m.c.cnt.skipped.Add(res.skipped)
	if s := m.c.q.NextSeq(); s > 0 {
		m.lastSeq = s - 1
	}
}

func (m *mirror) progress() {
	total := m.total.Load()
	rem := max(0, total-m.done)
	pct := 0.0
	if total > 0 {
		pct = min(100, float64(m.done)*100/float64(total))
	}
	m.c.cnt.mirrorRemain.Store(rem)
	m.c.st.update(func(st *Status) { st.MirrorPercent, st.MirrorRemaining = pct, rem })
}

// path mirrors one path given what the target has (t.Exists false when
// unknown, as in a full mirror).
func (m *mirror) path(ctx context.Context, rel string, t wire.StatEntry) error {
	c := m.c
	fi, err := os.Lstat(filepath.Join(c.cfg.Set.Root(), filepath.FromSlash(rel)))
	if err != nil {
		return nil // vanished since the walk: replication reports it
	}
	var res result
	switch {
	case fi.IsDir():
		m.dirs = append(m.dirs, rel)
		if t.Exists && t.Type == wire.FileDir && t.Mode == fsinfo.ModeBits(fi.Mode()) {
			return nil
		}
		res, err = c.b.syncPath(rel, true, false, nil, false)
	case fi.Mode().IsRegular():
		res, err = m.file(ctx, rel, fi, t)
		m.done += fi.Size()
	case fi.Mode()&fs.ModeSymlink != 0:
		target, _ := os.Readlink(filepath.Join(c.cfg.Set.Root(), filepath.FromSlash(rel)))
		if m.mode != MirrorFullMode && t.Exists && t.Type == wire.FileSymlink && t.LinkTarget == target &&
			t.Mtime == fi.ModTime().UnixNano() {
			return nil
		}
		res, err = c.b.syncPath(rel, true, false, nil, false)
	default:
		return nil
	}
	m.count(res)
	m.progress()
	if err != nil && !errors.Is(err, errVanished) {
		c.cnt.failedMirror.Add(1)
		c.cfg.Log.Warn("mirror read failed", "path", rel, "err", err)
	}
	return nil
}

func (m *mirror) file(ctx context.Context, rel string, fi os.FileInfo, t wire.StatEntry) (result, error) {
	c := m.c
	same := t.Exists && t.Type == wire.FileRegular && t.Size == fi.Size() && t.Mtime == fi.ModTime().UnixNano()
	// MirrorOverwrite: 0 never overwrites an existing file, 2 only one
	// older than the source's.
	if t.Exists && t.Type == wire.FileRegular {
		switch c.cfg.Settings.Int(catalog.SettingMirrorOverwrite) {
		case 0:
			return result{skipped: fi.Size()}, nil
		case 2:
			if t.Mtime >= fi.ModTime().UnixNano() && !same {
				return result{skipped: fi.Size()}, nil
			}
		}
	}
	switch {
	case m.mode == MirrorFullMode || !t.Exists || t.Type != wire.FileRegular:
		return c.b.syncPath(rel, true, true, nil, false)
	case m.mode == MirrorDiffMode && same:
		r, err := c.b.keepSame(rel, t)
		if errors.Is(err, errChanged) {
			return c.b.syncPath(rel, true, true, nil, false)
		}
		return r, err
	}
	// Compare block sums with the target's and send the blocks that
	// differ. The source hashes its copy while the target hashes its own.
	local := make(chan localSums, 1)
	go func() { local <- hashLocal(c.b.abs(rel), c.b.cache.BlockSize()) }()
	sums, err := m.targetSums(ctx, rel, t.Size)
	mine := <-local
	if err != nil {
		return result{}, err
	}
	return c.b.syncKnown(rel, sums, mine)
}

// targetSums asks the target for the block sums of its copy of rel.
func (m *mirror) targetSums(ctx context.Context, rel string, size int64) ([]blockhash.Sum, error) {
	bs := int64(m.c.b.cache.BlockSize())
	n := uint64((size + bs - 1) / bs)
	sums := make([]blockhash.Sum, 0, n)
	for first := uint64(0); first < n; first += hashBatch {
		count := min(uint64(hashBatch), n-first)
		rep, err := m.s.request(ctx, func(id uint64) wire.Message {
			return &wire.HashRequest{ReqID: id, Path: rel, Algo: wire.HashXXH3x128, BlockSize: uint32(bs),
				First: first, Count: uint32(count)}
		})
		if err != nil {
			return nil, fmt.Errorf("hash request: %w", err)
		}
		hr, ok := rep.(*wire.HashReply)
		if !ok {
			return nil, errors.New("hash reply expected")
		}
		if !hr.Exists {
			return nil, nil
		}
		for _, h := range hr.Hashes {
			sums = append(sums, blockhash.Sum(h))
		}
	}
	return sums, nil
}

// waitAcked waits until the target acknowledged everything this mirror
// queued: only then is the target's data in a good state.
func (m *mirror) waitAcked(ctx context.Context) error {
	for m.c.tx.ackedSeq.Load() < m.lastSeq {
		if !sleepCtx(ctx, 5*time.Millisecond) {
			return ctx.Err()
		}
		if err := m.s.Err(); err != nil {
			return err
		}
	}
	return nil
}
