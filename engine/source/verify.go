package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/verifylog"
	"github.com/dtrep/dtrep/engine/wire"
)

// VerifyOptions choose what a verification compares and does.
type VerifyOptions struct {
	Checksum bool // compare block checksums of files whose attributes match, not attributes alone
	Fix      bool // synchronise what differs (a verification with remirror)
	Orphans  bool // also report files only the target has; with Fix, remove them as orphans
}

// StartVerify starts a verification (events 4058-4062, Mirror Status
// "Verifying"): every path of the set is compared with the target's copy by
// attributes (type, size, modification time, permissions, link target) or,
// with Checksum, by block checksums too; each difference is written to the
// verification log, and with Fix the path is mirrored again. A verification
// that cannot complete is retried every VerifyRetryInterval minutes, at most
// VerifyRetryLimit times.
func (c *Connection) StartVerify(o VerifyOptions) error {
	c.ver.cancelRetry() // this one supersedes a failed one waiting to retry
	return c.ver.start(o, &retryState{})
}

// afterMirror runs a verification after a completed difference mirror
// when ForceVerifyOnMirror is 1, once the mirror has left the slot.
func (vf *verifier) afterMirror(mode string) {
	c := vf.c
	if mode != MirrorDiffMode || c.cfg.Settings.Int(catalog.SettingForceVerifyOnMirror) == 0 {
		return
	}
	c.life.spawn(func(context.Context) {
		c.mir.ctl.wait()
		if err := c.StartVerify(VerifyOptions{}); err != nil {
			c.cfg.Log.Warn("verification after the difference mirror not started", "connection", c.cfg.ID, "err", err)
		}
	})
}

// verifier starts verifications and retries those that cannot complete.
type verifier struct {
	c       *Connection
	mu      sync.Mutex
	pending *retryState // the failed verification being retried
}

// retryState counts the attempts of one verification request.
type retryState struct {
	attempts int
	timer    *time.Timer
}

func (vf *verifier) start(o VerifyOptions, rs *retryState) error {
	c := vf.c
	var v *verification
	return c.ops.start(actVerify, func(ctx context.Context, s *session) error {
		v = &verification{c: c, s: s, o: o}
		return v.run(ctx)
	}, func(err error) {
		if err == nil || (v != nil && stoppedByUser(err, v.s)) {
			return
		}
		c.ver.retryLater(o, rs, err)
	})
}

// retryLater schedules the next attempt of a failed verification.
func (vf *verifier) retryLater(o VerifyOptions, rs *retryState, cause error) {
	c := vf.c
	limit := int(c.cfg.Settings.Int(catalog.SettingVerifyRetryLimit))
	if rs.attempts >= limit {
		c.cfg.Log.Warn("verification failed; no retries left", "connection", c.cfg.ID,
			"retries", rs.attempts, "err", cause)
		return
	}
	rs.attempts++
	wait := time.Duration(c.cfg.Settings.Int(catalog.SettingVerifyRetryInterval)) * time.Minute
	c.cfg.Log.Info("verification failed; retrying", "connection", c.cfg.ID, "attempt", rs.attempts,
		"in", wait, "err", cause)
	vf.mu.Lock()
	defer vf.mu.Unlock()
	if vf.pending != nil && vf.pending.timer != nil {
		vf.pending.timer.Stop()
	}
	vf.pending = rs
	rs.timer = time.AfterFunc(wait, func() { c.ver.attempt(o, rs) })
}

// attempt runs a retry once connected, checking again each second.
func (vf *verifier) attempt(o VerifyOptions, rs *retryState) {
	c := vf.c
	vf.mu.Lock()
	current := vf.pending == rs
	vf.mu.Unlock()
	if !current || c.ops.stopped.Load() {
		return
	}
	if err := c.ver.start(o, rs); err != nil {
		vf.mu.Lock()
		defer vf.mu.Unlock()
		if vf.pending == rs {
			rs.timer = time.AfterFunc(time.Second, func() { c.ver.attempt(o, rs) })
		}
	}
}

