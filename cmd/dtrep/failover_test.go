package main

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Failover commands check their arguments before calling the server, and a
// server without a failover module answers 161.
func TestFailoverCommands(t *testing.T) {
	_, _, sock := testServer(t)
	_, err := runCLI(t, "--socket", sock, "failover", "start")
	wantCode(t, err, catalog.CodeInvalidCommand)
	_, err = runCLI(t, "--socket", sock, "failover", "monitor", "s", "extra")
	wantCode(t, err, catalog.CodeInvalidCommand)
	_, err = runCLI(t, "--socket", sock, "failover", "status")
	wantCode(t, err, 161)
	_, err = runCLI(t, "--socket", sock, "failover", "undo", "s")
	wantCode(t, err, 161)
}
