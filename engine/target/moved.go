package target

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// purgeEvery bounds how often moved files are checked for expiry.
const purgeEvery = time.Hour

// keepDeleted keeps what a delete or rmdir from the source is about to
// remove when TGMoveFilesOnDelete is 1: regular files are preserved under
// TGMoveFilesPath (empty: DataPath/moved), with their source path below it,
// or all in one directory with TGMoveFilesSingleDirectory 1. The applier
// then removes them as usual. TGDaysToKeepMovedFiles expires them.
func (s *session) keepDeleted(op *wire.Op) {
	if op.Kind != wire.OpDelete && op.Kind != wire.OpRmdir {
		return
	}
	st := s.m.cfg.Settings
	if st.Int(catalog.SettingTGMoveFilesOnDelete) == 0 {
		return
	}
	src, err := local(s.base, op.Path)
	if err != nil || op.Path == "" {
		return // the applier refuses it and says why
	}
	root := s.m.movedDir()
	single := st.Int(catalog.SettingTGMoveFilesSingleDirectory) != 0
	_ = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil // only files are kept: directories follow them
		}
		rel, _ := filepath.Rel(src, p)
		name := filepath.Join(filepath.FromSlash(op.Path), rel)
		dst := filepath.Join(root, name)
		if single {
			dst = filepath.Join(root, filepath.Base(name))
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		if _, err := os.Lstat(dst); err == nil {
			dst = dst + "." + time.Now().Format("20060102-150405.000000000")
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
			err = linkOrCopy(p, dst, fi)
		}
		if err != nil {
			s.m.cfg.Log.Warn("deleted file not kept", "path", filepath.Join(s.hello.TargetPath, name), "err", err)
		}
		return nil
	})
	s.m.purgeMoved(time.Now(), false)
}

// movedDir is TGMoveFilesPath, or DataPath/moved when it is empty.
func (m *Module) movedDir() string {
	if d := strings.TrimSpace(m.cfg.Settings.String(catalog.SettingTGMoveFilesPath)); d != "" {
		return d
	}
	return filepath.Join(m.cfg.DataPath, "moved")
}

// PurgeMovedFiles removes moved files older than TGDaysToKeepMovedFiles
// days at now (0 keeps them forever). A file's age counts from when it was
// moved: its change time, which linking or copying it there set.
func (m *Module) PurgeMovedFiles(now time.Time) int { return m.purgeMoved(now, true) }

func (m *Module) purgeMoved(now time.Time, force bool) int {
	days := m.cfg.Settings.Int(catalog.SettingTGDaysToKeepMovedFiles)
	if days <= 0 {
		return 0
	}
	m.mu.Lock()
	if !force && now.Sub(m.lastPurge) < purgeEvery {
		m.mu.Unlock()
		return 0
	}
	m.lastPurge = now
	m.mu.Unlock()
	cutoff := now.Add(-time.Duration(days) * 24 * time.Hour)
	root := m.movedDir()
	n := 0
	var dirs []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != root {
				dirs = append(dirs, p)
			}
			return nil
		}
		fi, err := d.Info()
		if err != nil || !changedBefore(fi, cutoff) {
			return nil
		}
		if os.Remove(p) == nil {
			n++
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = os.Remove(dirs[i]) // only empty ones go
	}
	if n > 0 {
		m.cfg.Log.Info("moved files expired", "dir", root, "files", n, "days", days)
	}
	return n
}
