package logfile

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Types of the sixth column: the reference's "1 for warning or error message
// and 2 for informational message".
const (
	TypeAlert = 1
	TypeInfo  = 2
)

// Column layouts. Dates and times are local, as the reference's console
// shows them; the time keeps ten-thousandths of a second so lines of one
// busy second still read in order.
const (
	dateLayout = "01/02/2006"
	timeLayout = "15:04:05.0000"
)

// Line is one message of a log: the reference's eight columns.
type Line struct {
	Time time.Time
	PID  int
	TID  int
	Seq  uint64 // unique, incremental per log
	Type int    // TypeAlert or TypeInfo
	ID   int    // message ID, 0 when the message has none
	Text string
}

// Append formats l as one tab-separated line, newline included. Line breaks
// inside the text become spaces: one message is one line, which is what
// LogViewer and every line-oriented tool rely on. Other control characters
// (a file name can hold any byte but "/" and NUL) are escaped (Escape), so
// no message can rewrite the terminal of whoever reads the log.
func (l Line) Append(b []byte) []byte {
	b = l.Time.AppendFormat(b, dateLayout)
	b = append(b, '\t')
	b = l.Time.AppendFormat(b, timeLayout)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(l.PID), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(l.TID), 10)
	b = append(b, '\t')
	b = strconv.AppendUint(b, l.Seq, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(l.Type), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(l.ID), 10)
	b = append(b, '\t')
	b = append(b, oneLine(l.Text)...)
	return append(b, '\n')
}

func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", " ")
		s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	}
	return Escape(s)
}

// Escape returns s with every control character but tab, and every byte
// that is not UTF-8, written as \xNN (a backslash as \\ when anything is
// escaped, so the escaping can be told from text). Text without them is
// returned as is.
func Escape(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; {
		r, size := utf8.DecodeRuneInString(s[i:])
		clean = !needsEscape(r, size)
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case needsEscape(r, size):
			for _, c := range []byte(s[i : i+size]) {
				fmt.Fprintf(&b, "\\x%02x", c)
			}
		case r == '\\':
			b.WriteString("\\\\")
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsEscape says whether the rune r, size bytes long, is a byte that is
// not UTF-8 or a C0/C1 control character other than tab.
func needsEscape(r rune, size int) bool {
	return (r == utf8.RuneError && size == 1) || (r < 0x20 && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// Columns splits a formatted line (without its newline) into its eight
// columns; the text keeps any tabs it contains.
func Columns(s string) ([]string, error) {
	cols := strings.SplitN(strings.TrimRight(s, "\r\n"), "\t", 8)
	if len(cols) != 8 {
		return nil, fmt.Errorf("log line has %d columns, want 8", len(cols))
	}
	return cols, nil
}

// ParseLine reads a line written by Append.
func ParseLine(s string) (Line, error) {
	cols, err := Columns(s)
	if err != nil {
		return Line{}, err
	}
	var l Line
	l.Time, err = time.ParseInLocation(dateLayout+" "+timeLayout, cols[0]+" "+cols[1], time.Local)
	if err != nil {
		return Line{}, fmt.Errorf("log line time: %w", err)
	}
	ints := []*int{&l.PID, &l.TID, nil, &l.Type, &l.ID}
	for i, dst := range ints {
		if dst == nil {
			if l.Seq, err = strconv.ParseUint(cols[2+i], 10, 64); err != nil {
				return Line{}, fmt.Errorf("log line sequence: %w", err)
			}
			continue
		}
		if *dst, err = strconv.Atoi(cols[2+i]); err != nil {
			return Line{}, fmt.Errorf("log line column %d: %w", 3+i, err)
		}
	}
	l.Text = cols[7]
	return l, nil
}
