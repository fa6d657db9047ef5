package refparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

const (
	statsChapterTitle = "Chapter 3 Statistics"
	statsChapterEnd   = "Chapter 4 "
)

// enumsNumbered are the enumerations chapter 3 gives numbers for, keyed by
// the name the catalog uses, with the statistic that lists them. Chapter 10
// repeats them for SNMP (dtconState, dtSourceState, dtTargetState).
var enumsNumbered = map[string]string{
	"conState":    "Connection, conState",
	"SourceState": "Kernel, SourceState",
	"TargetState": "Kernel, TargetState",
}

// EnumNames lists the catalog's enumerations in the order the data file
// keeps them: the service view's (chapter 4), the numbered states of
// chapters 3 and 10, then the view's snapshot and rule lists.
var EnumNames = []string{
	"Target Data State",
	"Target Status",
	"Transmit Mode",
	"Mirror Status",
	"Replication Status",
	"Usage type",
	"Compression",
	"conState",
	"SourceState",
	"TargetState",
	"Snapshot Type",
	"Replication set attributes",
}

// enumsNumberedLine matches "- 1—Active. This indicates ..." and, as
// chapter 10 writes some, the same without the bullet.
var enumsNumberedLine = regexp.MustCompile(`^(?:- )?(\d+)—(.+)$`)

// ParseEnums extracts the status enumerations. Numbered states keep the
// reference's numbers; the view's lists, which have none, are numbered from
// 0 in the order their values are first written. The view writes "Target
// Data State" several times and only the target connection folders include
// Disconnected, so that list is the union of all of them: OK is 0 wherever
// the state is shown and Disconnected comes last.
func ParseEnums(ref string) ([]catalog.Enum, error) {
	items, err := viewParse(ref)
	if err != nil {
		return nil, err
	}
	stats, err := chapterParas(ref, statsChapterTitle, statsChapterEnd)
	if err != nil {
		return nil, fmt.Errorf("refparse: enums: %w", err)
	}
	out := make([]catalog.Enum, 0, len(EnumNames))
	for _, name := range EnumNames {
		e := catalog.Enum{Name: name}
		if heading, ok := enumsNumbered[name]; ok {
			e.Values, err = numberedValues(stats, heading)
		} else {
			e.Values, err = enumsFromView(items, name)
		}
		if err != nil {
			return nil, fmt.Errorf("refparse: enums: %s: %w", name, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// enumsFromView gathers the values of every view item that lists the
// enumeration, in the order first written. A value written twice must be
// described the same way both times.
func enumsFromView(items []viewItem, name string) ([]catalog.EnumValue, error) {
	var vals []catalog.EnumValue
	index := map[string]int{}
	for _, it := range items {
		if viewEnums[strings.ToLower(it.name)] != name {
			continue
		}
		for _, v := range it.values {
			if i, ok := index[v.name]; ok {
				if vals[i].Description != v.desc {
					return nil, fmt.Errorf("%s described differently in %s", v.name, it.folder)
				}
				continue
			}
			index[v.name] = len(vals)
			vals = append(vals, catalog.EnumValue{Value: len(vals), Name: v.name, Description: v.desc})
		}
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("no view item lists it")
	}
	return vals, nil
}

// numberedValues reads the numbered list that follows heading: an optional
// sentence ("The state of the active connection"), then "N—text" lines. A
// text that is a status word and an explanation ("None. This indicates
// ...") is split at the first full stop; a bare sentence ("Source is not
// running") is both the name and the description.
func numberedValues(paras []string, heading string) ([]catalog.EnumValue, error) {
	start := -1
	for i, p := range paras {
		if p == heading {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("%q not found", heading)
	}
	if start < len(paras) && !enumsNumberedLine.MatchString(paras[start]) {
		start++ // the statistic's one-line description
	}
	var vals []catalog.EnumValue
	for _, p := range paras[start:] {
		m := enumsNumberedLine.FindStringSubmatch(p)
		if m == nil {
			break
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, fmt.Errorf("value %q: %w", m[1], err)
		}
		name, desc, ok := strings.Cut(m[2], ". ")
		if !ok {
			name, desc = m[2], m[2]
		}
		vals = append(vals, catalog.EnumValue{Value: n, Name: name, Description: desc})
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("no values after %q", heading)
	}
	return vals, nil
}
