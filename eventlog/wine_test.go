//go:build linux

package eventlog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/winetest"
)

// runWine runs a Windows program in the prefix, in its own directory,
// and returns its standard output.
func runWine(t *testing.T, p *winetest.Prefix, exe string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), winetest.Timeout)
	defer cancel()
	cmd := p.Command(ctx, exe, args...)
	cmd.Dir = filepath.Dir(exe)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("wine %s %v: %v\n%s\n%s", filepath.Base(exe), args, err, out, stderr.Bytes())
	}
	return out
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
	w := winetest.NewPrefix(t)
	dtrep := winetest.BuildExe(t, "../cmd/dtrep", "dtrep.exe")
	render := winetest.BuildExe(t, "internal/winrender", "winrender.exe")
	dir := filepath.Dir(dtrep)
	installed := string(runWine(t, w, dtrep, "eventlog", "install"))
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
	casesFile := filepath.Join(filepath.Dir(render), "cases.json")
	if err := os.WriteFile(casesFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runWine(t, w, render, "cases.json")
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
	removed := string(runWine(t, w, dtrep, "eventlog", "uninstall"))
	if !strings.Contains(removed, "source Double-Take removed from the Application log") {
		t.Errorf("eventlog uninstall said:\n%s", removed)
	}
}
