// Package winetest runs Windows binaries under wine64 for tests on Linux:
// it builds a package's test binary for windows/amd64 and runs it in a
// private wine prefix prepared for Go programs.
package winetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Timeout bounds each wine or go command a test runs.
const Timeout = 10 * time.Minute

// need finds a program the tests use: missing, the test skips, or fails
// when CI=true (CI installs it with scripts/deps).
func need(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not installed (scripts/deps installs it)", names[0])
	}
	t.Skipf("%s not installed (scripts/deps installs it)", names[0])
	return ""
}

// Prefix is a wine prefix of one test.
type Prefix struct {
	Dir        string
	wine       string
	wineserver string
}

// NewPrefix creates a wine prefix in a temporary directory, ready for Go
// binaries, and stops its wineserver when the test ends.
//
// Go 1.22 and later load ProcessPrng from bcryptprimitives.dll, from
// System32 only, and wine 8.0 has no such DLL: the prefix's system32 gets a
// bcryptprimitives.dll whose one export forwards ProcessPrng to advapi32's
// SystemFunction036 (RtlGenRandom: fill a buffer, return TRUE, the same
// contract), linked by the MinGW binutils from a module definition.
func NewPrefix(t testing.TB) *Prefix {
	t.Helper()
	p := &Prefix{Dir: filepath.Join(t.TempDir(), "prefix"),
		wine: need(t, "wine64", "/usr/lib/wine/wine64")}
	p.wineserver = filepath.Join(filepath.Dir(p.wine), "wineserver")
	dlltool := need(t, "x86_64-w64-mingw32-dlltool")
	ld := need(t, "x86_64-w64-mingw32-ld")
	t.Cleanup(func() {
		cmd := p.Command(context.Background(), p.wineserver, "-k")
		cmd.Run() // no server left running is what we want either way
	})
	p.run(t, p.Command(context.Background(), p.wine, "wineboot", "--init"))

	work := t.TempDir()
	def := filepath.Join(work, "bcryptprimitives.def")
	if err := os.WriteFile(def, []byte("LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng = advapi32.SystemFunction036\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exp := filepath.Join(work, "bcryptprimitives.exp")
	p.run(t, exec.Command(dlltool, "--def", def, "--dllname", "bcryptprimitives.dll", "--output-exp", exp))
	dll := filepath.Join(p.Dir, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	p.run(t, exec.Command(ld, "-shared", "-e", "0", "-o", dll, exp))
	return p
}

// Command prepares name (a wine tool or a Windows program run by wine64)
// in the prefix. Wine's own messages are silenced; the native
// bcryptprimitives.dll is preferred.
func (p *Prefix) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	if filepath.Ext(name) == ".exe" {
		args = append([]string{name}, args...)
		name = p.wine
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "WINEPREFIX="+p.Dir, "WINEDEBUG=-all", "WINEDLLOVERRIDES=bcryptprimitives=n",
		"WINEARCH=win64")
	return cmd
}

func (p *Prefix) run(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
}

// BuildTest compiles the tests of the package in dir (relative to the
// calling test's directory) into a windows/amd64 executable.
func BuildTest(t testing.TB, dir string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "pkg.test.exe")
	goWindows(t, dir, "test", "-c", "-o", exe, ".")
	return exe
}

// BuildExe builds the command in dir (relative to the calling test's
// directory) for windows/amd64, as name.
func BuildExe(t testing.TB, dir, name string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), name)
	goWindows(t, dir, "build", "-o", exe, ".")
	return exe
}

func goWindows(t testing.TB, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s for windows/amd64: %v\n%s", strings.Join(args, " "), err, out)
	}
}
