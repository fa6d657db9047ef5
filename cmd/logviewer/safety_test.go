package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/logfile"
)

// What is not an engine log is refused with a clear error before a byte
// of it reaches the terminal: a binary file, a foreign text, a device
// that never ends.
func TestRefusesWhatIsNotALog(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "binary.dtl")
	if err := os.WriteFile(binary, append([]byte("\x7fELF\x02\x01\x01\x00\x1b[2J"), bytes.Repeat([]byte{0, 1, 2}, 3000)...), 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(foreign, []byte("dear diary\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{binary, foreign}
	if runtime.GOOS == "linux" {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"-path", p}, &out, &errOut)
		if code == 0 || out.Len() != 0 || !strings.Contains(errOut.String(), "101") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want a 101 refusal and nothing shown", p, code, out.String(), errOut.String())
		}
	}
}

// Control characters in a log's lines (a hand edit, a log from elsewhere)
// are shown escaped.
func TestEscapesControlCharacters(t *testing.T) {
	p := filepath.Join(t.TempDir(), "master.log")
	good := string(logfile.Line{Time: time.Now(), Type: logfile.TypeInfo, ID: 1, Text: "fine"}.Append(nil))
	if err := os.WriteFile(p, []byte(good+"raw \x1b]0;pwned\x07 line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // one pass over what is there, then stop
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"-path", p}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.ContainsAny(out.String(), "\x1b\x07") || !strings.Contains(out.String(), `raw \x1b]0;pwned\x07 line`) {
		t.Fatalf("output %q", out.String())
	}
}

// A stop request ends the viewer within one bounded pass even while far
// more of the log waits to be shown (a log growing faster than it is
// read would otherwise keep it busy for ever).
func TestStopsPromptlyOnALongLog(t *testing.T) {
	p := filepath.Join(t.TempDir(), "master.log")
	var b []byte
	for i := range 3 * linesPerPass {
		b = logfile.Line{Time: time.Now(), Seq: uint64(i), Type: logfile.TypeInfo, ID: 1, Text: "line"}.Append(b)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"-path", p}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if n := strings.Count(out.String(), "\n"); n != linesPerPass {
		t.Fatalf("showed %d lines after the stop request, want one pass of %d", n, linesPerPass)
	}
}
