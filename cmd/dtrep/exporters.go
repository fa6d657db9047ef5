package main

import (
	"context"

	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
)

// exporterStarter runs one exporter for a server until ctx ends. It decides
// from the settings whether it is enabled (returning nil at once if not). An
// error it returns stops the server, so it returns errors only for
// misconfiguration, never for an unreachable peer (it retries those).
type exporterStarter func(ctx context.Context, srv *server.Server, st settings.Reader) error

// exporterStarters are registered by the export_*.go files of this package.
var exporterStarters []exporterStarter
