package source

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// orphanSettle is how long orphan removal waits before trusting that a path
// missing on the source is gone: a change the capture has not delivered
// yet (a rename away from the path) must reach the queue before the
// orphan op does.
const orphanSettle = 200 * time.Millisecond

// StartOrphans removes orphans (events 4048-4052, Mirror Status "Removing
// Orphans"): files and directories under the target path that the source
// does not have, in directories the replication set covers. The target
// removes each one, or moves it under MoveOrphansDir when MoveOrphanedFiles
// is 1, and counts it (Orphan Files/Directories/Bytes Removed).
func (c *Connection) StartOrphans() error {
	return c.ops.start(actOrphans, func(ctx context.Context, s *session) error {
		_, err := c.ops.removeOrphans(ctx, s, true, nil)
		if err != nil {
			return err
		}
		return c.waitAckedSeq(ctx, s, c.lastQueued())
	}, nil)
}

type orphan struct {
	rel string
	typ wire.FileType
}

// removeOrphans finds the target's orphans, tells found about each one and,
// with remove, queues their removal in stream order. It returns how many
// it found.
func (o *opsState) removeOrphans(ctx context.Context, s *session, remove bool, found func(rel string, t wire.FileType)) (int64, error) {
	c := o.c
	var cands []orphan
	dirs := []string{""}
	for len(dirs) > 0 {
		dir := dirs[len(dirs)-1]
		dirs = dirs[:len(dirs)-1]
		if err := c.mir.ctl.gate(ctx); err != nil {
			return 0, err
		}
		sub, orphans, err := c.ops.orphansIn(ctx, s, dir)
		if err != nil {
			return 0, err
		}
		dirs = append(dirs, sub...)
		cands = append(cands, orphans...)
	}
	if len(cands) == 0 {
		return 0, nil
	}
	if err := c.ops.settle(ctx); err != nil {
		return 0, err
	}
	var n int64
	for _, o := range cands {
		if _, err := os.Lstat(c.abs(o.rel)); !errors.Is(err, fs.ErrNotExist) {
			continue // it appeared on the source meanwhile: replication carries it
		}
		n++
		if found != nil {
			found(o.rel, o.typ)
		}
		if remove {
			c.b.mu.Lock()
			c.q.Push(&wire.Op{Kind: wire.OpOrphan, Mirror: true, Path: o.rel, UID: -1, GID: -1})
			c.b.mu.Unlock()
			c.cnt.mirOps.Add(1)
		}
	}
	return n, nil
}

// orphansIn compares one directory on both sides. It returns the
// subdirectories to descend into and the target's entries that are orphans.
func (o *opsState) orphansIn(ctx context.Context, s *session, dir string) (sub []string, orphans []orphan, err error) {
	c := o.c
	set := c.cfg.Set
	local := map[string]fs.FileMode{}
	ents, err := os.ReadDir(c.abs(dir))
	if err != nil {
		return nil, nil, nil // gone on the source: its removal travels the stream
	}
	for _, e := range ents {
		local[e.Name()] = e.Type()
	}
	limit := uint32(max(1, min(4096, c.cfg.Settings.Int(catalog.SettingMaxRemoveOrphansOpSize))))
	after := ""
	for {
		rep, err := s.request(ctx, func(id uint64) wire.Message {
			return &wire.ListRequest{ReqID: id, Path: dir, After: after, Limit: limit}
		})
		if err != nil {
			return nil, nil, err
		}
		lr, ok := rep.(*wire.ListReply)
		if !ok {
			return nil, nil, errors.New("list reply expected")
		}
		for _, e := range lr.Entries {
			if !validName(e.Name) {
				continue // not a name a directory can hold
			}
			rel := path.Join(dir, e.Name)
			isDir := e.Type == wire.FileDir
			if (isDir && !set.WantDir(rel)) || (!isDir && !set.Matches(rel, false)) {
				continue // outside the set: not the source's to judge
			}
			mode, onSource := local[e.Name]
			switch {
			case !onSource:
				orphans = append(orphans, orphan{rel, e.Type})
			case isDir && mode.IsDir():
				sub = append(sub, rel)
			}
		}
		if !lr.More || len(lr.Entries) == 0 {
			return sub, orphans, nil
		}
		last := lr.Entries[len(lr.Entries)-1].Name
		if last <= after {
			return nil, nil, errors.New("the target's listing does not advance")
		}
		after = last
	}
}

// settle waits until changes made before now have been captured and queued.
func (o *opsState) settle(ctx context.Context) error {
	c := o.c
	if !sleepCtx(ctx, orphanSettle) {
		return ctx.Err()
	}
	deadline := time.Now().Add(5 * time.Second)
	for c.st.get().ReplicationStatus == ReplReplicating && time.Now().Before(deadline) {
		if !sleepCtx(ctx, 10*time.Millisecond) {
			return ctx.Err()
		}
	}
	return nil
}
