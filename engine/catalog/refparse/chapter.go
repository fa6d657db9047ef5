package refparse

import (
	"fmt"
	"strings"
)

// chapterParas returns the non-blank lines, trimmed, that follow the line
// reading exactly title, up to (not including) the first later line that
// starts with end. The table of contents repeats titles followed by a tab and
// a page number, which the exact match skips. An empty end reads to the end
// of the text.
func chapterParas(ref, title, end string) ([]string, error) {
	lines := strings.Split(ref, "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == title {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("%q not found", title)
	}
	var paras []string
	for _, l := range lines[start:] {
		l = strings.TrimSpace(l)
		if end != "" && strings.HasPrefix(l, end) {
			return paras, nil
		}
		if l != "" {
			paras = append(paras, l)
		}
	}
	if end != "" {
		return nil, fmt.Errorf("end of %q (%q) not found", title, end)
	}
	return paras, nil
}

// startsLower reports whether s begins with a lower-case ASCII letter: the
// mark of a paragraph the page layout split mid-sentence.
func startsLower(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z'
}
