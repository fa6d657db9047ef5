package catalog_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

// settingsCorrections are the page artefacts fixed by hand in
// data/settings.json: setting -> field -> {as the reference text has it, as
// the catalog has it}. Anything else must match the reference exactly,
// modulo whitespace.
var settingsCorrections = map[string]map[string][2]string{
	"AutoRemirror": {"console_setting": {"remIRRORing", "remirroring"}},
	"MemoryAllocatorCallbackMode": {"values": {
		"theMemoryQueueToDiskThreshold", "the MemoryQueueToDiskThreshold"}},
	"LogMessageLevel":            {"description": {"the.dtl", "the .dtl"}},
	"TGMoveFilesSingleDirectory": {"description": {"**TGMoveFilesOnDelete**", "TGMoveFilesOnDelete"}},
}

// settingsRestartReadings are the conditional "Service restart required"
// answers and how the catalog reads them: a change that needs a restart in
// some case is treated as needing one.
var settingsRestartReadings = map[string]bool{
	"HPQueueRatio":           true, // "No for future connections, Yes for the current connection"
	"IgnoreThumbnailStreams": true, // restart needed when changed to 0
}

// settingsProseValues are the embedded defaults dtrep uses where the
// reference's default is prose, a Windows path or not a single value. The
// install location becomes /var/lib/dtrep (logs under /var/log/dtrep), as
// the Linux filesystem hierarchy places a service's state; an empty value
// means "not set" (<null>, None, N/A, generated at first start).
var settingsProseValues = map[string]string{
	"ActivationCode":             "",                     // N/A: no license keys
	"BackupDir":                  "/var/lib/dtrep",       // the install location
	"ClusterDir":                 "",                     // no Microsoft Cluster Service on Linux
	"DataPath":                   "/var/lib/dtrep",       // the install location
	"DefaultAddress":             "",                     // <null>: any address
	"DefaultProtocol":            "23",                   // IPv4 and IPv6, as on current Windows releases
	"HardLinkLogPath":            "",                     // None: LogDir is used
	"IgnoreAlternateStreamFiles": "",                     // none
	"LanguageSelected":           "en",                   // the install language
	"LogDir":                     "/var/log/dtrep",       // the install location; logs go under /var/log
	"QJournalDir":                "/var/lib/dtrep/queue", // the install location
	"QJournalSpaceMax":           "4294967295",           // Unlimited: the largest registry DWORD
	"ReplicationDiskCheckScript": "",                     // <null>
	"RunScriptatSnaptime":        "",                     // <null>
	"ServerUUID":                 "",                     // generated at the first start
	"ServicesToKeepRunning":      "",                     // <null>
	"TempDir":                    "/var/lib/dtrep/tmp",   // beside DataPath so renames stay on one filesystem
	"TGMoveFilesPath":            "",                     // <null>
	"TGWriteCache":               "1",                    // dtrep has no full server to ESX appliance jobs
	// The reference's default "DTVVerify.log" disagrees with the name its
	// VerifyLogAppend and VerifyLogLimit entries use; dtrep follows those.
	"VerifyLogName":         "DTVerify.log",
	"WatchDogFailureScript": "", // <null>
}

// settingsDWORD is the bound of "any integer" and similar open ranges: the
// settings are registry DWORDs, so unsigned 32-bit.
const settingsDWORD = 4294967295

var spaces = regexp.MustCompile(`\s+`)

