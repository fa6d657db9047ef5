//go:build !windows

package eventlog

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// errNotWindows: the Windows Event Log exists on Windows only.
var errNotWindows = errors.New("the Windows Event Log exists on Windows only")

// WindowsWriter exists on Windows only.
type WindowsWriter struct{}

// NewWindowsWriter fails outside Windows.
func NewWindowsWriter(*WindowsIndex) (*WindowsWriter, error) { return nil, errNotWindows }

func (*WindowsWriter) Name() string             { return "eventlog" }
func (*WindowsWriter) Write(events.Event) error { return errNotWindows }
func (*WindowsWriter) Close() error             { return nil }

// Install puts the journal message catalog where journalctl finds it and
// compiles it, so `journalctl -x` explains dtrep's events.
func Install(cat *catalog.Catalog, opts InstallOptions) ([]string, error) {
	dir, file := catalogPath(opts)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("journal catalog: %w", err)
	}
	if err := os.WriteFile(file, JournalCatalog(cat), 0o644); err != nil {
		return nil, fmt.Errorf("journal catalog: %w", err)
	}
	if err := updateCatalog(opts); err != nil {
		return []string{"journal catalog " + file}, err
	}
	return []string{"journal catalog " + file, "journalctl --update-catalog"}, nil
}

// Uninstall removes the journal message catalog and recompiles the rest.
func Uninstall(_ *catalog.Catalog, opts InstallOptions) ([]string, error) {
	_, file := catalogPath(opts)
	if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("journal catalog: %w", err)
	}
	if err := updateCatalog(opts); err != nil {
		return []string{"journal catalog " + file + " removed"}, err
	}
	return []string{"journal catalog " + file + " removed", "journalctl --update-catalog"}, nil
}

func catalogPath(opts InstallOptions) (dir, file string) {
	root := opts.Root
	if root == "" {
		root = "/"
	}
	dir = filepath.Join(root, JournalCatalogDir)
	return dir, filepath.Join(dir, "dtrep.catalog")
}

func updateCatalog(opts InstallOptions) error {
	args := []string{"--update-catalog"}
	if opts.Root != "" {
		args = append([]string{"--root=" + opts.Root}, args...)
	}
	if out, err := exec.Command("journalctl", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("journalctl --update-catalog: %w: %s", err, out)
	}
	return nil
}
