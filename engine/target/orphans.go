package target

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/wire"
)

// eventOrphansDir: "The option MoveOrphansDir has been updated because it
// was missing or empty."
const eventOrphansDir = catalog.EventDoubleTake4069

// orphan removes (or moves) an orphan the source found: a path under the
// target path that the source does not have. The orphan settings are the
// target's, where the files are:
//   - MoveOrphanedFiles 1 keeps a copy under MoveOrphansDir/<set>/<path>
//     before removing it; an empty MoveOrphansDir becomes DataPath/orphans
//     (event 4069);
//   - RemoveAllOrphans 0 with RemoveOrphansTime N (minutes) removes only
//     orphans last modified more than N minutes ago; unset, every orphan
//     goes (the 7.1 reference lists these four as no longer used: their
//     unset values are its behaviour);
//   - LogAllOrphans 1 logs each one removed.
//
// Orphan Files, Directories and Bytes Removed count what went.
func (s *session) orphan(ctx context.Context, op *wire.Op) {
	st := s.m.cfg.Settings
	p, err := local(s.base, op.Path)
	if err == nil && op.Path == "" {
		err = errors.New("the target path itself is never an orphan")
	}
	if err != nil {
		s.m.cfg.Log.Warn("orphan refused", "path", op.Path, "err", err)
		return
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return // already gone
	}
	if strings.TrimSpace(st.String(catalog.SettingRemoveAllOrphans)) == "0" {
		if mins, _ := strconv.Atoi(strings.TrimSpace(st.String(catalog.SettingRemoveOrphansTime))); mins > 0 &&
			time.Since(fi.ModTime()) < time.Duration(mins)*time.Minute {
			return
		}
	}
	files, dirs, bytes := measure(p, fi)
	display := filepath.Join(s.hello.TargetPath, filepath.FromSlash(op.Path))
	if strings.TrimSpace(st.String(catalog.SettingMoveOrphanedFiles)) == "1" {
		dst := filepath.Join(s.m.orphansDir(), safeName(s.hello.SetName), filepath.FromSlash(op.Path))
		if kept, err := preserve(p, dst); err != nil {
			s.m.cfg.Log.Warn("orphan not moved: kept in place", "path", display, "err", err)
			return
		} else if st.String(catalog.SettingLogAllOrphans) == "1" {
			s.m.cfg.Log.Info("orphan moved", "path", display, "to", kept)
		}
	}
	kind := wire.OpDelete
	if fi.IsDir() {
		kind = wire.OpRmdir
	}
	// Through the applier, so its open handles and durability tracking
	// follow the removal.
	if err := s.a.Apply(ctx, &wire.Op{Kind: kind, Path: op.Path, UID: -1, GID: -1}); err != nil {
		s.m.cfg.Log.Warn("orphan not removed", "path", display, "err", err)
		return
	}
	s.peer.Counter(catalog.StatOrphanFilesRemoved).Add(files)
	s.peer.Counter(catalog.StatOrphanDirectoriesRemoved).Add(dirs)
	s.peer.Counter(catalog.StatOrphanBytesRemoved).Add(bytes)
	if st.String(catalog.SettingLogAllOrphans) == "1" {
		s.m.cfg.Log.Info("orphan removed", "path", display, "files", files, "directories", dirs, "bytes", bytes)
	}
}

// measure counts the files, directories and bytes at p.
func measure(p string, fi os.FileInfo) (files, dirs, bytes int64) {
	if !fi.IsDir() {
		return 1, 0, max(0, fi.Size())
	}
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			dirs++
			return nil
		}
		files++
		if d.Type().IsRegular() {
			if i, err := d.Info(); err == nil {
				bytes += i.Size()
			}
		}
		return nil
	})
	return files, dirs, bytes
}

// orphansDir is MoveOrphansDir, or DataPath/orphans when it is empty.
func (m *Module) orphansDir() string {
	if d := strings.TrimSpace(m.cfg.Settings.String(catalog.SettingMoveOrphansDir)); d != "" {
		return d
	}
	if !m.orphansDirSet.Swap(true) {
		m.cfg.Hub.Raise(eventOrphansDir, events.Context{})
		m.cfg.Log.Info("MoveOrphansDir is empty: orphans are moved under the data path",
			"dir", filepath.Join(m.cfg.DataPath, "orphans"))
	}
	return filepath.Join(m.cfg.DataPath, "orphans")
}

// safeName makes a replication set's name one path component.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, s)
	if s == "" || s == "." || s == ".." {
		return "_"
	}
	return s
}
