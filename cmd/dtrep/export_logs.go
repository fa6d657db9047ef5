package main

import (
	"context"
	"log/slog"
	"os"
	"sync"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/logfile"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/statsfile"
)

// The logs of chapters 2 and 3 for `dtrep serve` and `demo`: the engine log
// (dtlog<N>.dtl), master.log and the job logs, fed by the event hub and by
// the server's own log lines, and statistics logging (statistic.sts).

// serverLogs sends every record to stderr and to each running engine log.
var serverLogs = &logFanout{stderr: slog.NewTextHandler(os.Stderr, nil)}

type logFanout struct {
	stderr slog.Handler
	mu     sync.RWMutex
	logs   map[*logfile.Handler]bool
}

func (f *logFanout) add(h *logfile.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logs == nil {
		f.logs = map[*logfile.Handler]bool{}
	}
	f.logs[h] = true
}

func (f *logFanout) remove(h *logfile.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.logs, h)
}

func (f *logFanout) targets() []slog.Handler {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := []slog.Handler{f.stderr}
	for h := range f.logs {
		out = append(out, h)
	}
	return out
}

// Enabled implements slog.Handler.
func (f *logFanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f.targets() {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

// Handle implements slog.Handler: a failing engine log never keeps a line
// from stderr.
func (f *logFanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f.targets() {
		if h.Enabled(ctx, r.Level) {
			_ = h.Handle(ctx, r.Clone())
		}
	}
	return nil
}

// WithAttrs implements slog.Handler; the derived handler still reaches
// engine logs registered after it was made.
func (f *logFanout) WithAttrs(as []slog.Attr) slog.Handler {
	return &derived{f: f, wrap: func(h slog.Handler) slog.Handler { return h.WithAttrs(as) }}
}

// WithGroup implements slog.Handler.
func (f *logFanout) WithGroup(name string) slog.Handler {
	return &derived{f: f, wrap: func(h slog.Handler) slog.Handler { return h.WithGroup(name) }}
}

// derived applies With* to the fan-out's current targets at each record.
type derived struct {
	f    *logFanout
	wrap func(slog.Handler) slog.Handler
}

func (d *derived) Enabled(ctx context.Context, l slog.Level) bool { return d.f.Enabled(ctx, l) }

func (d *derived) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range d.f.targets() {
		if h.Enabled(ctx, r.Level) {
			_ = d.wrap(h).Handle(ctx, r.Clone())
		}
	}
	return nil
}

func (d *derived) WithAttrs(as []slog.Attr) slog.Handler {
	return &derived{f: d.f, wrap: func(h slog.Handler) slog.Handler { return d.wrap(h).WithAttrs(as) }}
}

func (d *derived) WithGroup(name string) slog.Handler {
	return &derived{f: d.f, wrap: func(h slog.Handler) slog.Handler { return d.wrap(h).WithGroup(name) }}
}

// startLogs opens the logs in LogDir. A LogDir that cannot be written, or
// that another server in this process already logs to (the demo runs two
// servers on one set of settings), leaves this server without file logs,
// with a warning: a server that cannot log still replicates.
func startLogs(srv *server.Server, st settings.Reader) (func(context.Context) error, error) {
	dir := st.String(catalog.SettingLogDir)
	unlock, err := logfile.LockDir(dir)
	if err != nil {
		slog.Warn("log files disabled", "server", srv.ServerName(), "err", err)
		return nil, nil
	}
	router, err := logfile.OpenRouter(logfile.RouterOptions{Settings: st, JobID: srv.JobID,
		OnError: func(err error) { slog.Warn("log files: writing failed", "err", err) }})
	if err != nil {
		unlock()
		slog.Warn("log files disabled", "server", srv.ServerName(), "err", err)
		return nil, nil
	}
	// Subscribed now, before the server starts, so its first events
	// (service started) are in the log.
	sub := srv.Subscribe(4096, nil)
	handler := logfile.NewHandler(router.Engine())
	serverLogs.add(handler)
	stats := statsfile.NewLogger(statsfile.LoggerOptions{Settings: st, Catalog: srv.Catalog(),
		Server: srv.ServerName(), Snapshot: srv.Snapshot, Log: slog.Default()})
	return func(ctx context.Context) error {
		defer unlock()
		done := make(chan struct{})
		go func() { defer close(done); _ = router.Serve(ctx, sub) }()
		_ = stats.Serve(ctx)
		serverLogs.remove(handler)
		<-done
		return nil
	}, nil
}
