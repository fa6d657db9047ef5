package prometheus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters"
)

// MetricsPath is where the exporter serves.
const MetricsPath = "/metrics"

// Options tune an Exporter; the zero value suits a server.
type Options struct {
	Log *slog.Logger
	// EventBuffer is the event subscription's buffer (default 1024).
	EventBuffer int
	// ConnectionStatuses, TargetEntries and HubStats override where the
	// status words and hub counters come from; by default they are read
	// from the engine when it has the methods (*server.Server does).
	ConnectionStatuses func(context.Context) ([]ConnectionStatus, error)
	TargetEntries      func(context.Context) ([]TargetEntry, error)
	HubStats           func() events.HubStats
	// Extra collectors are served beside the dtrep collector: other
	// exporters' own counters (the event log writers').
	Extra []prom.Collector
}

// Exporter serves one engine's metrics.
type Exporter struct {
	coll *collector
	reg  *prom.Registry
	log  *slog.Logger
}

// New builds the descriptors from the engine's catalog and subscribes to its
// events at once, so an exporter prepared before the server starts counts
// the server's first events. Run or Serve must follow (or Close).
func New(eng exporters.Engine, opts Options) (*Exporter, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = 1024
	}
	d, err := newDescriptors(eng.Catalog())
	if err != nil {
		return nil, fmt.Errorf("prometheus exporter: %w", err)
	}
	c := &collector{eng: eng, d: d, events: newEventCounter(eng.Catalog()), log: opts.Log,
		connStatuses: opts.ConnectionStatuses, targetEntries: opts.TargetEntries, hubStats: opts.HubStats}
	if c.connStatuses == nil {
		c.connStatuses = connectionStatusesOf(eng)
	}
	if c.targetEntries == nil {
		c.targetEntries = targetEntriesOf(eng)
	}
	if c.hubStats == nil {
		c.hubStats = hubStatsOf(eng)
	}
	c.version, c.revision = buildLabels()

	reg := prom.NewRegistry()
	cols := append([]prom.Collector{c, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})}, opts.Extra...)
	for _, col := range cols {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("prometheus exporter: %w", err)
		}
	}
	c.sub = eng.Subscribe(opts.EventBuffer, nil)
	return &Exporter{coll: c, reg: reg, log: opts.Log}, nil
}

// Collector is the dtrep collector alone, for a caller with its own
// registry.
func (e *Exporter) Collector() prom.Collector { return e.coll }

// Gatherer gathers everything Handler serves.
func (e *Exporter) Gatherer() prom.Gatherer { return e.reg }

// Handler serves MetricsPath (and a small index page on /).
func (e *Exporter) Handler() http.Handler {
	metrics := promhttp.InstrumentMetricHandler(e.reg, promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{
		ErrorLog:      errorLog{e.log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      e.reg,
		// Two scrapers at a time are plenty; more would only queue
		// snapshots of the same moment.
		MaxRequestsInFlight: 2,
		Timeout:             30 * time.Second,
	}))
	mux := http.NewServeMux()
	mux.Handle(MetricsPath, metrics)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>dtrep exporter</title></head><body><h1>dtrep exporter</h1>"+
			"<p><a href=%q>Metrics</a></p></body></html>\n", MetricsPath)
	})
	return mux
}

// Run counts the engine's events until ctx ends, then unsubscribes.
func (e *Exporter) Run(ctx context.Context) error {
	defer e.Close()
	e.coll.events.run(ctx, e.coll.sub)
	return nil
}

// Close unsubscribes from the engine's events; for an exporter that was
// prepared but will not run.
func (e *Exporter) Close() { e.coll.sub.Close() }

// Serve runs the exporter and serves Handler on ln until ctx ends; it closes
// ln.
func (e *Exporter) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(e.log.Handler(), slog.LevelWarn)}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Run(ctx)
	}()
	go func() {
		<-ctx.Done()
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		srv.Shutdown(sctx)
	}()
	err := srv.Serve(ln)
	cancel()
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("prometheus exporter on %s: %w", ln.Addr(), err)
}

// errorLog hands promhttp's error messages to slog.
type errorLog struct{ log *slog.Logger }

func (l errorLog) Println(v ...any) { l.log.Warn("prometheus exporter: " + fmt.Sprint(v...)) }
