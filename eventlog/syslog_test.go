package eventlog

import (
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/settings"
)

func TestSyslogFormat(t *testing.T) {
	w := NewSyslogWriter(SyslogConfig{Network: SyslogUDP, Enterprise: "32473", Facility: 3, Hostname: "host one", Server: "src"})
	w.procID = "42"
	ev := events.Event{Seq: 7, Time: time.Date(2026, 12, 3, 18, 0, 0, 123456789, time.UTC), Source: "RepKap", ID: 4099,
		Log: "System", Level: catalog.LevelError, Args: []string{`a "quoted" \ value]`}, Message: "the message",
		Context: events.Context{Job: "j"}}
	got := string(w.format(ev))
	want := `<27>1 2026-12-03T18:00:00.123456Z hostone dtrep 42 4099 [dtrep@32473 eventID="4099" source="RepKap" ` +
		`log="System" level="Error" seq="7" server="src" job="j" arg1="a \"quoted\" \\ value\]"] the message`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestParseSyslogAddress(t *testing.T) {
	for in, want := range map[string]string{
		"udp://127.0.0.1:514": "udp 127.0.0.1:514", "tcp://[::1]:601": "tcp [::1]:601",
		"tls://logs.example:6514": "tls logs.example:6514", "unix:///dev/log": "unix /dev/log",
	} {
		n, a, err := ParseSyslogAddress(in)
		if err != nil || n+" "+a != want {
			t.Errorf("%s: %s %s %v", in, n, a, err)
		}
	}
	for _, bad := range []string{"", "udp://host", "http://h:1", "unix://relative", "tcp://h:1/path", "%zz"} {
		if _, _, err := ParseSyslogAddress(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseSyslogAddress(f *testing.F) {
	for _, s := range []string{"udp://127.0.0.1:514", "unix:///dev/log", "tls://[::1]:6514", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, a, err := ParseSyslogAddress(s)
		if err == nil && (a == "" || (n != SyslogUDP && n != SyslogTCP && n != SyslogTLS && n != SyslogUnix)) {
			t.Fatalf("%q gave %q %q", s, n, a)
		}
	})
}

func TestEnterpriseNumber(t *testing.T) {
	if n, err := EnterpriseNumber("1.3.6.1.4.1.32473"); err != nil || n != "32473" {
		t.Fatal(n, err)
	}
	for _, bad := range []string{"1.3.6.1.2.1", "1.3.6.1.4.1.", "1.3.6.1.4.1.x"} {
		if _, err := EnterpriseNumber(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The embedded defaults turn journald on only where its socket exists, the
// Windows Event Log only on Windows, syslog only with an address; a bad
// value is error 101 naming the setting.
func TestConfigFromSettings(t *testing.T) {
	base := defaultsReader()
	cfg, err := ConfigFromSettings(base)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.EventLog != SwitchAuto || cfg.Journald != SwitchAuto || cfg.Syslog.Network != "" || cfg.BufferSize != DefaultBuffer ||
		cfg.JournaldLevels != AllLevels {
		t.Fatalf("defaults %+v", cfg)
	}
	cfg.JournaldSocket = t.TempDir() + "/none"
	routes, err := cfg.Routes(catalog.Must(), "s")
	if err != nil || len(routes) != 0 {
		t.Fatalf("no receiver: %d routes, %v", len(routes), err)
	}
	st := settings.Overlay{Base: base, Over: map[string]string{"SyslogAddress": "tcp://127.0.0.1:601", "SyslogLevels": "Error",
		"SyslogFacility": "local3"}}
	if cfg, err = ConfigFromSettings(st); err != nil || cfg.Syslog.Facility != 19 || cfg.Syslog.Enterprise != "32473" ||
		cfg.SyslogLevels.Has(catalog.LevelWarning) {
		t.Fatalf("syslog %+v %v", cfg, err)
	}
	for name, value := range map[string]string{"SyslogAddress": "tcp://nowhere", "JournaldLevels": "Loud", "JournaldEnabled": "maybe"} {
		_, err := ConfigFromSettings(settings.Overlay{Base: base, Over: map[string]string{name: value}})
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "101") {
			t.Errorf("%s=%s: %v", name, value, err)
		}
	}
}

// defaultsReader reads every setting's embedded default.
func defaultsReader() settings.Reader {
	over := map[string]string{}
	for _, s := range catalog.Must().Settings {
		over[s.Name] = s.Value
	}
	return settings.Overlay{Base: emptyReader{}, Over: over}
}

type emptyReader struct{}

func (emptyReader) String(catalog.SettingID) string { return "" }
func (emptyReader) Int(catalog.SettingID) int64     { return 0 }
