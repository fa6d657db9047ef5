package mgmttest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
)

// ServeUnix serves m on a socket in a fresh temporary directory and returns
// the socket's path once it accepts connections. The server stops, and must
// stop cleanly, when the test ends. The directory is short-named (a unix
// socket path is limited to about 100 bytes) and world-traversable so tests
// may connect as other users.
func ServeUnix(t testing.TB, m mgmt.Manager, sec mgmt.Security, opts mgmt.Options) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dtrep-mgmt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.sock")
	ready := make(chan struct{})
	opts.Listening = func(string, net.Addr) { close(ready) }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgmt.NewServer(m, sec, opts).ServeUnix(ctx, path) }()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("ServeUnix: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("ServeUnix did not start listening")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeUnix returned %v after shutdown", err)
		}
	})
	return path
}
