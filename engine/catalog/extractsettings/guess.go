package main

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

var (
	// rangeRe matches "0 - 65535", "1-32760", "100 - 20,000".
	rangeRe = regexp.MustCompile(`^(\d[\d,]*)\s*-\s*(\d[\d,]*)$`)
	// choiceRe matches the start of each choice: "0 never overwrite, 1
	// always overwrite" after a comma, "0 Disabled 1 Enabled" (no comma)
	// only before a capital, so numbers inside the prose are not taken.
	choiceRe = regexp.MustCompile(`(?:^|, )(\d+) |\s(\d+) [A-Z]`)
)

// guess drafts the machine-checkable fields from the reference's Values and
// Default text. It errs towards plain types; the review tightens them.
func guess(s *catalog.Setting) {
	s.Type = "string"
	if s.Status != catalog.SettingActive {
		return
	}
	v := strings.TrimSpace(s.Values)
	lower := strings.ToLower(v)
	switch {
	case rangeRe.MatchString(v):
		m := rangeRe.FindStringSubmatch(v)
		s.Type = "int"
		s.Min, s.Max = num(m[1]), num(m[2])
	case strings.Contains(lower, "or any larger integer"):
		s.Type = "int"
		s.Min = num("0")
	case strings.HasPrefix(v, "0 ") || strings.HasPrefix(v, "2 "):
		var allowed []string
		for _, m := range choiceRe.FindAllStringSubmatch(v, -1) {
			n := m[1] + m[2] // one group is empty
			if !slices.Contains(allowed, n) {
				allowed = append(allowed, n)
			}
		}
		if slices.Equal(allowed, []string{"0", "1"}) {
			s.Type = "bool"
		} else {
			s.Type, s.Allowed = "enum", allowed
		}
	case strings.Contains(lower, "path"):
		s.Type = "path"
	case strings.Contains(lower, "integer"), strings.Contains(lower, "number"),
		strings.Contains(lower, "percentage"), strings.Contains(lower, "size"),
		strings.Contains(lower, "disk space"):
		s.Type = "int"
		s.Min = num("0")
	}
	if _, err := strconv.ParseInt(s.Default, 10, 64); err == nil || s.Type == "string" {
		s.Value = s.Default
	}
}

func num(t string) *int64 {
	n, err := strconv.ParseInt(strings.ReplaceAll(t, ",", ""), 10, 64)
	if err != nil {
		return nil
	}
	return &n
}
