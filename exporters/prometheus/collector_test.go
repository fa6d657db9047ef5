package prometheus

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	prom "github.com/prometheus/client_golang/prometheus"
)

// The served values are the engine's, converted to base units.
func TestScrapeServesSnapshotValues(t *testing.T) {
	eng := newFakeEngine(t)
	start := time.Date(2024, 3, 9, 14, 5, 7, 0, time.Local)
	eng.reg.Kernel.SetText(catalog.StatStartTime, start.Format(time.ANSIC))
	eng.reg.Kernel.Counter(catalog.StatRepOpsGenerated).Store(77)
	eng.reg.Kernel.Counter(catalog.StatCRCReadTime).Store(250_000)
	eng.reg.Security.Counter(catalog.StatFailedLogins).Store(3)
	eng.reg.Source.Counter(catalog.StatAutoDisConnects).Store(2)
	eng.reg.Target("10.0.0.1").Counter(catalog.StatRetries).Store(5)
	c := eng.addConnection(7, "web")
	c.Counter(catalog.StatConBytesTx).Store(1234)
	c.Counter(catalog.StatConMirrorPercent).Store(455)
	c.Counter(catalog.StatConBandwidthLimit).Store(8)
	c.SetText(catalog.StatConnectTime, start.Add(time.Minute).Format(time.ANSIC))
	eng.addConnection(8, "db") // never connected: no connect time

	mfs := gather(t, newTestExporter(t, eng, Options{}))
	conn := map[string]string{"connection_id": "7", "dtrep_job": "web", "replication_set": "web-set",
		"target": "10.0.0.2:1100"}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"dtrep_kernel_start_time_seconds", nil, float64(start.Unix())},
		{"dtrep_kernel_replication_generated_ops_total", nil, 77},
		{"dtrep_kernel_crc_read_time_seconds", nil, 0.25},
		{"dtrep_security_failed_logins_total", nil, 3},
		{"dtrep_source_auto_disconnects_total", nil, 2},
		{"dtrep_target_retries_total", map[string]string{"peer": "10.0.0.1"}, 5},
		{"dtrep_connection_sent_bytes_total", conn, 1234},
		{"dtrep_connection_mirror_complete_ratio", conn, 0.455},
		{"dtrep_connection_bandwidth_limit_bytes_per_second", conn, 1000},
		{"dtrep_connection_connect_time_seconds", conn, float64(start.Add(time.Minute).Unix())},
		{"dtrep_connection_sent_bytes_total", map[string]string{"connection_id": "8", "dtrep_job": "db"}, 0},
	}
	for _, c := range checks {
		if got := mustSample(t, mfs, c.name, c.labels); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if _, ok := sample(mfs, "dtrep_connection_connect_time_seconds", map[string]string{"connection_id": "8"}); ok {
		t.Error("a connection that never connected has a connect time")
	}
}

// A connection that goes away takes its series with it.
func TestRemovedConnectionDisappears(t *testing.T) {
	eng := newFakeEngine(t)
	eng.addConnection(1, "a")
	e := newTestExporter(t, eng, Options{})
	if _, ok := sample(gather(t, e), "dtrep_connection_sent_bytes_total", map[string]string{"connection_id": "1"}); !ok {
		t.Fatal("connection 1 not served")
	}
	eng.reg.RemoveConnection(1)
	if _, ok := sample(gather(t, e), "dtrep_connection_sent_bytes_total", map[string]string{"connection_id": "1"}); ok {
		t.Fatal("removed connection still served")
	}
}

// The families built straight from the snapshots pass client_golang's
// checks of every series (valid names and labels, one type per family, no
// series twice), as const metrics through a registry would.
func TestSeriesPassClientGolangChecks(t *testing.T) {
	eng := newFakeEngine(t)
	eng.addConnection(1, "a").Counter(catalog.StatConState).Store(12)
	eng.addConnection(2, "b").Counter(catalog.StatConState).Store(1)
	eng.reg.Target("10.0.0.1")
	eng.statuses = fullStatus()
	e := newTestExporter(t, eng, Options{})
	if _, err := (prom.Gatherers{e.Gatherer()}).Gather(); err != nil {
		t.Fatal(err)
	}
}

// A collector of another exporter that uses one of our names is reported,
// and ours is served.
func TestClashingFamilyIsReported(t *testing.T) {
	eng := newFakeEngine(t)
	clash := prom.NewCounter(prom.CounterOpts{Name: "dtrep_events_published_total", Help: "clash"})
	e := newTestExporter(t, eng, Options{Extra: []prom.Collector{clash}})
	mfs, err := e.Gatherer().Gather()
	if err == nil || !strings.Contains(err.Error(), "dtrep_events_published_total") {
		t.Fatalf("clash not reported: %v", err)
	}
	n := 0
	for _, mf := range mfs {
		if mf.GetName() == "dtrep_events_published_total" {
			n++
			if mf.GetHelp() == "clash" {
				t.Error("the other collector's family was served")
			}
		}
	}
	if n != 1 {
		t.Errorf("family served %d times", n)
	}
}

// Families lists exactly the dtrep_ families a scrape serves.
func TestFamiliesMatchScrape(t *testing.T) {
	eng := newFakeEngine(t)
	eng.addConnection(1, "a").SetText(catalog.StatConnectTime, time.Now().Format(time.ANSIC))
	eng.reg.Target("10.0.0.1")
	eng.reg.Kernel.SetText(catalog.StatStartTime, time.Now().Format(time.ANSIC))
	eng.statuses = fullStatus()
	e := newTestExporter(t, eng, Options{})
	mfs := gather(t, e)
	fams, err := Families(eng.cat)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range fams {
		listed[f.Name] = true
		mf, ok := mfs[f.Name]
		if !ok {
			t.Errorf("%s listed but not served", f.Name)
			continue
		}
		if got := strings.ToLower(mf.GetType().String()); got != f.Type {
			t.Errorf("%s: served as %s, listed as %s", f.Name, got, f.Type)
		}
	}
	for name := range mfs {
		if strings.HasPrefix(name, "dtrep_") && !listed[name] {
			t.Errorf("%s served but not listed", name)
		}
	}
	for _, want := range []string{"go_goroutines", "process_cpu_seconds_total", "promhttp_metric_handler_requests_total"} {
		if _, ok := mfs[want]; !ok && want != "promhttp_metric_handler_requests_total" {
			t.Errorf("%s not served", want)
		}
	}
	if !strings.Contains(scrape(t, e), "promhttp_metric_handler_requests_total") {
		t.Error("handler does not report its own requests")
	}
}

func TestBuildInfo(t *testing.T) {
	mfs := gather(t, newTestExporter(t, newFakeEngine(t), Options{}))
	if v := mustSample(t, mfs, "dtrep_build_info", nil); v != 1 {
		t.Errorf("dtrep_build_info = %v", v)
	}
}

// promtool's linter accepts the whole exposition, Go and process metrics
// included.
func TestPromtoolCheckMetrics(t *testing.T) {
	eng := newFakeEngine(t)
	eng.addConnection(1, "a").SetText(catalog.StatConnectTime, time.Now().Format(time.ANSIC))
	eng.reg.Target("10.0.0.1")
	eng.reg.Kernel.SetText(catalog.StatStartTime, time.Now().Format(time.ANSIC))
	eng.statuses = fullStatus()
	promtoolCheckMetrics(t, scrape(t, newTestExporter(t, eng, Options{})))
}
