package refparse

import (
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// settingsMini has the shapes chapter 11 uses: an introduction, a full
// entry with notes over two paragraphs, a description broken by a page, the
// old "GUI Setting" label, a conditional restart answer, and the three
// wordings of internal and retired entries.
const settingsMini = `Chapter 11 Server and job settings	119
Chapter 11 Server and job settings

The following table lists all of the settings, in decimal value.

AutoReconnect

Description—Specifies whether to reinstate the target connection(s)

Values—0 Do not reconnect, 1 Reconnect

Default—1

Console Setting—Edit Server Properties page, Setup section

Service restart required—Yes

Notes—First paragraph.

- 1Gbit LAN—The setting should be around 375000.

RunScriptatSnaptime

Description—The snapshot will not be executed until the script has

completed. If the script returns an error, the snapshot will still execute.

Values—any valid path and script name

Default—<null>

GUI Setting—None

Service restart required—No for future connections, Yes for the current connection

AddOnCodes

Description—This entry is no longer used.

SystemMemoryLimit

Description—Set by the Double-Take service, each time it is started, to record the amount of available memory.
`

func TestParseSettingsShapes(t *testing.T) {
	got, err := ParseSettings(settingsMini)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d settings: %+v", len(got), got)
	}
	ar, rs, aoc, sml := got[0], got[1], got[2], got[3]
	if ar.Name != "AutoReconnect" || ar.Status != catalog.SettingActive || ar.RestartRequired == nil || !*ar.RestartRequired ||
		ar.Default != "1" || ar.ConsoleSetting != "Edit Server Properties page, Setup section" {
		t.Errorf("AutoReconnect %+v", ar)
	}
	if ar.Notes != "First paragraph.\n- 1Gbit LAN—The setting should be around 375000." {
		t.Errorf("notes %q", ar.Notes)
	}
	if !strings.HasSuffix(rs.Description, "the script has completed. If the script returns an error, the snapshot will still execute.") {
		t.Errorf("wrapped description %q", rs.Description)
	}
	if rs.ConsoleSetting != "None" || rs.RestartRequired != nil || !strings.HasPrefix(rs.Restart, "No for future") {
		t.Errorf("RunScriptatSnaptime %+v", rs)
	}
	if aoc.Status != catalog.SettingUnused || sml.Status != catalog.SettingInternal || sml.RestartRequired != nil {
		t.Errorf("statuses %s %s", aoc.Status, sml.Status)
	}
}

func TestParseSettingsRefuses(t *testing.T) {
	head := "Chapter 11 Server and job settings\n\n"
	for name, text := range map[string]string{
		"no chapter": "AutoReconnect\n\nDescription—x\n",
		"empty":      head + "Nothing here.\n",
		"duplicate":  head + "A\n\nDescription—This setting is no longer used.\n\nA\n\nDescription—This setting is no longer used.\n",
		"partial":    head + "A\n\nDescription—x\n\nValues—0 Off, 1 On\n",
		"twice":      head + "A\n\nDescription—x\n\nDescription—y\n",
	} {
		if _, err := ParseSettings(text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseSettings: arbitrary text fails with an error or yields settings
// that keep the parser's promises.
func FuzzParseSettings(f *testing.F) {
	f.Add(settingsMini)
	f.Add("")
	f.Fuzz(func(t *testing.T, ref string) {
		got, err := ParseSettings(ref)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, s := range got {
			if seen[s.Name] || !settingsIsName(s.Name) || s.Description == "" {
				t.Fatalf("bad setting %+v", s)
			}
			seen[s.Name] = true
			switch s.Status {
			case catalog.SettingActive:
			case catalog.SettingInternal, catalog.SettingUnused:
				if s.Values != "" || s.Default != "" || s.Restart != "" || s.RestartRequired != nil {
					t.Fatalf("%s setting with values: %+v", s.Status, s)
				}
			default:
				t.Fatalf("status %q", s.Status)
			}
		}
	})
}
