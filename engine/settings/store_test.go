package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/spf13/pflag"
)

func TestDefaultsEqualCatalog(t *testing.T) {
	s := mustOpen(t, tempConfig(t, ""))
	all := s.All()
	if len(all) != len(catalog.Must().Settings) || len(all) < 177 {
		t.Fatalf("All has %d entries, catalog %d", len(all), len(catalog.Must().Settings))
	}
	for i, e := range all {
		c := catalog.Must().Settings[i]
		if e.Name != c.Name || e.Source != SourceDefault || e.PendingRestart {
			t.Errorf("%d: %+v", i, e)
		}
		if got, _ := s.Get(c.Name); got != c.Value {
			t.Errorf("%s = %q, catalog value %q", c.Name, got, c.Value)
		}
		if e.Status != c.Status || e.Extension != c.Extension {
			t.Errorf("%s: status %s extension %v", c.Name, e.Status, e.Extension)
		}
	}
	if got := s.Int(catalog.SettingMirrorChunkSize); got != 65536 {
		t.Errorf("MirrorChunkSize = %d", got)
	}
	if !s.Bool(catalog.SettingAutoReconnect) {
		t.Error("AutoReconnect default should be on")
	}
	if got, _ := s.Get("LOGDIR"); got != "/var/log/dtrep" {
		t.Errorf("LogDir = %q", got)
	}
	if e := entry(t, s, "AutoReconnect"); !e.RestartRequired {
		t.Error("AutoReconnect needs a restart")
	}
	if e := entry(t, s, "MirrorChunkSize"); e.RestartRequired {
		t.Error("MirrorChunkSize applies live")
	}
	if e := entry(t, s, "AddOnCodes"); e.Status != catalog.SettingUnused {
		t.Errorf("AddOnCodes status %s", e.Status)
	}
}

func TestPrecedence(t *testing.T) {
	p := tempConfig(t, "autoremirror: 2\nMirrorChunkSize: 1000\nTGCloseDelay: 10\nStatsLoggingOn: true\n")
	t.Setenv("DTREP_MIRRORCHUNKSIZE", "2000")
	t.Setenv("DTREP_TGCLOSEDELAY", "20")
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("auto-remirror", "0", "")
	fs.Int("close-delay", 0, "")
	if err := fs.Parse([]string{"--auto-remirror=3"}); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, p, WithFlag("AutoRemirror", fs.Lookup("auto-remirror")), WithFlag("TGCloseDelay", fs.Lookup("close-delay")))
	want := map[string]struct {
		v   string
		src Source
	}{
		"AutoRemirror":    {"3", SourceFlag},    // flag over file
		"MirrorChunkSize": {"2000", SourceEnv},  // env over file
		"TGCloseDelay":    {"20", SourceEnv},    // an unset flag does not hide env
		"StatsLoggingOn":  {"1", SourceFile},    // true normalised
		"AutoReconnect":   {"1", SourceDefault}, // nothing set
	}
	for name, w := range want {
		e := entry(t, s, name)
		if e.Value != w.v || e.Source != w.src {
			t.Errorf("%s = %q from %s, want %q from %s", name, e.Value, e.Source, w.v, w.src)
		}
	}
	// A flag bound after Open takes over at once.
	fs2 := pflag.NewFlagSet("t2", pflag.ContinueOnError)
	fs2.Int("chunk", 0, "")
	if err := fs2.Parse([]string{"--chunk=4096"}); err != nil {
		t.Fatal(err)
	}
	if err := s.BindFlag("mirrorchunksize", fs2.Lookup("chunk")); err != nil {
		t.Fatal(err)
	}
	if e := entry(t, s, "MirrorChunkSize"); e.Value != "4096" || e.Source != SourceFlag {
		t.Errorf("after BindFlag: %+v", e)
	}
}

