package source

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/wire"
)

// walkSet visits the replication set's paths in walk order, statBatch at a
// time, honouring the activity's pause.
func (c *Connection) walkSet(ctx context.Context, visit func(batch []string) error) error {
	set := c.cfg.Set
	root := set.Root()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := c.mir.ctl.gate(ctx); err != nil {
			return err
		}
		err := visit(batch)
		batch = batch[:0]
		return err
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // vanished or unreadable: replication reports it
		}
		if p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if !set.WantDir(rel) {
				return fs.SkipDir
			}
			if !set.Matches(rel, true) {
				return nil
			}
		} else if !set.Matches(rel, false) {
			return nil
		}
		batch = append(batch, rel)
		if len(batch) >= statBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// statTarget asks the target about paths.
func statTarget(ctx context.Context, s *session, paths []string) ([]wire.StatEntry, error) {
	rep, err := s.request(ctx, func(id uint64) wire.Message {
		return &wire.StatRequest{ReqID: id, Paths: append([]string(nil), paths...)}
	})
	if err != nil {
		return nil, fmt.Errorf("stat request: %w", err)
	}
	sr, ok := rep.(*wire.StatReply)
	if !ok || len(sr.Entries) != len(paths) {
		return nil, fmt.Errorf("stat reply does not match the request")
	}
	return sr.Entries, nil
}

// fetchSums asks the target for the block sums of its copy of rel, of
// blockSize bytes each; exists is false when the target has no such file.
func fetchSums(ctx context.Context, s *session, rel string, size int64, blockSize int) (sums []blockhash.Sum, exists bool, err error) {
	bs := int64(blockSize)
	n := uint64((size + bs - 1) / bs)
	for first := uint64(0); first < n || first == 0; first += hashBatch {
		count := min(uint64(hashBatch), n-first)
		rep, err := s.request(ctx, func(id uint64) wire.Message {
			return &wire.HashRequest{ReqID: id, Path: rel, Algo: wire.HashXXH3x128, BlockSize: uint32(bs),
				First: first, Count: uint32(count)}
		})
		if err != nil {
			return nil, false, fmt.Errorf("hash request: %w", err)
		}
		hr, ok := rep.(*wire.HashReply)
		if !ok {
			return nil, false, fmt.Errorf("hash reply expected, got %T", rep)
		}
		if !hr.Exists {
			return nil, false, nil
		}
		for _, h := range hr.Hashes {
			sums = append(sums, blockhash.Sum(h))
		}
		if n == 0 {
			break
		}
	}
	return sums, true, nil
}

// abs is rel's path on the source.
func (c *Connection) abs(rel string) string {
	return filepath.Join(c.cfg.Set.Root(), filepath.FromSlash(rel))
}

// fileType is the wire's name for fi's type.
func fileType(fi os.FileInfo) wire.FileType {
	switch {
	case fi.Mode().IsRegular():
		return wire.FileRegular
	case fi.IsDir():
		return wire.FileDir
	case fi.Mode()&fs.ModeSymlink != 0:
		return wire.FileSymlink
	}
	return wire.FileOther
}

// waitAckedSeq waits until the target acknowledged seq.
func (c *Connection) waitAckedSeq(ctx context.Context, s *session, seq uint64) error {
	for c.tx.ackedSeq.Load() < seq {
		if !sleepCtx(ctx, 5*time.Millisecond) {
			return ctx.Err()
		}
		if err := s.Err(); err != nil {
			return err
		}
	}
	return nil
}
