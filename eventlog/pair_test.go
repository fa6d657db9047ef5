//go:build linux

package eventlog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/exporters"
)

// startPairWith starts a replicating pair and runs attach on each server
// before it serves, so consumers see the servers' first events.
func startPairWith(t testing.TB, attach func(eng exporters.Engine)) *servertest.Pair {
	t.Helper()
	return servertest.StartPair(t, servertest.Config{Prepare: func(src, tgt *server.Server) {
		attach(src)
		attach(tgt)
	}})
}

func writeFiles(t testing.TB, dir string, n int) {
	t.Helper()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d", i)), []byte(strings.Repeat("x", 4096)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
