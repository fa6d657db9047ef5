package catalog

import (
	"encoding/json"
	"fmt"
)

// settingsAppender decodes a JSON array of settings onto the end of a slice.
// json.Unmarshal truncates a slice before filling it, so without this the
// dtrep extensions (data/settings_dtrep.json) would replace the reference's
// settings instead of joining them.
type settingsAppender struct{ dst *[]Setting }

func (a *settingsAppender) UnmarshalJSON(b []byte) error {
	var more []Setting
	if err := json.Unmarshal(b, &more); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	*a.dst = append(*a.dst, more...)
	return nil
}