// cancelRetry forgets a pending retry (the connection stops, or the
// user starts a verification of their own).
func (vf *verifier) cancelRetry() {
	vf.mu.Lock()
	defer vf.mu.Unlock()
	if rs := vf.pending; rs != nil && rs.timer != nil {
		rs.timer.Stop()
	}
	vf.pending = nil
}

// verification is one verification run.
type verification struct {
	c       *Connection
	s       *session
	o       VerifyOptions
	log     *verifylog.Log
	sum     verifylog.Summary
	lastSeq uint64 // highest sequence a fix queued
}

func (v *verification) conn() verifylog.Connection {
	return verifylog.Connection{ID: v.c.cfg.ID, Set: v.c.cfg.Set.Name(), Target: v.c.cfg.Target,
		TargetPath: v.c.cfg.TargetPath, Checksum: v.o.Checksum}
}

func (v *verification) run(ctx context.Context) (err error) {
	c := v.c
	st := c.cfg.Settings
	v.log, err = verifylog.Open(verifylog.Options{Dir: st.String(catalog.SettingLogDir), Name: st.String(catalog.SettingVerifyLogName),
		Limit: st.Int(catalog.SettingVerifyLogLimit), Append: st.Int(catalog.SettingVerifyLogAppend) != 0})
	if err != nil {
		return fmt.Errorf("verification: %w", err)
	}
	defer v.log.Close()
	_ = v.log.Begin(v.conn(), time.Now())
	defer func() {
		v.sum.Err = err
		_ = v.log.End(v.conn(), time.Now(), v.sum)
	}()

	if err := c.walkSet(ctx, func(batch []string) error { return v.batch(ctx, batch) }); err != nil {
		return err
	}
	if v.o.Orphans {
		n, err := c.ops.removeOrphans(ctx, v.s, v.o.Fix, func(rel string, t wire.FileType) {
			_ = v.log.Difference(verifylog.Diff{Path: rel, Kind: verifylog.OrphanOnTarget, OutOfSync: -1,
				Target: verifylog.Attrs{Exists: true, Type: t.String()}, Fixed: v.o.Fix})
		})
		v.sum.Orphans = n
		if err != nil {
			return err
		}
		v.lastSeq = max(v.lastSeq, c.lastQueued())
	}
	if v.o.Fix && v.lastSeq > 0 {
		return c.waitAckedSeq(ctx, v.s, v.lastSeq)
	}
	return nil
}

func (v *verification) batch(ctx context.Context, paths []string) error {
	have, err := statTarget(ctx, v.s, paths)
	if err != nil {
		return err
	}
	zeroK := v.c.cfg.Settings.Int(catalog.SettingMirrorZeroKFiles) != 0
	for i, rel := range paths {
		fi, err := os.Lstat(v.c.abs(rel))
		if err != nil {
			continue // vanished since the walk: replication carries it
		}
		if fi.Mode().IsRegular() && fi.Size() == 0 && !zeroK {
			continue // MirrorZeroKFiles 0 leaves empty files out of verification
		}
		if err := v.path(ctx, rel, fi, have[i]); err != nil {
			return err
		}
	}
	return nil
}

func attrsOf(fi os.FileInfo, link string) verifylog.Attrs {
	return verifylog.Attrs{Exists: true, Type: fileType(fi).String(), Size: fi.Size(), Mtime: fi.ModTime(),
		Mode: fsinfo.ModeBits(fi.Mode()), Link: link}
}

func targetAttrs(t wire.StatEntry) verifylog.Attrs {
	if !t.Exists {
		return verifylog.Attrs{}
	}
	return verifylog.Attrs{Exists: true, Type: t.Type.String(), Size: t.Size, Mtime: time.Unix(0, t.Mtime),
		Mode: t.Mode, Link: t.LinkTarget}
}

