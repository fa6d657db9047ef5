package logfile

import (
	"strings"
	"testing"
	"time"
)

func TestLineRoundTrip(t *testing.T) {
	at := time.Date(2012, 3, 23, 13, 34, 6, 123400000, time.Local)
	l := Line{Time: at, PID: 4242, TID: 17, Seq: 99, Type: TypeAlert, ID: 4011, Text: "Auto-reconnect\tfailed\r\nfor job1"}
	s := string(l.Append(nil))
	want := "03/23/2012\t13:34:06.1234\t4242\t17\t99\t1\t4011\tAuto-reconnect\tfailed for job1\n"
	if s != want {
		t.Fatalf("line\n got %q\nwant %q", s, want)
	}
	got, err := ParseLine(strings.TrimSuffix(s, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	l.Text = "Auto-reconnect\tfailed for job1"
	if !got.Time.Equal(l.Time) || got.PID != l.PID || got.TID != l.TID || got.Seq != l.Seq ||
		got.Type != l.Type || got.ID != l.ID || got.Text != l.Text {
		t.Fatalf("parsed %+v, want %+v", got, l)
	}
}

func TestParseLineRefusesOtherText(t *testing.T) {
	for _, s := range []string{
		"",
		"not a log line",
		"03/23/2012\t13:34:06.1234\t1\t2\t3\t2\t4000", // seven columns
		"23/03/2012\t13:34:06.1234\t1\t2\t3\t2\t4000\ttext",
		"03/23/2012\t13:34:06.1234\tpid\t2\t3\t2\t4000\ttext",
		"03/23/2012\t13:34:06.1234\t1\t2\t-3\t2\t4000\ttext",
	} {
		if _, err := ParseLine(s); err == nil {
			t.Errorf("ParseLine(%q) accepted it", s)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add("03/23/2012\t13:34:06.1234\t4242\t17\t99\t1\t4011\ttext")
	f.Add("03/23/2012\t13:34:06.1234\t1\t1\t1\t2\t0\t")
	f.Add("\t\t\t\t\t\t\t")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLine(s)
		if err != nil {
			return
		}
		// Whatever parses formats back to a line that parses the same.
		again, err := ParseLine(strings.TrimSuffix(string(l.Append(nil)), "\n"))
		if err != nil {
			t.Fatalf("reformatted %q does not parse: %v", s, err)
		}
		if !again.Time.Equal(l.Time) || again.Seq != l.Seq || again.ID != l.ID || again.Type != l.Type ||
			again.Text != oneLine(l.Text) {
			t.Fatalf("%q: %+v then %+v", s, l, again)
		}
	})
}

// A message carrying control characters (a file name can) cannot reach
// the terminal of whoever reads the log: they are escaped, and text
// without them is kept as it is.
func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain \t text é":        "plain \t text é",
		"evil\x1b[2Jname":        `evil\x1b[2Jname`,
		"bell\a and back\\slash": `bell\x07 and back\\slash`,
		"bad utf-8 \xff":         `bad utf-8 \xff`,
		"c1 \u009b control":      `c1 \xc2\x9b control`,
		"nul \x00 del \x7f":      `nul \x00 del \x7f`,
		`only a back\slash`:      `only a back\slash`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	line := Line{Time: time.Now(), Type: TypeAlert, ID: 4150, Text: "Target write \"a\x1b]0;x\x07\nb\" failed"}
	out := string(line.Append(nil))
	if strings.ContainsAny(strings.TrimSuffix(out, "\n"), "\x1b\x07\n") {
		t.Fatalf("control characters reached the log line: %q", out)
	}
}
