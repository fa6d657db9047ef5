package logfile

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// mapSettings is a Settings over a map that tests may change while a log
// runs (the engine log reads its settings live).
type mapSettings struct {
	mu sync.Mutex
	m  map[string]string
}

func newSettings(dir string, kv ...string) *mapSettings {
	s := &mapSettings{m: map[string]string{"LogDir": dir, "LogFile": "DTLog", "LogMessageLevel": "2",
		"MaxLogFileSize": "5242880", "MaxNumberOfLogFiles": "20"}}
	for i := 0; i+1 < len(kv); i += 2 {
		s.m[kv[i]] = kv[i+1]
	}
	return s
}

func (s *mapSettings) set(k, v string) {
	s.mu.Lock()
	s.m[k] = v
	s.mu.Unlock()
}

func (s *mapSettings) String(id catalog.SettingID) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id.Name()]
}

func (s *mapSettings) Int(id catalog.SettingID) int64 {
	n, _ := strconv.ParseInt(s.String(id), 10, 64)
	return n
}

// names lists the regular files of dir matching pattern, sorted.
func names(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	for i := range m {
		m[i] = filepath.Base(m[i])
	}
	sort.Strings(m)
	return m
}

func readLinesOf(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
