package refparse

import (
	"fmt"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// settingsRecord collects one setting's labelled fields while parsing.
type settingsRecord struct {
	name   string
	fields map[string]string // keyed by the values of settingsLabels
}

// settingsFullFields are the fields every setting in use carries. Internal
// and retired settings carry only a description.
var settingsFullFields = []string{"values", "default", "console", "restart"}

// setting turns the record into a catalog.Setting and decides its status:
// a description alone means the reference tells users to keep away, either
// because the setting is retired ("This setting is no longer used.", "This
// entry is no longer used.") or because Double-Take manages it ("Do not
// modify this entry/setting.", "Set by the Double-Take service...").
func (r *settingsRecord) setting() (catalog.Setting, error) {
	f := r.fields
	s := catalog.Setting{
		Name:           r.name,
		Description:    f["description"],
		Values:         f["values"],
		Default:        f["default"],
		ConsoleSetting: f["console"],
		Restart:        f["restart"],
		Notes:          f["notes"],
	}
	if s.Description == "" {
		return s, fmt.Errorf("refparse: settings: %s: empty description", r.name)
	}
	present := 0
	for _, k := range settingsFullFields {
		if _, ok := f[k]; ok {
			present++
		}
	}
	switch {
	case present == len(settingsFullFields):
		s.Status = catalog.SettingActive
	case present == 0 && strings.Contains(strings.ToLower(s.Description), "no longer used"):
		s.Status = catalog.SettingUnused
	case present == 0:
		s.Status = catalog.SettingInternal
	default:
		return s, fmt.Errorf("refparse: settings: %s: only %d of values, default, console setting, restart", r.name, present)
	}
	s.RestartRequired = settingsRestart(s.Restart)
	return s, nil
}

// settingsRestart reads a plain "Yes" or "No"; conditional answers
// ("No for future connections, Yes for the current connection") and absent
// ones give nil, left to hand review.
func settingsRestart(text string) *bool {
	var b bool
	switch text {
	case "Yes":
		b = true
	case "No":
		b = false
	default:
		return nil
	}
	return &b
}
