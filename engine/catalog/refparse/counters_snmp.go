package refparse

import (
	"fmt"
	"regexp"
	"strings"
)

// SNMPStatistic is one dt* statistic object of chapter 10.
type SNMPStatistic struct {
	Name        string // e.g. "dtconBytesTx"
	Description string
}

var countersSNMPName = regexp.MustCompile(`^dt[A-Za-z0-9]+$`)

// ParseSNMPStatistics returns the statistics of chapter 10's "SNMP
// statistics" table, in document order. Traps (dttrap*) are listed in an
// earlier table of the chapter and are never returned.
func ParseSNMPStatistics(ref string) ([]SNMPStatistic, error) {
	lines, err := countersChapter(ref, 10)
	if err != nil {
		return nil, fmt.Errorf("snmp statistics: %w", err)
	}
	paras, err := countersAfter(countersParagraphs(lines), "SNMP statistics")
	if err != nil {
		return nil, fmt.Errorf("snmp statistics: %w", err)
	}
	var out []SNMPStatistic
	for _, p := range paras {
		if countersSNMPName.MatchString(p) && !strings.HasPrefix(p, "dttrap") {
			out = append(out, SNMPStatistic{Name: p})
			continue
		}
		if n := len(out); n > 0 {
			out[n-1].Description = countersAppend(out[n-1].Description, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("snmp statistics: no statistics")
	}
	return out, nil
}
