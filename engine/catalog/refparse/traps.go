package refparse

import (
	"fmt"
	"regexp"

	"github.com/dtrep/dtrep/engine/catalog"
)

const (
	trapsChapterTitle = "Chapter 10 SNMP"
	trapsChapterEnd   = "Chapter 11 "
	trapsSection      = "SNMP traps"
	trapsSectionEnd   = "SNMP statistics"
)

// trapsName matches a trap's name line.
var trapsName = regexp.MustCompile(`^dttrap[A-Za-z]+$`)

// ParseTraps extracts every trap of chapter 10's "SNMP traps" table with its
// description, in the reference's order. Events is left empty: which event
// raises a trap is a judgement made when the data file is reviewed.
func ParseTraps(ref string) ([]catalog.Trap, error) {
	paras, err := chapterParas(ref, trapsChapterTitle, trapsChapterEnd)
	if err != nil {
		return nil, fmt.Errorf("refparse: traps: %w", err)
	}
	// The chapter's introduction names the section in a bullet
	// ("*SNMP traps* on page 112"); only the exact heading opens it.
	start := -1
	for i, p := range paras {
		if p == trapsSection {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("refparse: traps: section %q not found", trapsSection)
	}
	var out []catalog.Trap
	seen := map[string]bool{}
	for _, p := range paras[start:] {
		if p == trapsSectionEnd {
			break
		}
		switch {
		case trapsName.MatchString(p):
			if seen[p] {
				return nil, fmt.Errorf("refparse: traps: duplicate trap %s", p)
			}
			seen[p] = true
			out = append(out, catalog.Trap{Name: p})
		case len(out) == 0:
			// the table's introduction
		case out[len(out)-1].Description == "":
			out[len(out)-1].Description = p
		default:
			out[len(out)-1].Description += " " + p // a wrapped line
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("refparse: traps: no traps found")
	}
	for _, t := range out {
		if t.Description == "" {
			return nil, fmt.Errorf("refparse: traps: %s has no description", t.Name)
		}
	}
	return out, nil
}
