package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
)

// runDtrep runs the command tree with args and returns what it printed.
func runDtrep(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	rootCmd.SetArgs(args)
	optionFormat = "table" // flags keep their value between runs in one process
	err := rootCmd.Execute()
	return out.String(), err
}

func TestOptionSetAndGet(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "dtrep.yaml")
	if err := os.WriteFile(cfg, []byte("# kept\nMirrorChunkSize: 65536\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runDtrep(t, "--config", cfg, "option", "set", "autoreconnect", "0", "MirrorChunkSize", "4096")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "AutoReconnect=0: restart required") || !strings.Contains(out, "MirrorChunkSize=4096\n") {
		t.Errorf("set printed %q", out)
	}
	if got, _ := os.ReadFile(cfg); string(got) != "# kept\nMirrorChunkSize: 4096\nAutoReconnect: 0\n" {
		t.Errorf("file %q", got)
	}

	out, err = runDtrep(t, "--config", cfg, "option", "get", "mirrorchunksize", "AutoReconnect", "AddOnCodes")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("table %q", out)
	}
	for i, want := range [][]string{
		{"MirrorChunkSize", "4096", "file", "live", "active"},
		{"AutoReconnect", "0", "file", "restart required", "active"},
		{"AddOnCodes", "<null>", "default", "restart required", "unused"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("row %q lacks %q", lines[i+1], w)
			}
		}
	}

	out, err = runDtrep(t, "--config", cfg, "option", "get", "--format", "json", "Port")
	if err != nil {
		t.Fatal(err)
	}
	var entries []settings.Entry
	if err := json.Unmarshal([]byte(out), &entries); err != nil || len(entries) != 1 ||
		entries[0].Name != "Port" || entries[0].Value != "6320" || !entries[0].RestartRequired {
		t.Errorf("json %q: %v", out, err)
	}
}

func TestOptionErrors(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "dtrep.yaml")
	_, err := runDtrep(t, "--config", cfg, "option", "set", "MirrorChunkSize", "4096", "AutoRemirror", "7")
	if catalog.CodeOf(err) != catalog.CodeInvalidParameter ||
		!strings.Contains(err.Error(), "AutoRemirror=7: allowed 0, 1, 2, 3, 4") {
		t.Errorf("err = %v", err)
	}
	if _, statErr := os.Stat(cfg); !os.IsNotExist(statErr) {
		t.Error("a refused set wrote the file")
	}
	if _, err := runDtrep(t, "--config", cfg, "option", "get", "NoSuchSetting"); catalog.CodeOf(err) != catalog.CodeInvalidOption {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := runDtrep(t, "--config", cfg, "option", "set", "Port"); err == nil {
		t.Error("odd argument count accepted")
	}
	if _, err := runDtrep(t, "--config", cfg, "option", "get", "--format", "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}

// `option set` refuses, before writing anything, every value `serve` would
// refuse at start, and a negative number is a value, not a flag.
func TestOptionSetRefusesWhatServeWould(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "dtrep.yaml")
	const before = "MirrorChunkSize: 65536\n"
	if err := os.WriteFile(cfg, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"PrometheusAddress", "not-an-address"},
		{"PrometheusAddress", "127.0.0.1:http"},
		{"MirrorChunkSize", "-5"},
		{"AllowedTargetPaths", "relative/dir"},
		{"ManagementAddress", "no-port"},
		{"ConsoleAddress", "127.0.0.1:99999"},
	} {
		out, err := runDtrep(t, append([]string{"--config", cfg, "option", "set"}, args...)...)
		if catalog.CodeOf(err) == 0 || strings.Contains(out+err.Error(), "unknown shorthand flag") {
			t.Errorf("set %v: %v (%q), want a catalog error naming the value", args, err, out)
		}
		if got, _ := os.ReadFile(cfg); string(got) != before {
			t.Fatalf("set %v wrote %q", args, got)
		}
	}
	if _, err := runDtrep(t, "--config", cfg, "option", "set", "PrometheusAddress", "127.0.0.1:9999"); err != nil {
		t.Fatalf("a valid address: %v", err)
	}
}
