package refparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

const (
	errorsChapterTitle = "Chapter 5 Error codes"
	errorsChapterEnd   = "Chapter 6 "
)

// errorsLine matches one code: "- 101 Invalid parameter was supplied". The
// trimming in chapterParas removes the stray indentation some lines carry.
var errorsLine = regexp.MustCompile(`^- (\d+) (.+)$`)

// ParseErrors extracts every code of chapter 5, in the reference's order. A
// parenthetical that ends the line is an explanation, not part of the
// message, and goes to Note.
func ParseErrors(ref string) ([]catalog.ErrorCode, error) {
	paras, err := chapterParas(ref, errorsChapterTitle, errorsChapterEnd)
	if err != nil {
		return nil, fmt.Errorf("refparse: errors: %w", err)
	}
	var out []catalog.ErrorCode
	seen := map[int]bool{}
	for _, p := range paras {
		m := errorsLine.FindStringSubmatch(p)
		if m == nil {
			continue // the introduction and the table's trailing "-"
		}
		code, err := strconv.Atoi(m[1])
		if err != nil {
			return nil, fmt.Errorf("refparse: errors: code %q: %w", m[1], err)
		}
		if seen[code] {
			return nil, fmt.Errorf("refparse: errors: duplicate code %d", code)
		}
		seen[code] = true
		msg, note := errorsSplitNote(m[2])
		out = append(out, catalog.ErrorCode{Code: code, Message: msg, Note: note})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("refparse: errors: no codes found")
	}
	return out, nil
}

// errorsSplitNote separates a trailing parenthetical: "Unknown error code
// (generated when ...)" gives the message and the text inside. Parentheses
// inside the message ("Transactional NTFS (TxF) SavePoints ... are not
// supported") stay where they are.
func errorsSplitNote(s string) (msg, note string) {
	if !strings.HasSuffix(s, ")") {
		return s, ""
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				msg = strings.TrimSpace(s[:i])
				if msg == "" {
					return s, ""
				}
				return msg, s[i+1 : len(s)-1]
			}
		}
	}
	return s, "" // unbalanced: keep the text whole
}
