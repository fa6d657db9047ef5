package refparse

import "fmt"

// CounterViewColumn is an item of chapter 4's connection views: a column of
// the Connections folder or an item of a specific connection.
type CounterViewColumn struct {
	Folder      string // CounterViewFolder or CounterViewSpecific
	Name        string // e.g. "Sent (bytes)"
	Description string
}

// The two chapter 4 headings whose items describe a source connection, and
// the heading that ends the second one.
const (
	CounterViewFolder   = "Connections folder items"
	CounterViewSpecific = "Specific connection items"
	countersViewEnd     = "Replication sets folder items"
)

// ParseCounterViewColumns returns the items of the Connections folder and of
// a specific connection (chapter 4), in document order. Items of the other
// folders (replication sets, target connection entries) are not counters
// and are not returned.
func ParseCounterViewColumns(ref string) ([]CounterViewColumn, error) {
	lines, err := countersChapter(ref, 4)
	if err != nil {
		return nil, fmt.Errorf("view columns: %w", err)
	}
	var out []CounterViewColumn
	folder := ""
	prevName := false
	for _, p := range countersParagraphs(lines) {
		switch p {
		case CounterViewFolder, CounterViewSpecific:
			folder, prevName = p, false
			continue
		case countersViewEnd:
			folder = ""
		}
		if folder == "" {
			continue
		}
		if !prevName && countersNameLike(p) {
			out = append(out, CounterViewColumn{Folder: folder, Name: p})
			prevName = true
			continue
		}
		prevName = false
		if n := len(out); n > 0 {
			out[n-1].Description = countersAppend(out[n-1].Description, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("view columns: none found")
	}
	return out, nil
}
