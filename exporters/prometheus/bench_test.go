package prometheus

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/status"
)

// BenchmarkScrape serves /metrics for a server with 1,000 and 10,000
// connections (each with its status words) and 10 source peers, reporting
// the response size and the number of samples alongside the time and the
// allocations per scrape (target: 50 ms at 1,000 connections).
func BenchmarkScrape(b *testing.B) {
	for _, conns := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("connections=%d", conns), func(b *testing.B) { benchScrape(b, conns) })
	}
}

func benchScrape(b *testing.B, conns int) {
	eng := newFakeEngine(b)
	statuses := make([]status.Connection, 0, conns)
	for i := 1; i <= conns; i++ {
		s := eng.addConnection(i, "job"+strconv.Itoa(i))
		s.Counter(catalog.StatConBytesTx).Store(int64(i) << 20)
		s.Counter(catalog.StatConState).Store(1)
		statuses = append(statuses, status.Connection{ConnectionID: i, TransmitMode: "Active",
			MirrorStatus: "Idle", ReplicationStatus: "Replicating", TargetDataState: "OK"})
	}
	var entries []status.TargetEntry
	for i := range 10 {
		peer := "10.0.0." + strconv.Itoa(i+1)
		eng.reg.Target(peer)
		entries = append(entries, status.TargetEntry{Peer: peer, SourceName: "src" + strconv.Itoa(i),
			ReplicationSet: "set", ConnectionID: 1, TargetDataState: "OK", TargetStatus: "OK"})
	}
	eng.statuses = status.Snapshot{Connections: statuses, Targets: entries}
	e := newTestExporter(b, eng, Options{})
	h := e.Handler()
	var size, samples, n int
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		n++
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, scrapeRequest())
		if rec.Code != 200 {
			b.Fatalf("HTTP %d", rec.Code)
		}
		size = rec.Body.Len()
	}
	b.StopTimer()
	// CPU time per scrape (the process's, GC included) moves less than
	// wall time on a machine other work shares.
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/scrape")
	mfs, err := e.Gatherer().Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		samples += len(mf.Metric)
	}
	b.ReportMetric(float64(size), "bytes/scrape")
	b.ReportMetric(float64(samples), "samples/scrape")
}

// scrapeRequest asks for /metrics as Prometheus 2.42 (the one tests run)
// does: its default Accept header, compressed.
func scrapeRequest() *http.Request {
	r := httptest.NewRequest("GET", MetricsPath, nil)
	r.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,"+
		"application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
	r.Header.Set("Accept-Encoding", "gzip")
	return r
}
