package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestSNMPStarter(t *testing.T) {
	// Disabled (the default): nothing runs, and the other SNMP settings
	// are not even read.
	srv, st := newTestServer(t, "snmp-test", map[string]string{"SNMPTrapPath": "bogus"})
	if run, err := startSNMP(srv, st); run != nil || err != nil {
		t.Fatalf("disabled: run %v, err %v", run != nil, err)
	}
	// Enabled with a wrong setting: refused with code 101.
	srv, st = newTestServer(t, "snmp-test", map[string]string{"SNMPEnabled": "1", "SNMPAgentXAddress": "unix:relative"})
	if _, err := startSNMP(srv, st); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Fatalf("bad address: %v", err)
	}
	// Enabled without any SNMP agent: it runs, and stops with its context.
	srv, st = newTestServer(t, "snmp-test", map[string]string{"SNMPEnabled": "1",
		"SNMPAgentXAddress": "unix:" + filepath.Join(t.TempDir(), "no-agent")})
	run, err := startSNMP(srv, st)
	if err != nil || run == nil {
		t.Fatalf("enabled: run %v, err %v", run != nil, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}