// path compares one path and records (and, with Fix, repairs) a difference.
func (v *verification) path(ctx context.Context, rel string, fi os.FileInfo, t wire.StatEntry) error {
	var link string
	if fi.Mode()&os.ModeSymlink != 0 {
		link, _ = os.Readlink(v.c.abs(rel))
	}
	switch {
	case fi.IsDir():
		v.sum.Dirs++
	case fi.Mode().IsRegular():
		v.sum.Files++
		v.sum.Bytes += fi.Size()
	}
	d := verifylog.Diff{Path: rel, Kind: verifylog.DifferentOnTarget, Source: attrsOf(fi, link),
		Target: targetAttrs(t), OutOfSync: -1}
	typ := fileType(fi)
	switch {
	case !t.Exists:
		d.Kind = verifylog.MissingOnTarget
		v.sum.Missing++
	case t.Type != typ:
		d.Reasons = append(d.Reasons, "type")
	default:
		if t.Mode != fsinfo.ModeBits(fi.Mode()) && typ != wire.FileSymlink {
			d.Reasons = append(d.Reasons, "permissions")
		}
		switch typ {
		case wire.FileRegular:
			if t.Size != fi.Size() {
				d.Reasons = append(d.Reasons, "size")
			}
			if t.Mtime != fi.ModTime().UnixNano() {
				d.Reasons = append(d.Reasons, "modification time")
			}
			if v.o.Checksum {
				n, err := v.outOfSync(ctx, rel, t.Size)
				if err != nil {
					return err
				}
				d.OutOfSync = n
				if n > 0 {
					d.Reasons = append(d.Reasons, "data")
				}
			}
		case wire.FileSymlink:
			if t.LinkTarget != link {
				d.Reasons = append(d.Reasons, "link target")
			}
		}
	}
	if d.Kind == verifylog.DifferentOnTarget {
		if len(d.Reasons) == 0 {
			return nil
		}
		v.sum.Different++
	}
	if v.o.Fix {
		if err := v.fix(ctx, rel, fi, t); err != nil {
			d.FixSkipped = err.Error()
		} else {
			d.Fixed = true
			v.sum.Synchronized++
		}
	}
	return v.log.Difference(d)
}

// outOfSync counts the bytes of rel whose blocks differ between source and
// target (a size difference counts as out of sync too).
func (v *verification) outOfSync(ctx context.Context, rel string, targetSize int64) (int64, error) {
	bs := v.c.b.cache.BlockSize()
	local, size, err := blockhash.HashFile(v.c.abs(rel), bs)
	if err != nil {
		return 0, nil // vanished or unreadable: replication reports it
	}
	remote, exists, err := fetchSums(ctx, v.s, rel, targetSize, bs)
	if err != nil {
		return 0, err
	}
	if !exists {
		return size, nil
	}
	var n int64
	for i := range max(len(local), len(remote)) {
		if i < len(local) && i < len(remote) && local[i] == remote[i] {
			continue
		}
		off := int64(i) * int64(bs)
		n += min(int64(bs), max(size, targetSize)-off)
	}
	return n, nil
}

// fix queues what makes the target's rel equal to the source's, as a
// mirror would: for a file only the blocks that differ.
func (v *verification) fix(ctx context.Context, rel string, fi os.FileInfo, t wire.StatEntry) error {
	c := v.c
	var res result
	var err error
	if fi.Mode().IsRegular() && t.Exists && t.Type == wire.FileRegular {
		sums, exists, serr := fetchSums(ctx, v.s, rel, t.Size, c.b.cache.BlockSize())
		if serr != nil {
			return serr
		}
		res, err = c.b.syncPath(rel, true, !exists, sums, exists)
	} else {
		res, err = c.b.syncPath(rel, true, true, nil, false)
	}
	c.cnt.mirOps.Add(res.ops)
	c.cnt.mirBytes.Add(res.bytes)
	if err != nil && !errors.Is(err, errVanished) {
		return err
	}
	v.lastSeq = max(v.lastSeq, c.lastQueued())
	return nil
}

// lastQueued is the sequence of the last op queued.
func (c *Connection) lastQueued() uint64 {
	if s := c.q.NextSeq(); s > 0 {
		return s - 1
	}
	return 0
}
