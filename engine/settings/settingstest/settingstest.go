// Package settingstest gives tests the settings a server has on embedded
// defaults, with some values replaced.
package settingstest

import (
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/settings"
)

// With is the embedded defaults (no settings file) overlaid with over.
func With(t testing.TB, over map[string]string) settings.Overlay {
	t.Helper()
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return settings.Overlay{Base: base, Over: over}
}
