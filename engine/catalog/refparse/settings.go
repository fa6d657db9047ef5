package refparse

import (
	"fmt"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// settingsChapterTitle opens chapter 11, the last of the reference.
const settingsChapterTitle = "Chapter 11 Server and job settings"

// settingsDash separates a field label from its text ("Default—1").
const settingsDash = "—"

// settingsLabels maps the reference's field labels to the Setting field they
// fill. "GUI Setting" is an older spelling of "Console Setting" that
// ReplicationDiskCheckTimeOut still uses.
var settingsLabels = map[string]string{
	"Description":              "description",
	"Values":                   "values",
	"Default":                  "default",
	"Console Setting":          "console",
	"GUI Setting":              "console",
	"Service restart required": "restart",
	"Notes":                    "notes",
}

// ParseSettings extracts every setting of chapter 11 from the reference text.
// It fills only what the reference writes (name, description, values,
// default, console setting, restart text and its yes/no reading, status,
// notes); the machine-checkable fields are left for hand review.
func ParseSettings(ref string) ([]catalog.Setting, error) {
	paras, err := chapterParas(ref, settingsChapterTitle, "")
	if err != nil {
		return nil, fmt.Errorf("refparse: settings: %w", err)
	}
	var (
		out   []catalog.Setting
		cur   *settingsRecord
		field string
	)
	seen := map[string]bool{}
	flush := func() error {
		if cur == nil {
			return nil
		}
		s, err := cur.setting()
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	}
	for i, p := range paras {
		if settingsIsName(p) && i+1 < len(paras) && strings.HasPrefix(paras[i+1], "Description"+settingsDash) {
			if err := flush(); err != nil {
				return nil, err
			}
			if seen[p] {
				return nil, fmt.Errorf("refparse: settings: duplicate setting %s", p)
			}
			seen[p] = true
			cur, field = &settingsRecord{name: p, fields: map[string]string{}}, ""
			continue
		}
		if cur == nil {
			continue // the chapter's introduction
		}
		if label, text, ok := strings.Cut(p, settingsDash); ok {
			if f, known := settingsLabels[label]; known {
				if _, dup := cur.fields[f]; dup {
					return nil, fmt.Errorf("refparse: settings: %s: %s given twice", cur.name, label)
				}
				cur.fields[f], field = strings.TrimSpace(text), f
				continue
			}
		}
		// A paragraph without a label continues the previous field: either
		// a line the page layout wrapped or a further paragraph of notes.
		if field == "" {
			return nil, fmt.Errorf("refparse: settings: %s: text before any field: %q", cur.name, p)
		}
		cur.fields[field] = settingsJoin(cur.fields[field], p)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("refparse: settings: no settings found")
	}
	return out, nil
}

// settingsIsName reports whether p looks like a setting name: one word of
// letters and digits starting with a letter (AutoReconnect, HBTTL,
// FailoverData1).
func settingsIsName(p string) bool {
	if p == "" || !(p[0] >= 'A' && p[0] <= 'Z' || p[0] >= 'a' && p[0] <= 'z') {
		return false
	}
	for _, r := range p {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// settingsJoin appends a continuation paragraph. A paragraph that starts in
// lower case after one that does not end a sentence is a line the page
// layout broke ("until the script has" / "completed."), so it joins with a
// space; anything else is a new paragraph.
func settingsJoin(prev, next string) string {
	if prev == "" {
		return next
	}
	last := prev[len(prev)-1]
	if strings.IndexByte(".:;!?", last) < 0 && next[0] >= 'a' && next[0] <= 'z' {
		return prev + " " + next
	}
	return prev + "\n" + next
}
