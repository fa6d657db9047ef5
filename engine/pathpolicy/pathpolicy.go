// Package pathpolicy decides which directories a job may replicate from and
// into: rules both ends apply, the source when a job is created and the
// target when a source asks to write somewhere, so that no job can
// replicate a tree onto itself, into itself, or over a server's own data.
package pathpolicy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
)

// Settings is what the rules read of a server's settings.
type Settings interface {
	String(id catalog.SettingID) string
}

// Resolve returns p, absolute and cleaned, with every symlink in its
// longest existing prefix resolved, so two spellings of one directory
// compare equal and a symlink cannot hide where a path really leads. The
// part that does not exist yet is appended as written.
func Resolve(p string) string {
	p = filepath.Clean(p)
	var rest []string
	for cur := p; ; {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{real}, rest...)...)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
}

// Within reports whether p is dir or lies below it; both must be clean.
func Within(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// Overlap reports whether a and b are one directory or one holds the other.
func Overlap(a, b string) bool { return Within(a, b) || Within(b, a) }

// ServerDirs are the directories a server keeps its own state in (named by
// setting): replicating into or over one of them would destroy it.
func ServerDirs(st Settings) map[string]string {
	out := map[string]string{}
	for _, id := range []catalog.SettingID{catalog.SettingDataPath, catalog.SettingLogDir, catalog.SettingQJournalDir} {
		if v := st.String(id); v != "" && filepath.IsAbs(v) {
			out[id.Name()] = Resolve(v)
		}
	}
	return out
}

// AllowedSetting is the dtrep setting that lists the directories sources
// may replicate into on a target.
const AllowedSetting = catalog.SettingAllowedTargetPaths

func init() {
	settings.RegisterCheck(AllowedSetting.Name(), func(v string) error {
		_, err := Allowed(fixedSetting{AllowedSetting: v})
		return err
	})
}

// fixedSetting reads one setting's candidate value.
type fixedSetting map[catalog.SettingID]string

func (f fixedSetting) String(id catalog.SettingID) string { return f[id] }

// Allowed parses AllowedTargetPaths: absolute directories separated as in
// PATH (":" on Linux, ";" on Windows). Empty means no restriction beyond
// CheckTarget's own.
func Allowed(st Settings) ([]string, error) {
	var out []string
	for _, d := range filepath.SplitList(st.String(AllowedSetting)) {
		if d == "" {
			continue
		}
		if !filepath.IsAbs(d) {
			return nil, catalog.Err(catalog.CodeInvalidParameter, "%s: %q is not an absolute path", AllowedSetting, d)
		}
		out = append(out, Resolve(d))
	}
	return out, nil
}

// CheckTarget decides whether a source may replicate into targetPath on
// this server, before anything is created there: the path must be
// absolute, must not be a root directory, must not overlap the server's
// own directories, and must lie under one of AllowedTargetPaths when that
// is set. Errors carry 225 Invalid path and name the rule.
func CheckTarget(st Settings, targetPath string) error {
	if targetPath == "" || !filepath.IsAbs(targetPath) {
		return catalog.Err(catalog.CodeInvalidPath, "target path %q must be absolute", targetPath)
	}
	real := Resolve(targetPath)
	if filepath.Dir(real) == real {
		return catalog.Err(catalog.CodeInvalidPath, "target path %q is a root directory", targetPath)
	}
	for name, dir := range ServerDirs(st) {
		if Overlap(real, dir) {
			return catalog.Err(catalog.CodeInvalidPath, "target path %q overlaps the target's %s %s", targetPath, name, dir)
		}
	}
	allowed, err := Allowed(st)
	if err != nil {
		return err
	}
	if len(allowed) == 0 {
		return nil
	}
	for _, d := range allowed {
		if Within(real, d) {
			return nil
		}
	}
	return catalog.Err(catalog.CodeInvalidPath, "target path %q is outside %s", targetPath, AllowedSetting)
}

// CheckSource decides whether sourcePath can be protected: an absolute,
// existing directory that is not a symlink, not a root directory, and not
// one of the server's own directories nor inside one. Errors carry 140
// Source path is invalid.
func CheckSource(st Settings, sourcePath string) error {
	if sourcePath == "" || !filepath.IsAbs(sourcePath) {
		return catalog.Err(catalog.CodeSourcePathInvalid, "source path %q must be absolute", sourcePath)
	}
	clean := filepath.Clean(sourcePath)
	if filepath.Dir(clean) == clean {
		return catalog.Err(catalog.CodeSourcePathInvalid, "source path %q is a root directory", sourcePath)
	}
	fi, err := os.Lstat(clean)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return catalog.Err(catalog.CodeSourcePathInvalid, "source path %q does not exist", sourcePath)
	case err != nil:
		return catalog.Wrap(catalog.CodeSourcePathInvalid, err, "source path %q", sourcePath)
	case fi.Mode()&fs.ModeSymlink != 0:
		return catalog.Err(catalog.CodeSourcePathInvalid, "source path %q is a symbolic link; name the directory it points to", sourcePath)
	case !fi.IsDir():
		return catalog.Err(catalog.CodeSourcePathInvalid, "source path %q is not a directory", sourcePath)
	}
	real := Resolve(clean)
	for name, dir := range ServerDirs(st) {
		if Overlap(real, dir) {
			return catalog.Err(catalog.CodeSourcePathInvalid, "source path %q overlaps this server's %s %s", sourcePath, name, dir)
		}
	}
	return nil
}

// CheckLocalPair refuses a job whose target is this very server and whose
// target path is its source path, lies inside it or holds it: replicating
// a tree onto itself truncates the files it reads, and into itself
// recurses. Errors carry 140 Source path is invalid.
func CheckLocalPair(sourcePath, targetPath string) error {
	s, t := Resolve(sourcePath), Resolve(targetPath)
	switch {
	case s == t:
		return catalog.Err(catalog.CodeSourcePathInvalid, "target path %q is the source path on the same server", targetPath)
	case Within(t, s):
		return catalog.Err(catalog.CodeSourcePathInvalid, "target path %q lies inside the source path %q on the same server", targetPath, sourcePath)
	case Within(s, t):
		return catalog.Err(catalog.CodeSourcePathInvalid, "target path %q holds the source path %q on the same server", targetPath, sourcePath)
	}
	return nil
}
