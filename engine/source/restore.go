package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/wire"
)

// RestoreOptions choose how a restore compares files.
type RestoreOptions struct {
	Checksum bool // compare block checksums even of files whose size and time match
}

// StartRestore restores the source's copy from the target's (events
// 4053-4057, Mirror Status "Restoring"): every path of the set the target
// has is made equal on the source, fetching only the blocks that differ.
// Each file is rebuilt beside itself and renamed over it, so replication
// never reads a half-restored file (and sends the target nothing it does
// not have). Paths only the source has are kept.
//
// When the target's copy was Restore Required, the completed restore
// clears that state and a difference mirror then sends the target what
// only the source has.
func (c *Connection) StartRestore(o RestoreOptions) error {
	return c.ops.start(actRestore, func(ctx context.Context, s *session) error {
		r := &restorer{c: c, s: s, o: o, bs: c.b.cache.BlockSize()}
		return r.run(ctx)
	}, func(err error) {
		if err != nil || !c.ops.restoreReq.Load() {
			return
		}
		if rerr := c.ops.resolveRestore(); rerr != nil {
			c.cfg.Log.Warn("restore done but the target was not told", "connection", c.cfg.ID, "err", rerr)
			return
		}
		c.RequestMirror(MirrorDiffMode)
	})
}

// resolveRestore tells the target that the copies agree again.
func (o *opsState) resolveRestore() error {
	c := o.c
	s := c.sess.Load()
	if s == nil {
		return c.errNotConnected()
	}
	c.ops.resolving.Store(true)
	if err := s.c.Send(&wire.Control{Action: wire.ControlRestoreResolved}); err != nil {
		c.ops.resolving.Store(false)
		return fmt.Errorf("restore resolved: %w", err)
	}
	return nil
}

// StartUserMirror starts a mirror the user asked for. On a Restore
// Required target it first tells the target to accept the source's copy:
// remirroring is how the reference discards the target's changes.
func (c *Connection) StartUserMirror(mode string) error {
	c.mir.ctl.mu.Lock()
	running := c.mir.ctl.running
	c.mir.ctl.mu.Unlock()
	if !running && c.ops.restoreReq.Load() {
		if err := c.ops.resolveRestore(); err != nil {
			return err
		}
	}
	return c.StartMirror(mode)
}

// restorer is one restore run.
type restorer struct {
	c    *Connection
	s    *session
	o    RestoreOptions
	bs   int
	dirs []dirAttr // restored directories, in walk order: attributes last, deepest first
}

type dirAttr struct {
	rel string
	t   wire.StatEntry
}

func (r *restorer) run(ctx context.Context) error {
	stack := []string{""}
	for len(stack) > 0 {
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if err := r.c.mir.ctl.gate(ctx); err != nil {
			return err
		}
		sub, err := r.dir(ctx, dir)
		if err != nil {
			return err
		}
		stack = append(stack, sub...)
	}
	for i := len(r.dirs) - 1; i >= 0; i-- {
		d := r.dirs[i]
		p := r.c.abs(d.rel)
		_ = os.Chmod(p, fileMode(d.t.Mode))
		mt := time.Unix(0, d.t.Mtime)
		_ = os.Chtimes(p, mt, mt)
	}
	return nil
}

