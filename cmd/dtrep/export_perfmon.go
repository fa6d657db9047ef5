package main

import (
	"context"
	"errors"
	"log/slog"
	"runtime"

	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/exporters/perfmon"
)

// startPerfmon publishes the server's statistics to Performance Monitor
// where it exists (Windows). A provider that cannot start is logged and the
// server runs on: counters must never be why replication does not start.
func startPerfmon(srv *server.Server, _ settings.Reader) (func(context.Context) error, error) {
	if runtime.GOOS != "windows" {
		return nil, nil
	}
	return func(ctx context.Context) error {
		err := perfmon.Run(ctx, srv, slog.Default())
		switch {
		case errors.Is(err, perfmon.ErrUnsupported):
		case err != nil && ctx.Err() == nil:
			slog.Warn("performance counters not published", "server", srv.ServerName(), "err", err)
		}
		return nil
	}, nil
}
