package settings

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// tempConfig writes content to a fresh dtrep.yaml and returns its path.
func tempConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dtrep.yaml")
	if content != "" {
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func mustOpen(t *testing.T, path string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(path, append([]Option{WithLogger(quiet)}, opts...)...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func entry(t *testing.T, s *Store, name string) Entry {
	t.Helper()
	for _, e := range s.All() {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no entry %s", name)
	return Entry{}
}

// quiet keeps expected warnings (unknown keys, refused reloads) out of the
// test output.
var quiet = slog.New(slog.DiscardHandler)

func canonical(t *testing.T, name string) string {
	t.Helper()
	st, ok := newIndex(catalogSettings()).lookup(name)
	if !ok {
		t.Fatalf("no setting %s", name)
	}
	return st.Name
}

func catalogSettings() []catalog.Setting { return catalog.Must().Settings }
