//go:build linux

package eventlog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// wine runs Windows programs in a prefix of the test's own.
type wine struct {
	bin, server, prefix string
}

// newWine makes a prefix where Go programs start: Go (1.22 and later)
// needs ProcessPrng from bcryptprimitives.dll, which wine 8.0 lacks, so a
// forwarder DLL built with binutils sends it to RtlGenRandom
// (advapi32.SystemFunction036, the same contract: fill a buffer with
// random bytes, return nonzero).
func newWine(t *testing.T) *wine {
	t.Helper()
	w := &wine{bin: "/usr/lib/wine/wine64", server: "/usr/lib/wine/wineserver64", prefix: filepath.Join(t.TempDir(), "prefix")}
	if _, err := os.Stat(w.bin); err != nil {
		w.bin = needTool(t, "wine64")
		w.server = needTool(t, "wineserver")
	}
	dlltool := needTool(t, "x86_64-w64-mingw32-dlltool")
	ld := needTool(t, "x86_64-w64-mingw32-ld")
	t.Cleanup(func() { _ = w.command("", w.server, "-k").Run() })
	if out, err := w.command("", w.bin, "wineboot", "--init").CombinedOutput(); err != nil {
		t.Fatalf("wineboot: %v\n%s", err, out)
	}
	dir := t.TempDir()
	def := "LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng = advapi32.SystemFunction036\n"
	if err := os.WriteFile(filepath.Join(dir, "fwd.def"), []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][]string{
		{dlltool, "--def", "fwd.def", "--output-exp", "fwd.exp", "--dllname", "bcryptprimitives.dll"},
		{ld, "-shared", "--no-seh", "-e", "0", "-o", "bcryptprimitives.dll", "fwd.exp"},
	} {
		cmd := exec.Command(c[0], c[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	fwd, err := os.ReadFile(filepath.Join(dir, "bcryptprimitives.dll"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.prefix, "drive_c/windows/system32/bcryptprimitives.dll"), fwd, 0o644); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *wine) command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=bcryptprimitives=n")
	return cmd
}

// run runs a Windows program and returns its standard output.
func (w *wine) run(t *testing.T, exe string, args ...string) []byte {
	t.Helper()
	cmd := w.command(filepath.Dir(exe), w.bin, append([]string{exe}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("wine %s %v: %v\n%s\n%s", filepath.Base(exe), args, err, out, stderr.Bytes())
	}
	return out
}

// buildWindows builds a package of this module for Windows into dir.
func buildWindows(t *testing.T, dir, pkg, name string) string {
	t.Helper()
	exe := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", exe, pkg)
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s for Windows: %v\n%s", pkg, err, out)
	}
	return exe
}

// formatMessage is what FormatMessageW makes of a stored message: %1..%n
// replaced by the insertion strings (never re-read for inserts), %n a line
// break, and the line end mc stored.
func formatMessage(template string, args []string) string {
	filled := insertion.ReplaceAllStringFunc(template, func(m string) string {
		if m == "%n" {
			return "\r\n"
		}
		n, _ := strconv.Atoi(m[1:])
		return args[n-1]
	})
	return filled + "\r\n"
}

// Under wine, `dtrep.exe eventlog install` registers every source with the
// message DLL in the registry, and a Windows program that finds each
// source's message file there, as Event Viewer does, renders every event of
// every source with FormatMessageW to the catalog's template filled in.
func TestWineRendersEveryEvent(t *testing.T) {
	w := newWine(t)
	dir := t.TempDir()
	dtrep := buildWindows(t, dir, "github.com/dtrep/dtrep/cmd/dtrep", "dtrep.exe")
	render := buildWindows(t, dir, "github.com/dtrep/dtrep/eventlog/internal/winrender", "winrender.exe")
	installed := string(w.run(t, dtrep, "eventlog", "install"))
	if !strings.Contains(installed, MessageDLLName) || !strings.Contains(installed, "source RepKap in the System log") {
		t.Fatalf("eventlog install said:\n%s", installed)
	}
	// The Windows build carries the message file: the DLL it wrote
	// beside itself resolves every event of every source.
	dll, err := os.ReadFile(filepath.Join(dir, MessageDLLName))
	if err != nil {
		t.Fatalf("message file not beside dtrep.exe: %v", err)
	}
	checkMessageDLL(t, dll)

	evs, err := WindowsEvents(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	type renderCase struct {
		Log       string   `json:"log"`
		Source    string   `json:"source"`
		MessageID uint32   `json:"message_id"`
		Args      []string `json:"args"`
	}
	cases := make([]renderCase, len(evs))
	want := map[string]string{}
	for i, e := range evs {
		// Insertion strings with a percent sign prove FormatMessage
		// does not read them as inserts again.
		var args []string
		for n := range Inserts(e, nil) {
			args = append(args, fmt.Sprintf("«%d %% of %s/%d»", n+1, e.Source, e.ID))
		}
		cases[i] = renderCase{Log: e.Log, Source: e.Source, MessageID: e.MessageID, Args: args}
		want[fmt.Sprintf("%s/%08X", e.Source, e.MessageID)] = formatMessage(e.Message, args)
	}
	b, _ := json.Marshal(cases)
	casesFile := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(casesFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := w.run(t, render, "cases.json")
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			MessageID uint32 `json:"message_id"`
			Source    string `json:"source"`
			Text      string `json:"text"`
			Error     string `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("winrender line %q: %v", sc.Bytes(), err)
		}
		key := fmt.Sprintf("%s/%08X", r.Source, r.MessageID)
		seen++
		if r.Error != "" {
			t.Errorf("%s: %s", key, r.Error)
		} else if r.Text != want[key] {
			t.Errorf("%s renders\n%q, want\n%q", key, r.Text, want[key])
		}
	}
	if seen != len(evs) {
		t.Fatalf("winrender answered %d of %d events", seen, len(evs))
	}
	removed := string(w.run(t, dtrep, "eventlog", "uninstall"))
	if !strings.Contains(removed, "source Double-Take removed from the Application log") {
		t.Errorf("eventlog uninstall said:\n%s", removed)
	}
}
