package email

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
)

func TestConfigDefaultsDisabled(t *testing.T) {
	c, err := ConfigFromSettings(settingstest.With(t, nil), "src.example")
	if err != nil {
		t.Fatal(err)
	}
	if c.Enabled() || c.Security != SecuritySTARTTLS || c.From != "dtrep@src.example" || c.Prefix != "[dtrep]" ||
		c.Digest != 30*time.Second || c.Timeout != 30*time.Second || c.Retries != 5 || c.BufferSize != 1000 ||
		!c.Selection.Levels[catalog.LevelError] || !c.Selection.Levels[catalog.LevelWarning] ||
		c.Selection.Levels[catalog.LevelInformation] {
		t.Errorf("defaults: %+v", c)
	}
}

func TestConfigFromSettings(t *testing.T) {
	c, err := ConfigFromSettings(settingstest.With(t, map[string]string{
		"EmailServer": "mail.example.com", "EmailSecurity": "tls", "EmailTo": " a@example.com, B <b@example.com>,",
		"EmailLevels": "Error", "EmailEventIDs": "4003, 5100-5107", "EmailExcludeEventIDs": "4011",
		"EmailUsername": "u", "EmailPassword": "p", "EmailFrom": "Replication <dt@example.com>",
	}), "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "mail.example.com" || c.Port != 465 || c.From != "Replication <dt@example.com>" ||
		strings.Join(c.To, "|") != `<a@example.com>|"B" <b@example.com>` ||
		len(c.Selection.Include) != 2 || c.Selection.Include[1] != (IDRange{5100, 5107}) {
		t.Errorf("config: %+v", c)
	}
	sel := c.Selection
	for _, tc := range []struct {
		id    int
		level catalog.Level
		want  bool
	}{
		{4030, catalog.LevelError, true}, {4011, catalog.LevelError, false}, {4003, catalog.LevelInformation, true},
		{5105, catalog.LevelWarning, true}, {5108, catalog.LevelWarning, false},
	} {
		if got := sel.Selects(events.Event{ID: tc.id, Level: tc.level}); got != tc.want {
			t.Errorf("Selects(%d %s) = %v", tc.id, tc.level, got)
		}
	}
	for sec, port := range map[string]int{"none": 25, "starttls": 587} {
		c, err := ConfigFromSettings(settingstest.With(t, map[string]string{"EmailServer": "m", "EmailSecurity": sec, "EmailTo": "a@b.c"}), "h")
		if err != nil || c.Port != port {
			t.Errorf("%s: port %d, %v", sec, c.Port, err)
		}
	}
}

// Bad settings give the chapter 5 code that names the problem.
func TestConfigErrors(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := map[string]string{"EmailServer": "mail.example.com:2525", "EmailTo": "a@example.com"}
	for _, tc := range []struct {
		name string
		set  map[string]string
		code int
		text string
	}{
		{"bad port", map[string]string{"EmailServer": "mail:99999"}, CodeSettingInvalid, "EmailServer"},
		{"bad host", map[string]string{"EmailServer": "a b:25"}, CodeSettingInvalid, "EmailServer"},
		{"bad recipient", map[string]string{"EmailTo": "a@example.com, not an address"}, CodeFormatInvalid, "not an address"},
		{"recipient without domain", map[string]string{"EmailTo": "root"}, CodeFormatInvalid, "root"},
		{"recipient twice", map[string]string{"EmailTo": "a@example.com, A@Example.com"}, CodeAddressExists, "twice"},
		{"no recipient", map[string]string{"EmailTo": " , "}, CodeListEmpty, "EmailTo"},
		{"bad sender", map[string]string{"EmailFrom": "dtrep@"}, CodeFormatInvalid, "EmailFrom"},
		{"bad level", map[string]string{"EmailLevels": "error,critical"}, CodeSettingInvalid, "critical"},
		{"bad ID", map[string]string{"EmailEventIDs": "4003,40x"}, CodeAlertIDInvalid, "40x"},
		{"reversed range", map[string]string{"EmailEventIDs": "5107-5100"}, CodeAlertIDInvalid, "5107-5100"},
		{"no such event", map[string]string{"EmailExcludeEventIDs": "9999"}, CodeAlertIDInvalid, "9999"},
		{"nothing selected", map[string]string{"EmailLevels": ""}, CodeWarningNotSet, "select no event"},
		{"password in the clear", map[string]string{"EmailSecurity": "none", "EmailUsername": "u", "EmailPassword": "p"},
			CodeSettingInvalid, "clear"},
		{"user without password", map[string]string{"EmailUsername": "u"}, CodeSettingInvalid, "together"},
		{"bad CA file", map[string]string{"EmailCACertificate": ca}, CodeSettingInvalid, "EmailCACertificate"},
	} {
		set := map[string]string{}
		for k, v := range ok {
			set[k] = v
		}
		for k, v := range tc.set {
			set[k] = v
		}
		_, err := ConfigFromSettings(settingstest.With(t, set), "h")
		if catalog.CodeOf(err) != tc.code || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: %v, want code %d naming %q", tc.name, err, tc.code, tc.text)
		}
	}
}

// `dtrep option set` and the config file refuse what the notifier cannot
// use, and the file stays as it was.
func TestSettingChecksRefuseBadValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dtrep.yaml")
	const before = "EmailTo: ops@example.com\n"
	if err := os.WriteFile(path, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := settings.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		value string
		code  int
	}{
		"EmailTo":              {"ops@example.com,ops@example.com", CodeAddressExists},
		"EmailFrom":            {"no-at-sign", CodeFormatInvalid},
		"EmailServer":          {"host:0", CodeSettingInvalid},
		"EmailLevels":          {"fatal", CodeSettingInvalid},
		"EmailEventIDs":        {"9990-9999", CodeAlertIDInvalid},
		"EmailExcludeEventIDs": {"x", CodeAlertIDInvalid},
	} {
		if _, err := st.Set(name, tc.value); catalog.CodeOf(err) != tc.code {
			t.Errorf("set %s=%q: %v, want code %d", name, tc.value, err, tc.code)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != before {
		t.Errorf("file changed to %q", b)
	}
	if st.String(catalog.SettingEmailTo) != "ops@example.com" {
		t.Errorf("EmailTo = %q", st.String(catalog.SettingEmailTo))
	}
	if _, err := st.Set("EmailTo", "ops@example.com, Night <night@example.com>"); err != nil {
		t.Errorf("a good list is refused: %v", err)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("EmailTo: a@b.c, a@b.c\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := settings.Open(bad); catalog.CodeOf(err) != CodeAddressExists {
		t.Errorf("a config file with a bad EmailTo opens: %v", err)
	}
}
