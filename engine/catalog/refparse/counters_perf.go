package refparse

import (
	"fmt"
	"strings"
)

// PerfCounter is one counter of a Performance Monitor object (chapter 7).
type PerfCounter struct {
	Object      string // e.g. "Double-Take Connection"
	Counter     string // e.g. "Bytes in the mirror queue"
	Description string
}

// countersPerfObjectsIntro precedes chapter 7's list of performance objects.
const countersPerfObjectsIntro = "Choose one of the following Double-Take Performance Objects."

// ParsePerfCounters returns every object/counter pair of chapter 7's
// statistics tables, in document order. The object names come from the
// chapter's own list of objects, so a counter whose name starts like an
// object ("Double-Take queue memory usage") is not mistaken for one.
func ParsePerfCounters(ref string) ([]PerfCounter, error) {
	lines, err := countersChapter(ref, 7)
	if err != nil {
		return nil, fmt.Errorf("perf counters: %w", err)
	}
	objects, err := countersPerfObjects(lines)
	if err != nil {
		return nil, fmt.Errorf("perf counters: %w", err)
	}
	paras, err := countersAfter(countersParagraphs(lines), "Performance Monitor statistics")
	if err != nil {
		return nil, fmt.Errorf("perf counters: %w", err)
	}
	var out []PerfCounter
	object := ""
	prevName := false
	for _, p := range paras {
		if objects[p] {
			object, prevName = p, false
			continue
		}
		if object == "" {
			continue // notes before the first table
		}
		if !prevName && countersNameLike(p) {
			out = append(out, PerfCounter{Object: object, Counter: p})
			prevName = true
			continue
		}
		prevName = false
		if n := len(out); n > 0 && out[n-1].Object == object {
			out[n-1].Description = countersAppend(out[n-1].Description, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("perf counters: no counters")
	}
	return out, nil
}

// countersPerfObjects reads the bulleted object list that follows
// countersPerfObjectsIntro.
func countersPerfObjects(lines []string) (map[string]bool, error) {
	objects := map[string]bool{}
	in := false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.Contains(t, countersPerfObjectsIntro):
			in = true
		case in && strings.HasPrefix(t, "- "):
			objects[strings.TrimSpace(strings.TrimPrefix(t, "- "))] = true
		case in && len(objects) > 0:
			return objects, nil
		}
	}
	if len(objects) == 0 {
		return nil, fmt.Errorf("performance object list not found")
	}
	return objects, nil
}