func TestOpenRefusesBadValues(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		_, err := Open(tempConfig(t, "# comment\nAutoRemirror: 7\n"))
		checkInvalid(t, err, "line 2: 101 Invalid parameter was supplied: AutoRemirror=7: allowed 0, 1, 2, 3, 4")
	})
	t.Run("env", func(t *testing.T) {
		t.Setenv("DTREP_PORT", "80")
		_, err := Open(tempConfig(t, ""))
		checkInvalid(t, err, "DTREP_PORT: 101 Invalid parameter was supplied: Port=80: allowed an integer from 1025 to 65535")
	})
	t.Run("flag", func(t *testing.T) {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		fs.String("reconnect", "", "")
		if err := fs.Parse([]string{"--reconnect=maybe"}); err != nil {
			t.Fatal(err)
		}
		_, err := Open(tempConfig(t, ""), WithFlag("AutoReconnect", fs.Lookup("reconnect")))
		checkInvalid(t, err, "--reconnect: 101 Invalid parameter was supplied: AutoReconnect=maybe: allowed 0, 1")
	})
	t.Run("not a mapping", func(t *testing.T) {
		if _, err := Open(tempConfig(t, "- AutoRemirror\n")); err == nil {
			t.Error("a list was accepted")
		}
	})
	t.Run("duplicate", func(t *testing.T) {
		_, err := Open(tempConfig(t, "Port: 6320\nport: 6321\n"))
		if err == nil || !strings.Contains(err.Error(), "line 2: Port already set on line 1") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("nested", func(t *testing.T) {
		if _, err := Open(tempConfig(t, "Port:\n  a: 1\n")); err == nil {
			t.Error("a mapping value was accepted")
		}
	})
	t.Run("unknown name", func(t *testing.T) {
		s := mustOpen(t, tempConfig(t, ""))
		_, err := s.Get("NoSuchSetting")
		if catalog.CodeOf(err) != catalog.CodeInvalidOption {
			t.Errorf("err = %v", err)
		}
	})
}

func checkInvalid(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("accepted")
	}
	if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Errorf("code %d, want 101: %v", catalog.CodeOf(err), err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q\nwant it to contain %q", err, want)
	}
}

func TestUnknownKeysAndNullsAreKept(t *testing.T) {
	s := mustOpen(t, tempConfig(t, "FutureSetting: 1\nPort: ~\nLogDir:\n"))
	if e := entry(t, s, "Port"); e.Value != "6320" || e.Source != SourceDefault {
		t.Errorf("a null Port should leave the default: %+v", e)
	}
	if e := entry(t, s, "LogDir"); e.Value != "/var/log/dtrep" {
		t.Errorf("LogDir %+v", e)
	}
}

func TestTypedGettersPanicOnMisuse(t *testing.T) {
	s := mustOpen(t, tempConfig(t, ""))
	for name, f := range map[string]func(){
		"Int of a path":  func() { s.Int(catalog.SettingLogDir) },
		"Bool of an int": func() { s.Bool(catalog.SettingPort) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
	if s.Int(catalog.SettingAutoReconnect) != 1 || s.Int(catalog.SettingAutoRemirror) != 1 {
		t.Error("Int of bool and enum settings")
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	t.Setenv("DTREP_CONNECTIONSECRET", "hunter2")
	s := mustOpen(t, tempConfig(t, ""))
	if e := entry(t, s, "ConnectionSecret"); e.Value != Redacted || e.Source != SourceEnv {
		t.Errorf("All shows %+v", e)
	}
	if s.String(catalog.SettingConnectionSecret) != "hunter2" {
		t.Error("String must return the secret")
	}
	st, _ := s.Lookup("ConnectionSecret")
	if err := Validate(st, "a\x00b"); err == nil || strings.Contains(err.Error(), "a\x00b") {
		t.Errorf("secret echoed or accepted: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(ConfigEnv, "/tmp/x/dtrep.yaml")
	if p, _ := DefaultPath(); p != "/tmp/x/dtrep.yaml" {
		t.Errorf("DTREP_CONFIG ignored: %s", p)
	}
	t.Setenv(ConfigEnv, "")
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	want := filepath.Join(xdg, "dtrep", "dtrep.yaml")
	if os.Geteuid() == 0 {
		want = SystemConfigPath
	}
	if p, _ := DefaultPath(); p != want {
		t.Errorf("DefaultPath = %s, want %s", p, want)
	}
}
