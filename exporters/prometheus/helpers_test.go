package prometheus

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
)

// fakeEngine is an exporters.Engine over real statistics and a real hub,
// without a server around them.
type fakeEngine struct {
	cat *catalog.Catalog
	reg *stats.Registry
	hub *events.Hub
	// statuses is what Status reports.
	statuses status.Snapshot
}

func newFakeEngine(t testing.TB) *fakeEngine {
	t.Helper()
	cat := catalog.Must()
	return &fakeEngine{cat: cat, reg: stats.NewRegistry(), hub: events.NewHub(cat)}
}

func (f *fakeEngine) Catalog() *catalog.Catalog { return f.cat }
func (f *fakeEngine) Snapshot() stats.Snapshot  { return f.reg.Snapshot() }
func (f *fakeEngine) Subscribe(size int, filter func(events.Event) bool) *events.Subscription {
	return f.hub.Subscribe(size, filter)
}
func (f *fakeEngine) ServerName() string        { return "fake" }
func (f *fakeEngine) Status() status.Snapshot   { return f.statuses }
func (f *fakeEngine) HubStats() events.HubStats { return f.hub.Stats() }

// addConnection adds a connection block labelled the way the server does.
func (f *fakeEngine) addConnection(id int, job string) *stats.Set[catalog.Connection] {
	return f.reg.AddConnection(id, map[string]string{"job": job, "replication_set": job + "-set",
		"target": "10.0.0.2:1100"})
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestExporter builds an exporter whose status hooks report what the
// test sets; it is closed at cleanup.
func newTestExporter(t testing.TB, eng *fakeEngine, opts Options) *Exporter {
	t.Helper()
	opts.Log = quietLog()
	e, err := New(eng, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// scrape fetches the exposition text through the HTTP handler.
func scrape(t testing.TB, e *Exporter) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, httptest.NewRequest("GET", MetricsPath, nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: HTTP %d: %s", rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}

// gather returns the families by name.
func gather(t testing.TB, e *Exporter) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := e.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// matching lists the series of family name whose labels include every
// pair of want.
func matching(mfs map[string]*dto.MetricFamily, name string, want map[string]string) []*dto.Metric {
	mf := mfs[name]
	if mf == nil {
		return nil
	}
	var out []*dto.Metric
next:
	for _, m := range mf.Metric {
		have := map[string]string{}
		for _, lp := range m.Label {
			have[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// sample finds the value of the first series of family name whose labels
// include every pair of want; ok is false when none matches.
func sample(mfs map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	for _, m := range matching(mfs, name, want) {
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func mustSample(t testing.TB, mfs map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	v, ok := sample(mfs, name, want)
	if !ok {
		t.Fatalf("no series %s%v", name, want)
	}
	return v
}

// tool finds a test peer binary: missing fails under CI and skips otherwise.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (scripts/deps installs it)", name)
		}
		t.Skipf("%s is not installed (scripts/deps installs it)", name)
	}
	return p
}

// promtoolCheckMetrics runs promtool's linter over exposition text; it
// must print nothing and exit 0.
func promtoolCheckMetrics(t testing.TB, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool(t, "promtool"), "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}
