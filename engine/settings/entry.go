package settings

import "github.com/dtrep/dtrep/engine/catalog"

// Source says which layer gave a setting its value.
type Source string

const (
	SourceDefault Source = "default"
	SourceFile    Source = "file"
	SourceEnv     Source = "env"
	SourceFlag    Source = "flag"
)

// Entry is one setting as the Store holds it, for display. Secrets show as
// Redacted (or empty when unset); String and Get return the real value.
type Entry struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Source  Source `json:"source"`
	Default string `json:"default"`
	// RestartRequired says whether a change takes effect only after a
	// service restart. Settings the reference gives no answer for count as
	// needing one.
	RestartRequired bool                  `json:"restart_required"`
	Status          catalog.SettingStatus `json:"status"`
	Extension       bool                  `json:"extension,omitempty"`
	// PendingRestart is set when the file gives a value that waits for a
	// service restart; Pending is that value.
	PendingRestart bool   `json:"pending_restart,omitempty"`
	Pending        string `json:"pending,omitempty"`
}

// Redacted stands in for a secret's value in displays.
const Redacted = "(set)"

// restartNeeded reads the catalog's restart answer, treating "not said" as
// "needs one" so nothing unsupported is applied while running.
func restartNeeded(s catalog.Setting) bool {
	return s.RestartRequired == nil || *s.RestartRequired
}

func display(s catalog.Setting, v string) string {
	if s.Type == TypeSecret && v != "" {
		return Redacted
	}
	return v
}
