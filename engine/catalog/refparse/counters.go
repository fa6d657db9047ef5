package refparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The counter parsers share these helpers. They are prefixed with "counters"
// because other files of this package parse other chapters with helpers of
// their own.

// countersChapterHeading matches a chapter title in the body. The table of
// contents repeats each title followed by a tab and a page number, which the
// pattern excludes.
var countersChapterHeading = regexp.MustCompile(`^Chapter (\d+) [^\t]+$`)

// countersChapter returns the body lines of chapter n, title excluded.
func countersChapter(ref string, n int) ([]string, error) {
	lines := strings.Split(strings.ReplaceAll(ref, "\r\n", "\n"), "\n")
	start := -1
	for i, l := range lines {
		m := countersChapterHeading.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if start >= 0 {
			return lines[start:i], nil
		}
		if m[1] == strconv.Itoa(n) {
			start = i + 1
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("chapter %d not found", n)
	}
	return lines[start:], nil
}

// countersParagraphs groups lines into blank-line separated paragraphs, each
// trimmed and with its lines joined by "\n".
func countersParagraphs(lines []string) []string {
	var out, cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			flush()
			continue
		}
		cur = append(cur, t)
	}
	flush()
	return out
}

// countersAfter returns the paragraphs following the first one equal to
// heading. Headings are matched whole so that cross references such as
// "- *SNMP statistics* on page 115" do not count.
func countersAfter(paras []string, heading string) ([]string, error) {
	for i, p := range paras {
		if p == heading {
			return paras[i+1:], nil
		}
	}
	return nil, fmt.Errorf("heading %q not found", heading)
}

// countersMaxNameWords bounds the length of an item title in the reference's
// two-column tables ("Operations in acknowledgement queue" is the longest
// counter title, four words); descriptions are sentences and longer.
const countersMaxNameWords = 6

// countersNameLike reports whether a paragraph looks like an item title of a
// table the reference flattened into "title, description" paragraphs: one
// short line starting with a capital letter and not ending a sentence. The
// caller also requires that the previous paragraph was not a title, because
// a few descriptions are short too ("The target IP address and port").
func countersNameLike(p string) bool {
	if p == "" || strings.Contains(p, "\n") || strings.HasSuffix(p, ".") {
		return false
	}
	if c := p[0]; c < 'A' || c > 'Z' {
		return false
	}
	return len(strings.Fields(p)) <= countersMaxNameWords
}

// countersAppend adds a description paragraph to text.
func countersAppend(text, p string) string {
	if text == "" {
		return p
	}
	return text + "\n" + p
}
