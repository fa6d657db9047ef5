package prometheus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/exporters"
)

// MetricsPath is where the exporter serves.
const MetricsPath = "/metrics"

// Options tune an Exporter; the zero value suits a server.
type Options struct {
	Log *slog.Logger
	// EventBuffer is the event subscription's buffer (default 1024).
	EventBuffer int
	// Extra collectors are served beside the dtrep collector: other
	// exporters' own counters (the event log writers').
	Extra []prom.Collector
}

// scrapeTimeout bounds the reading of a request and the writing of its
// response.
const scrapeTimeout = 30 * time.Second

// Exporter serves one engine's metrics.
type Exporter struct {
	coll *collector
	reg  *prom.Registry // the Go and process collectors and Options.Extra
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
	c := &collector{eng: eng, d: d, events: newEventCounter(eng.Catalog())}
	c.version, c.revision = buildLabels()

	reg := prom.NewRegistry()
	cols := append([]prom.Collector{collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})}, opts.Extra...)
	for _, col := range cols {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("prometheus exporter: %w", err)
		}
	}
	c.sub = eng.Subscribe(opts.EventBuffer, nil)
	return &Exporter{coll: c, reg: reg, log: opts.Log}, nil
}

// Gatherer gathers everything Handler serves.
func (e *Exporter) Gatherer() prom.Gatherer { return gatherer{e} }

// gatherer merges the dtrep_ families, built straight from the engine's
// snapshots, with the registry's (Go runtime, process, other exporters'
// counters).
type gatherer struct{ e *Exporter }

func (g gatherer) Gather() ([]*dto.MetricFamily, error) {
	others, err := g.e.reg.Gather()
	ours := g.e.coll.gather()
	out := make([]*dto.MetricFamily, 0, len(others)+len(ours))
	i, j := 0, 0
	for i < len(others) || j < len(ours) {
		switch {
		case j == len(ours) || (i < len(others) && others[i].GetName() < ours[j].GetName()):
			out = append(out, others[i])
			i++
		case i == len(others) || ours[j].GetName() < others[i].GetName():
			out = append(out, ours[j])
			j++
		default:
			// Another exporter's collector used a dtrep_ name of ours:
			// ours are served, the error names the clash.
			err = errors.Join(err, fmt.Errorf("metric family %s is collected twice", ours[j].GetName()))
			out = append(out, ours[j])
			i++
			j++
		}
	}
	return out, err
}

// Handler serves MetricsPath (and a small index page on /).
func (e *Exporter) Handler() http.Handler {
	metrics := promhttp.InstrumentMetricHandler(e.reg, promhttp.HandlerFor(e.Gatherer(), promhttp.HandlerOpts{
		ErrorLog:      errorLog{e.log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      e.reg,
		// Two scrapers at a time are plenty; more would only queue
		// snapshots of the same moment.
		MaxRequestsInFlight: 2,
		// Compressed by gzipped below, at a faster level.
		DisableCompression: true,
		// No Timeout: promhttp's is http.TimeoutHandler, which holds the
		// whole response in memory before writing it (a third of a
		// large scrape's time went to growing that buffer). Serve bounds
		// a response's writing with the server's WriteTimeout instead.
	}))
	mux := http.NewServeMux()
	mux.Handle(MetricsPath, gzipped(metrics))
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
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: scrapeTimeout,
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

// gzipped compresses responses for clients that accept gzip (Prometheus
// does), at the fastest level: promhttp's own gzip runs at the default
// level, where deflate took a quarter of a scrape of 1,000 connections;
// the fastest level still shrinks the exposition about tenfold.
func gzipped(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil { // only for invalid options
		panic(err)
	}
	return wrap(h)
}

// errorLog hands promhttp's error messages to slog.
type errorLog struct{ log *slog.Logger }

func (l errorLog) Println(v ...any) { l.log.Warn("prometheus exporter: " + fmt.Sprint(v...)) }
