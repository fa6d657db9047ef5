package main

import (
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/testcert"
)

// TestConsoleRefusesAnOpenAddress: off loopback the console needs TLS and
// a token; the server does not start without them.
func TestConsoleRefusesAnOpenAddress(t *testing.T) {
	c := testcert.New(t)
	cert, key := c.CertFile, c.KeyFile
	for _, c := range []struct {
		name string
		over map[string]string
		want string
	}{
		{"no TLS", map[string]string{"ConsoleAddress": "0.0.0.0:0", "ConsoleAdminToken": "x"}, "ConsoleTLSCertificate"},
		{"no token", map[string]string{"ConsoleAddress": "0.0.0.0:0", "ConsoleTLSCertificate": cert, "ConsoleTLSKey": key}, "ConsoleAdminToken"},
		{"half TLS", map[string]string{"ConsoleAddress": "127.0.0.1:0", "ConsoleTLSCertificate": cert}, "go together"},
		{"bad address", map[string]string{"ConsoleAddress": "nowhere"}, "ConsoleAddress"},
	} {
		srv, st := newTestServer(t, "console-test", c.over)
		_, err := startConsole(srv, st)
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestConsoleGeneratesALoopbackToken: without tokens a loopback console
// makes one, readable by the server's user only, and keeps it.
func TestConsoleGeneratesALoopbackToken(t *testing.T) {
	srv, st := newTestServer(t, "console-test", map[string]string{"ConsoleAddress": "127.0.0.1:0"})
	run, err := startConsole(srv, st)
	if err != nil || run == nil {
		t.Fatalf("start: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the listener is closed by a run that ends at once
	if err := run(ctx); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(st.String(catalog.SettingDataPath), consoleTokenFile)
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	first, _ := os.ReadFile(file)
	if _, err := consoleToken(file); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(file)
	if len(strings.TrimSpace(string(first))) < 32 || string(first) != string(again) {
		t.Fatalf("token not kept: %q then %q", first, again)
	}
}

// TestConsoleOverTLS serves the console over HTTPS: the login cookie is
// Secure.
func TestConsoleOverTLS(t *testing.T) {
	c := testcert.New(t)
	cert, key, pool := c.CertFile, c.KeyFile, c.Pool
	addr := freeAddr(t)
	srv, st := newTestServer(t, "console-test", map[string]string{"ConsoleAddress": addr, "ConsoleTLSCertificate": cert,
		"ConsoleTLSKey": key, "ConsoleAdminToken": "tls-admin-token"})
	run, err := startConsole(srv, st)
	if err != nil || run == nil {
		t.Fatalf("start: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post("https://"+addr+"/api/login", "application/json", strings.NewReader(`{"token":"tls-admin-token"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 || !resp.Cookies()[0].Secure {
		t.Fatalf("login over TLS: %s %+v", resp.Status, resp.Cookies())
	}
}
