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

// exporterStarters are the exporters a server runs, prepared in this order:
// the log files first, so every later starter's lines reach them, then the
// operating system's logs, then the pull and push consumers. platformStarters
// adds what one operating system has only.
var exporterStarters = append([]exporterStarter{
	startLogs, startEventlog, startPrometheus, startSNMP, startElasticsearch, startEmail, startConsole, startPerfmon,
}, platformStarters...)
