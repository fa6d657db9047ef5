package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The management commands are tested in-process against mgmttest.Fake served
// on a temporary socket; the real server is covered by its end-to-end tests.
// The test process owns the server, so it is an administrator whatever its
// uid.

// runCLI runs the command tree with args, every flag back at its default
// first (cobra keeps flag values between runs in one process).
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	resetFlags(rootCmd)
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	return out.String(), err
}

func resetFlags(c *cobra.Command) {
	reset := func(f *pflag.Flag) {
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			_ = sv.Replace(nil)
		} else {
			_ = f.Value.Set(f.DefValue)
		}
		f.Changed = false
	}
	c.PersistentFlags().VisitAll(reset)
	c.Flags().VisitAll(reset)
	for _, sub := range c.Commands() {
		resetFlags(sub)
	}
}

// testServer serves a Fake and returns it with its login counter and socket.
func testServer(t *testing.T) (*mgmttest.Fake, *mgmttest.Logins, string) {
	t.Helper()
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	return fake, logins, mgmttest.ServeUnix(t, fake, logins, mgmt.Options{})
}

func wantCode(t *testing.T, err error, code int) {
	t.Helper()
	if got := catalog.CodeOf(err); got != code {
		t.Fatalf("got %v (code %d), want code %d", err, got, code)
	}
}

// nothingSent checks that refused commands never reached the server.
func nothingSent(t *testing.T, fake *mgmttest.Fake, logins *mgmttest.Logins) {
	t.Helper()
	if ok, failed := logins.Counts(); ok+failed != 0 || len(fake.Calls()) != 0 {
		t.Errorf("a locally refused command was sent: %d logins, calls %q", ok+failed, fake.Calls())
	}
}

func TestSocketPathDefault(t *testing.T) {
	t.Setenv(socketEnv, "")
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/4242")
	want := systemSocket
	if os.Geteuid() != 0 {
		want = "/run/user/4242/dtrep/dtrep.sock"
	}
	if _, err := runCLI(t, "--help"); err != nil {
		t.Fatal(err)
	}
	if got := socketPath(); got != want {
		t.Errorf("default socket %q, want %q", got, want)
	}
	t.Setenv(socketEnv, "/tmp/env.sock")
	if got := socketPath(); got != "/tmp/env.sock" {
		t.Errorf("with $%s: %q", socketEnv, got)
	}
	socketFlag = "/tmp/flag.sock"
	defer func() { socketFlag = "" }()
	if got := socketPath(); got != "/tmp/flag.sock" {
		t.Errorf("with --socket: %q", got)
	}
}

func TestUnreachableServer(t *testing.T) {
	_, err := runCLI(t, "--socket", filepath.Join(t.TempDir(), "none.sock"), "job", "list")
	wantCode(t, err, catalog.CodeServerNotFound)
	if exitCode(err) != 2 {
		t.Errorf("exit status %d for a catalog error, want 2", exitCode(err))
	}
}

func TestArgumentCount(t *testing.T) {
	for _, args := range [][]string{{"job", "start"}, {"job", "status", "a", "b"}, {"mirror", "start"}, {"target", "pause", "x"}, {"stats", "x"}} {
		_, err := runCLI(t, args...)
		wantCode(t, err, catalog.CodeInvalidCommand)
	}
}

func TestServerFlag(t *testing.T) {
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	addrc := make(chan net.Addr, 1)
	srv := mgmt.NewServer(fake, logins, mgmt.Options{Listening: func(_ string, a net.Addr) { addrc <- a }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServeTCP(ctx, "127.0.0.1:0", nil, mgmt.Tokens{Admin: "tok"}) }()
	defer func() { cancel(); <-done }()
	url := "http://" + (<-addrc).String()

	if _, err := runCLI(t, "--server", url, "--token", "tok", "target", "pause"); err != nil {
		t.Fatalf("--server with --token: %v", err)
	}
	t.Setenv(tokenEnv, "tok")
	if _, err := runCLI(t, "--server", url, "target", "resume"); err != nil {
		t.Fatalf("--server with $%s: %v", tokenEnv, err)
	}
	_, err := runCLI(t, "--server", url, "--token", "bad", "job", "list")
	wantCode(t, err, catalog.CodeInsufficientSecurity)
	t.Setenv(tokenEnv, "")
	_, err = runCLI(t, "--server", url, "job", "list")
	wantCode(t, err, catalog.CodeInvalidParameter)
	if ok, failed := logins.Counts(); ok != 2 || failed != 1 {
		t.Errorf("logins %d ok, %d failed; want 2, 1", ok, failed)
	}
	if got := strings.Join(fake.Calls(), ","); got != "PauseTarget,ResumeTarget" {
		t.Errorf("calls %q", got)
	}
}