// list returns the target's entries of dir that belong to the set.
func (r *restorer) list(ctx context.Context, dir string) ([]string, error) {
	set := r.c.cfg.Set
	var out []string
	after := ""
	for {
		rep, err := r.s.request(ctx, func(id uint64) wire.Message {
			return &wire.ListRequest{ReqID: id, Path: dir, After: after}
		})
		if err != nil {
			return nil, err
		}
		lr, ok := rep.(*wire.ListReply)
		if !ok {
			return nil, errors.New("list reply expected")
		}
		for _, e := range lr.Entries {
			if !validName(e.Name) || (len(out) > 0 && path.Base(out[len(out)-1]) >= e.Name) {
				// A name that is not one path component, or out of the
				// sorted order a listing has (a repeated name): the
				// target's listing cannot be trusted with writes.
				return nil, catalog.Err(catalog.CodeInvalidParameter, "target listed %q in %q", e.Name, dir)
			}
			rel := path.Join(dir, e.Name)
			if e.Type == wire.FileDir {
				if set.WantDir(rel) {
					out = append(out, rel)
				}
			} else if set.Matches(rel, false) {
				out = append(out, rel)
			}
		}
		if !lr.More || len(lr.Entries) == 0 {
			return out, nil
		}
		last := lr.Entries[len(lr.Entries)-1].Name
		if last <= after {
			return nil, catalog.Err(catalog.CodeInvalidParameter, "the target's listing of %q does not advance", dir)
		}
		after = last
	}
}

// dir restores the entries of one directory and returns its subdirectories.
func (r *restorer) dir(ctx context.Context, dir string) ([]string, error) {
	names, err := r.list(ctx, dir)
	if err != nil {
		return nil, err
	}
	var sub []string
	for len(names) > 0 {
		batch := names[:min(len(names), statBatch)]
		names = names[len(batch):]
		have, err := statTarget(ctx, r.s, batch)
		if err != nil {
			return nil, err
		}
		for i, rel := range batch {
			t := have[i]
			if !t.Exists {
				continue // gone on the target since it was listed
			}
			var err error
			switch t.Type {
			case wire.FileDir:
				if err = r.mkdir(rel, t); err == nil {
					sub = append(sub, rel)
				}
			case wire.FileRegular:
				err = r.file(ctx, rel, t)
			case wire.FileSymlink:
				err = r.symlink(rel, t)
			}
			if err != nil {
				if ctx.Err() != nil || r.s.Err() != nil {
					return nil, err
				}
				r.c.cnt.failedMirror.Add(1)
				r.c.cfg.Log.Warn("restore of a path failed", "connection", r.c.cfg.ID, "path", rel, "err", err)
			}
		}
	}
	return sub, nil
}

// validName reports whether a name from the target's listing is one path
// component.
func validName(n string) bool {
	return n != "" && n != "." && n != ".." && !strings.ContainsAny(n, "/\x00")
}

// local is rel's path on the source, refused when a symlink among its
// parents leads out of the replication set's root: the restore writes
// there, and what it writes comes from the target.
func (r *restorer) local(rel string) (string, error) {
	p := r.c.abs(rel)
	root, err := filepath.EvalSymlinks(r.c.cfg.Set.Root())
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return "", fmt.Errorf("restore %s: %w", rel, err)
	}
	if dir != root && !strings.HasPrefix(dir, root+string(filepath.Separator)) {
		return "", catalog.Err(catalog.CodeInvalidParameter, "restore %s: a parent leads out of the source path", rel)
	}
	return p, nil
}

// clearFor removes what is at p on the source when it is not of the type
// the target has there: the target's copy wins.
func clearFor(p string, want wire.FileType) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fileType(fi) == want {
		return nil
	}
	return os.RemoveAll(p)
}

func (r *restorer) mkdir(rel string, t wire.StatEntry) error {
	p, err := r.local(rel)
	if err != nil {
		return err
	}
	if err := clearFor(p, wire.FileDir); err != nil {
		return err
	}
	if err := os.Mkdir(p, fileMode(t.Mode)|0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	r.dirs = append(r.dirs, dirAttr{rel, t})
	return nil
}

func (r *restorer) symlink(rel string, t wire.StatEntry) error {
	p, err := r.local(rel)
	if err != nil {
		return err
	}
	if cur, err := os.Readlink(p); err == nil && cur == t.LinkTarget {
		return nil
	}
	if err := clearFor(p, wire.FileSymlink); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(p), fmt.Sprintf(".dtrep-restore-%d", time.Now().UnixNano()))
	if err := os.Symlink(t.LinkTarget, tmp); err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	return nil
}

