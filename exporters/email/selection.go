package email

import (
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// Selection decides which events are sent: those of the chosen levels and
// those the include list names, less those the exclude list names.
type Selection struct {
	Levels  map[catalog.Level]bool
	Include []IDRange
	Exclude []IDRange
}

// Selects reports whether ev is to be sent. It runs on the publisher's
// goroutine (the hub's filter), so it only reads.
func (s Selection) Selects(ev events.Event) bool {
	if inRanges(s.Exclude, ev.ID) {
		return false
	}
	return s.Levels[ev.Level] || inRanges(s.Include, ev.ID)
}

func (s Selection) empty() bool { return len(s.Levels) == 0 && len(s.Include) == 0 }

func inRanges(rs []IDRange, id int) bool {
	for _, r := range rs {
		if id >= r.From && id <= r.To {
			return true
		}
	}
	return false
}
