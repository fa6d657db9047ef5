package refparse

import (
	"fmt"
	"regexp"
	"strings"
)

// DTStatSampleLabel is one "Label: value" pair of chapter 3's sample DTStat
// output, with the section (SYSTEMALLOCATOR, KERNEL, CONNECTION...) whose
// block it is printed in.
type DTStatSampleLabel struct {
	Section string
	Label   string
	Value   string
}

// DTStatStatistic is one entry of chapter 3's statistics table, written there
// as "Category, Label" ("Kernel, RepOpsGenerated"). Date/Time Stamp has no
// category.
type DTStatStatistic struct {
	Category    string
	Label       string
	Description string
}

var (
	countersSampleSection = regexp.MustCompile(`^([A-Z]+)::\s*`)
	countersSampleLabel   = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*`)
	// A numeric value is one token; any other value (a date, a file name)
	// runs to the end of its line.
	countersSampleNumber = regexp.MustCompile(`^[0-9][0-9.]*%?(\s+|$)`)
	countersStatHeading  = regexp.MustCompile(`^([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)?), ([A-Za-z][A-Za-z ]*)$`)
)

// countersDateTimeStamp is the one statistics-table entry without a category:
// the snapshot time printed between the "=====" lines of the sample.
const countersDateTimeStamp = "Date/Time Stamp"

// ParseDTStatSample returns the labels of the sample DTStat output in chapter
// 3, in print order. The snapshot time above the first section is unlabelled
// in the sample and is not returned.
func ParseDTStatSample(ref string) ([]DTStatSampleLabel, error) {
	lines, err := countersChapter(ref, 3)
	if err != nil {
		return nil, fmt.Errorf("dtstat sample: %w", err)
	}
	block, err := countersFenced(lines, "Sample DTStat output")
	if err != nil {
		return nil, fmt.Errorf("dtstat sample: %w", err)
	}
	var out []DTStatSampleLabel
	section := ""
	for _, l := range block {
		rest := strings.TrimRight(l, " \t")
		if m := countersSampleSection.FindStringSubmatch(rest); m != nil {
			section = m[1]
			rest = rest[len(m[0]):]
		}
		if section == "" || strings.TrimSpace(rest) == "" {
			continue // the "=====" banner and the snapshot time
		}
		for rest != "" {
			m := countersSampleLabel.FindStringSubmatch(rest)
			if m == nil {
				return nil, fmt.Errorf("dtstat sample: %s: cannot read %q", section, rest)
			}
			rest = rest[len(m[0]):]
			value := rest
			if n := countersSampleNumber.FindString(rest); n != "" {
				value = strings.TrimSpace(n)
				rest = rest[len(n):]
			} else {
				rest = ""
			}
			out = append(out, DTStatSampleLabel{Section: section, Label: m[1], Value: value})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("dtstat sample: no labels")
	}
	return out, nil
}

// countersFenced returns the lines of the first ``` block after the line
// equal to heading.
func countersFenced(lines []string, heading string) ([]string, error) {
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) != heading {
		i++
	}
	if i == len(lines) {
		return nil, fmt.Errorf("heading %q not found", heading)
	}
	start := -1
	for j := i + 1; j < len(lines); j++ {
		if !strings.HasPrefix(strings.TrimSpace(lines[j]), "```") {
			continue
		}
		if start >= 0 {
			return lines[start:j], nil
		}
		start = j + 1
	}
	return nil, fmt.Errorf("no closed code block after %q", heading)
}

// ParseDTStatStatistics returns the entries of chapter 3's statistics table,
// in document order, each with the description paragraphs that follow it.
func ParseDTStatStatistics(ref string) ([]DTStatStatistic, error) {
	lines, err := countersChapter(ref, 3)
	if err != nil {
		return nil, fmt.Errorf("dtstat statistics: %w", err)
	}
	paras, err := countersAfter(countersParagraphs(lines), "Statistics")
	if err != nil {
		return nil, fmt.Errorf("dtstat statistics: %w", err)
	}
	var out []DTStatStatistic
	for _, p := range paras {
		if p == countersDateTimeStamp {
			out = append(out, DTStatStatistic{Label: p})
			continue
		}
		if m := countersStatHeading.FindStringSubmatch(p); m != nil {
			out = append(out, DTStatStatistic{Category: m[1], Label: m[2]})
			continue
		}
		if n := len(out); n > 0 {
			out[n-1].Description = countersAppend(out[n-1].Description, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("dtstat statistics: no entries")
	}
	return out, nil
}