// file makes the source's rel equal to the target's.
func (r *restorer) file(ctx context.Context, rel string, t wire.StatEntry) error {
	p, err := r.local(rel)
	if err != nil {
		return err
	}
	if err := clearFor(p, wire.FileRegular); err != nil {
		return err
	}
	fi, lerr := os.Lstat(p)
	haveLocal := lerr == nil
	if haveLocal && !r.o.Checksum && fi.Size() == t.Size && fi.ModTime().UnixNano() == t.Mtime {
		if fsinfo.ModeBits(fi.Mode()) != t.Mode {
			return os.Chmod(p, fileMode(t.Mode))
		}
		return nil
	}
	// Which blocks to fetch: those whose sums differ, or all.
	nblocks := int((t.Size + int64(r.bs) - 1) / int64(r.bs))
	need := make([]bool, nblocks)
	for i := range need {
		need[i] = true
	}
	if haveLocal && t.Size > 0 {
		local, _, err := blockhash.HashFile(p, r.bs)
		if err == nil {
			remote, exists, err := fetchSums(ctx, r.s, rel, t.Size, r.bs)
			if err != nil {
				return err
			}
			if !exists {
				return nil // gone on the target meanwhile
			}
			for i := range need {
				need[i] = i >= len(local) || i >= len(remote) || local[i] != remote[i]
			}
		}
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".dtrep-restore-*")
	if err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if haveLocal {
		if err := copyFile(f, p); err != nil {
			return fmt.Errorf("restore %s: %w", rel, err)
		}
	}
	if err := r.fetch(ctx, rel, f, need, t.Size); err != nil {
		return err
	}
	if err := f.Truncate(t.Size); err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	if err := f.Chmod(fileMode(t.Mode)); err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	if t.UID >= 0 && os.Geteuid() == 0 {
		_ = f.Chown(int(t.UID), int(t.GID))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	mt := time.Unix(0, t.Mtime)
	if err := os.Chtimes(tmp, mt, mt); err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("restore %s: %w", rel, err)
	}
	ok = true
	return nil
}

// fetch reads the needed blocks from the target into f, coalescing runs of
// blocks into reads of at most wire.MaxReadLength.
func (r *restorer) fetch(ctx context.Context, rel string, f *os.File, need []bool, size int64) error {
	bs := int64(r.bs)
	for i := 0; i < len(need); {
		if !need[i] {
			i++
			continue
		}
		j := i
		for j < len(need) && need[j] && (j == i || int64(j-i+1)*bs <= wire.MaxReadLength) {
			j++
		}
		off := int64(i) * bs
		n := min(int64(j-i)*bs, size-off)
		for n > 0 {
			if err := r.c.mir.ctl.gate(ctx); err != nil {
				return err
			}
			ln := uint32(min(n, wire.MaxReadLength))
			rep, err := r.s.request(ctx, func(id uint64) wire.Message {
				return &wire.ReadRequest{ReqID: id, Path: rel, Offset: off, Length: ln}
			})
			if err != nil {
				return fmt.Errorf("read request: %w", err)
			}
			rr, ok := rep.(*wire.ReadReply)
			if !ok {
				return errors.New("read reply expected")
			}
			if !rr.Exists || len(rr.Data) == 0 {
				return catalog.Err(catalog.CodeInvalidParameter, "%s changed on the target during the restore", rel)
			}
			if _, err := f.WriteAt(rr.Data, off); err != nil {
				return fmt.Errorf("restore %s: %w", rel, err)
			}
			off += int64(len(rr.Data))
			n -= int64(len(rr.Data))
		}
		i = j
	}
	return nil
}

func copyFile(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(dst, in); err != nil {
		return err
	}
	_, err = dst.Seek(0, io.SeekStart)
	return err
}

// fileMode converts the wire's permission and special bits to a FileMode.
func fileMode(bits uint32) fs.FileMode {
	m := fs.FileMode(bits & 0o777)
	if bits&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if bits&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if bits&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}
