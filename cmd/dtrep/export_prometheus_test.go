package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
)

func promTestServer(t *testing.T, addr string) (*server.Server, settings.Reader) {
	t.Helper()
	st := settingstest.With(t, map[string]string{"DataPath": t.TempDir(),
		"ConnectionSecret": "test", "PrometheusAddress": addr})
	srv, err := server.New(server.Options{Settings: st, Name: "prom-test"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, st
}

// freeAddr returns a loopback address nothing listens on (just now).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestPrometheusStarterServes(t *testing.T) {
	addr := freeAddr(t)
	srv, st := promTestServer(t, addr)
	run, err := startPrometheus(srv, st)
	if err != nil || run == nil {
		t.Fatalf("starter: run %v, err %v", run != nil, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "dtrep_kernel_connections ") {
		t.Errorf("no dtrep metrics served:\n%.500s", body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("exporter did not stop with its context")
	}
}

// A busy port (the demo's second server) costs the endpoint, not the
// server; an empty address disables it; a malformed one is refused.
func TestPrometheusStarterSettings(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, c := range []struct {
		addr    string
		wantErr bool
	}{
		{busy.Addr().String(), false},
		{"", false},
		{"no-port", true},
	} {
		srv, st := promTestServer(t, c.addr)
		run, err := startPrometheus(srv, st)
		if run != nil {
			t.Errorf("%q: exporter would run", c.addr)
		}
		if (err != nil) != c.wantErr {
			t.Errorf("%q: err %v, want error %v", c.addr, err, c.wantErr)
		}
		if c.wantErr && catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("%q: code %d, want %d", c.addr, catalog.CodeOf(err), catalog.CodeInvalidParameter)
		}
	}
}
