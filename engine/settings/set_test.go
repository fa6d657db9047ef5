package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// original is a hand-written file: comments everywhere, odd spacing,
// keys dtrep does not know, a nested unknown block and quoted values.
const original = `# dtrep configuration
# maintained by ops

MirrorChunkSize:   65536    # bytes per mirror block
autoreconnect: 1
Vendor:
  nested: [1, 2]   # unknown, must survive
LogDir: "/var/log/dtrep"  # quoted
TempDir: '/var/lib/dtrep/tmp'
DefaultAddress:
FutureKnob: on
# trailing comment
`

func TestSetEditsInPlace(t *testing.T) {
	cases := []struct {
		name, value string
		old, new    string // the only text that must change
	}{
		{"mirrorchunksize", "4096", "MirrorChunkSize:   65536 ", "MirrorChunkSize:   4096 "},
		{"AutoReconnect", "0", "autoreconnect: 1", "AutoReconnect: 0"},
		{"LogDir", "/srv/log dir", `LogDir: "/var/log/dtrep"`, `LogDir: "/srv/log dir"`},
		{"TempDir", "/tmp/x", `TempDir: '/var/lib/dtrep/tmp'`, `TempDir: /tmp/x`},
		{"DefaultAddress", "10.0.0.1", "DefaultAddress:\n", "DefaultAddress: 10.0.0.1\n"},
		{"Port", "6400", "# trailing comment\n", "# trailing comment\nPort: 6400\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tempConfig(t, original)
			s := mustOpen(t, p)
			if _, err := s.Set(tc.name, tc.value); err != nil {
				t.Fatal(err)
			}
			want := strings.Replace(original, tc.old, tc.new, 1)
			if got := readFile(t, p); got != want {
				t.Errorf("file after Set:\n%s\nwant:\n%s", got, want)
			}
			e := entry(t, s, canonical(t, tc.name))
			if e.Value != tc.value && (!e.PendingRestart || e.Pending != tc.value) {
				t.Errorf("after Set: %+v, want %q in effect or pending", e, tc.value)
			}
		})
	}
}

func TestSetFallsBackForBlockScalars(t *testing.T) {
	p := tempConfig(t, "# head\nLogFile: |\n  DTLog\nPort: 6320 # port\n")
	s, err := Open(p)
	if err == nil {
		// "DTLog\n" holds a newline, which a file name may not.
		t.Fatalf("a multi-line value was accepted: %v", s.String(catalog.SettingLogFile))
	}
	p = tempConfig(t, "# head\nLogFile: >-\n  DTLog\nPort: 6320 # port\n")
	s = mustOpen(t, p)
	if _, err := s.Set("LogFile", "other"); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, p)
	for _, keep := range []string{"# head", "Port: 6320 # port", "LogFile: other"} {
		if !strings.Contains(got, keep) {
			t.Errorf("re-encoded file lost %q:\n%s", keep, got)
		}
	}
}

func TestSetIsAtomic(t *testing.T) {
	p := tempConfig(t, original)
	s := mustOpen(t, p)
	if _, err := s.Set("MirrorChunkSize", "1024"); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "dtrep.yaml" {
		t.Errorf("directory holds %v, want only dtrep.yaml", ents)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the original 0640", fi.Mode().Perm())
	}
	// A new file is private: it may come to hold secrets.
	fresh := filepath.Join(t.TempDir(), "sub", "dtrep.yaml")
	s2 := mustOpen(t, fresh)
	if _, err := s2.Set("Port", "6400"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != newFileMode {
		t.Errorf("new file: %v %v", fi, err)
	}
	if got := readFile(t, fresh); got != "Port: 6400\n" {
		t.Errorf("new file holds %q", got)
	}
}

func TestSetRefusesAndWritesNothing(t *testing.T) {
	p := tempConfig(t, original)
	s := mustOpen(t, p)
	_, err := s.Set("AutoRemirror", "7")
	checkInvalid(t, err, "101 Invalid parameter was supplied: AutoRemirror=7: allowed 0, 1, 2, 3, 4")
	if _, err := s.Set("NoSuchSetting", "1"); catalog.CodeOf(err) != catalog.CodeInvalidOption {
		t.Errorf("unknown name: %v", err)
	}
	// A file broken behind the Store's back is not written over.
	broken := original + "Port: 1\n"
	if err := os.WriteFile(p, []byte(broken), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Set("MirrorChunkSize", "1024"); err == nil {
		t.Error("Set wrote a file that does not validate")
	}
	if got := readFile(t, p); got != broken {
		t.Errorf("file changed by refused Set:\n%s", got)
	}
	if got := s.String(catalog.SettingAutoRemirror); got != "1" {
		t.Errorf("refused Set changed the value: %s", got)
	}
}

func TestSetResult(t *testing.T) {
	p := tempConfig(t, "")
	t.Setenv("DTREP_NETWORKRETRY", "15")
	s := mustOpen(t, p)
	cases := []struct {
		name, value string
		restart     bool
		status      catalog.SettingStatus
		says        string
	}{
		{"AutoReconnect", "0", true, catalog.SettingActive, "AutoReconnect=0: restart required"},
		{"MirrorChunkSize", "1024", false, catalog.SettingActive, "MirrorChunkSize=1024"},
		{"AutoCalcEulaAccepted", "1", true, catalog.SettingInternal, "internal setting"},
		{"AddOnCodes", "x", true, catalog.SettingUnused, "no longer used"},
		{"NetworkRetry", "20", false, catalog.SettingActive, "overridden by env DTREP_NETWORKRETRY"},
		{"ConnectionSecret", "hunter2", true, catalog.SettingActive, "ConnectionSecret=(set): restart required"},
	}
	for _, tc := range cases {
		r, err := s.Set(tc.name, tc.value)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.RestartRequired != tc.restart || r.Status != tc.status || !strings.Contains(r.String(), tc.says) {
			t.Errorf("%s: %+v %q", tc.name, r, r.String())
		}
		if strings.Contains(r.String(), "hunter2") {
			t.Errorf("secret shown: %q", r.String())
		}
	}
	// A restart setting written through Set waits; a live one applies.
	if s.String(catalog.SettingAutoReconnect) != "1" || !entry(t, s, "AutoReconnect").PendingRestart {
		t.Errorf("AutoReconnect: %+v", entry(t, s, "AutoReconnect"))
	}
	if s.String(catalog.SettingMirrorChunkSize) != "1024" {
		t.Errorf("MirrorChunkSize not applied: %s", s.String(catalog.SettingMirrorChunkSize))
	}
	// Another Store opened on the file sees every write.
	s2 := mustOpen(t, p)
	if s2.String(catalog.SettingAutoReconnect) != "0" || s2.String(catalog.SettingConnectionSecret) != "hunter2" {
		t.Errorf("reopened: %s %s", s2.String(catalog.SettingAutoReconnect), s2.String(catalog.SettingConnectionSecret))
	}
}