func squash(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

func referenceSettings(t *testing.T) []catalog.Setting {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference-guide-7.1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := refparse.ParseSettings(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// referenceOnly returns the catalog settings that come from the reference.
func referenceOnly(c *catalog.Catalog) []catalog.Setting {
	var out []catalog.Setting
	for _, s := range c.Settings {
		if !s.Extension {
			out = append(out, s)
		}
	}
	return out
}

func TestSettingsMatchReference(t *testing.T) {
	ref := referenceSettings(t)
	got := referenceOnly(catalog.Must())
	if len(ref) != 177 || len(got) != 177 {
		t.Fatalf("reference has %d settings, catalog %d; want 177 each", len(ref), len(got))
	}
	for i, r := range ref {
		g := got[i]
		if g.Name != r.Name {
			t.Fatalf("setting %d: catalog %q, reference %q", i, g.Name, r.Name)
		}
		fields := map[string][2]string{
			"description":     {r.Description, g.Description},
			"values":          {r.Values, g.Values},
			"default":         {r.Default, g.Default},
			"console_setting": {r.ConsoleSetting, g.ConsoleSetting},
			"restart":         {r.Restart, g.Restart},
			"notes":           {r.Notes, g.Notes},
		}
		for f, v := range fields {
			want := v[0]
			if c, ok := settingsCorrections[r.Name][f]; ok {
				if !strings.Contains(want, c[0]) {
					t.Errorf("%s.%s: correction %q no longer applies", r.Name, f, c[0])
				}
				want = strings.ReplaceAll(want, c[0], c[1])
			}
			if squash(v[1]) != squash(want) {
				t.Errorf("%s.%s:\n catalog   %q\n reference %q", r.Name, f, v[1], want)
			}
		}
		if g.Status != r.Status {
			t.Errorf("%s: status %s, reference reads %s", r.Name, g.Status, r.Status)
		}
		want := r.RestartRequired
		if b, ok := settingsRestartReadings[r.Name]; ok {
			if want != nil {
				t.Errorf("%s: restart %q is plain, drop its reading", r.Name, r.Restart)
			}
			want = &b
		}
		if !equalBoolPtr(g.RestartRequired, want) {
			t.Errorf("%s: restart_required %v, want %v (%q)", r.Name, fmtBoolPtr(g.RestartRequired), fmtBoolPtr(want), r.Restart)
		}
	}
}

func TestSettingsStatuses(t *testing.T) {
	var unused, internal []string
	for _, s := range referenceOnly(catalog.Must()) {
		switch s.Status {
		case catalog.SettingUnused:
			unused = append(unused, s.Name)
		case catalog.SettingInternal:
			internal = append(internal, s.Name)
		case catalog.SettingActive:
		default:
			t.Errorf("%s: status %q", s.Name, s.Status)
		}
	}
	wantUnused := []string{"AddOnCodes", "ArchiveLoopAttempts", "ArchiveLoopDelay", "HeartbeatIgnoreIPs",
		"MoveOrphanedFiles", "MoveOrphansDir", "RemoveAllOrphans", "RemoveOrphansTime"}
	if !slices.Equal(unused, wantUnused) {
		t.Errorf("unused settings %v, want %v", unused, wantUnused)
	}
	// Spot checks of the wordings that mean "internal": the brief form, the
	// installer's, and the one without "Do not modify".
	for _, n := range []string{"AutoCalcEulaAccepted", "ProductCode", "SystemMemoryLimit", "MaxOpBufferSize", "QJournalPreload"} {
		if !slices.Contains(internal, n) {
			t.Errorf("%s is not internal", n)
		}
	}
	if len(internal) != 27 {
		t.Errorf("%d internal settings, want 27: %v", len(internal), internal)
	}
}

// TestSettingsMachineForm checks the hand-reviewed type, bounds and value of
// every setting against each other and against the reference's default.
func TestSettingsMachineForm(t *testing.T) {
	for _, s := range catalog.Must().Settings {
		if s.Status != catalog.SettingActive {
			if s.Type != "string" || s.Value != "" || s.RestartRequired != nil {
				t.Errorf("%s (%s): want type string, empty value, no restart reading", s.Name, s.Status)
			}
			continue
		}
		if s.RestartRequired == nil {
			t.Errorf("%s: active setting without a restart reading", s.Name)
		}
		switch s.Type {
		case "int":
			checkIntForm(t, s)
		case "bool":
			if s.Value != "0" && s.Value != "1" || s.Min != nil || s.Max != nil || s.Allowed != nil {
				t.Errorf("%s: bool with value %q, bounds or allowed", s.Name, s.Value)
			}
		case "enum":
			if len(s.Allowed) < 2 || !slices.Contains(s.Allowed, s.Value) {
				t.Errorf("%s: enum value %q not in %v", s.Name, s.Value, s.Allowed)
			}
			for _, a := range s.Allowed {
				if !strings.Contains(s.Values, a+" ") {
					t.Errorf("%s: allowed %s not in the reference's values %q", s.Name, a, s.Values)
				}
			}
		case "path":
			if s.Value != "" && !filepath.IsAbs(s.Value) {
				t.Errorf("%s: path value %q is not absolute", s.Name, s.Value)
			}
		case "string", "secret":
		default:
			t.Errorf("%s: unknown type %q", s.Name, s.Type)
		}
		if s.Extension {
			continue
		}
		want, prose := settingsProseValues[s.Name]
		if !prose {
			want = s.Default
		}
		if s.Value != want {
			t.Errorf("%s: value %q, want %q (reference default %q)", s.Name, s.Value, want, s.Default)
		}
	}
	for name := range settingsProseValues {
		if _, ok := catalog.Must().Setting(name); !ok {
			t.Errorf("prose value for unknown setting %s", name)
		}
	}
}

func checkIntForm(t *testing.T, s catalog.Setting) {
	t.Helper()
	if s.Min == nil || s.Max == nil || *s.Min > *s.Max || *s.Max > settingsDWORD || *s.Min < 0 {
		t.Errorf("%s: int bounds %v..%v", s.Name, fmtIntPtr(s.Min), fmtIntPtr(s.Max))
		return
	}
	v, err := strconv.ParseInt(s.Value, 10, 64)
	if err != nil || v < *s.Min || v > *s.Max {
		t.Errorf("%s: value %q outside %d..%d", s.Name, s.Value, *s.Min, *s.Max)
	}
}

func TestSettingsExtensions(t *testing.T) {
	c := catalog.Must()
	ref := map[string]bool{}
	for _, s := range referenceSettings(t) {
		ref[strings.ToLower(s.Name)] = true
	}
	var ext []string
	for _, s := range c.Settings {
		if !s.Extension {
			continue
		}
		ext = append(ext, s.Name)
		if ref[strings.ToLower(s.Name)] {
			t.Errorf("%s: extension shadows a reference setting", s.Name)
		}
		if s.Name[0] < 'A' || s.Name[0] > 'Z' || strings.ContainsAny(s.Name, " _-.") {
			t.Errorf("%s: not in the reference's CamelCase style", s.Name)
		}
		if s.Description == "" || s.RestartRequired == nil {
			t.Errorf("%s: needs a description and a restart reading", s.Name)
		}
	}
	for _, n := range []string{"ManagementSocket", "ManagementAddress", "ConnectionSecret", "SNMPEnterpriseOID", "PrometheusAddress"} {
		if !slices.Contains(ext, n) {
			t.Errorf("extension %s missing", n)
		}
	}
	if s, _ := c.Setting("PrometheusAddress"); s.Value != "127.0.0.1:9561" {
		t.Errorf("PrometheusAddress value %q", s.Value)
	}
	// 2581 is a real vendor's enterprise number; the default must be the
	// documentation arc users are told to replace.
	if s, _ := c.Setting("SNMPEnterpriseOID"); s.Value != "1.3.6.1.4.1.32473" {
		t.Errorf("SNMPEnterpriseOID value %q", s.Value)
	}
}

func equalBoolPtr(a, b *bool) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func fmtBoolPtr(b *bool) string {
	if b == nil {
		return "null"
	}
	return strconv.FormatBool(*b)
}

func fmtIntPtr(p *int64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatInt(*p, 10)
}
