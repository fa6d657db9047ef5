package main

import (
	"testing"

	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
)

// newTestServer makes a server (not started) on embedded defaults, a
// temporary DataPath and over, for the starters' tests.
func newTestServer(t *testing.T, name string, over map[string]string) (*server.Server, settings.Reader) {
	t.Helper()
	o := map[string]string{"DataPath": t.TempDir(), "ConnectionSecret": "test"}
	for k, v := range over {
		o[k] = v
	}
	st := settingstest.With(t, o)
	srv, err := server.New(server.Options{Settings: st, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return srv, st
}
