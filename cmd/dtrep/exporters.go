package main

import (
	"context"

	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
)

// exporterStarter prepares one exporter for a server before the server
// starts (so a subscriber sees the kernel's first events) and returns the
// function that runs it until ctx ends; nil run means disabled by settings.
// Errors (from either) stop the server, so they are for misconfiguration
// only, never for an unreachable peer (exporters retry those).
type exporterStarter func(srv *server.Server, st settings.Reader) (run func(ctx context.Context) error, err error)

// exporterStarters are registered by the export_*.go files of this package.
var exporterStarters []exporterStarter
