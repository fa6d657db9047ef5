package prometheus

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
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
	statuses := make([]ConnectionStatus, 0, conns)
	for i := 1; i <= conns; i++ {
		s := eng.addConnection(i, "job"+strconv.Itoa(i))
		s.Counter(catalog.StatConBytesTx).Store(int64(i) << 20)
		s.Counter(catalog.StatConState).Store(1)
		statuses = append(statuses, ConnectionStatus{ConnectionID: i, TransmitMode: "Active",
			MirrorStatus: "Idle", ReplicationStatus: "Replicating", TargetDataState: "OK"})
	}
	var entries []TargetEntry
	for i := range 10 {
		peer := "10.0.0." + strconv.Itoa(i+1)
		eng.reg.Target(peer)
		entries = append(entries, TargetEntry{Peer: peer, SourceName: "src" + strconv.Itoa(i),
			ReplicationSet: "set", ConnectionID: 1, TargetDataState: "OK", TargetStatus: "OK"})
	}
	e := newTestExporter(b, eng, Options{
		ConnectionStatuses: func(context.Context) ([]ConnectionStatus, error) { return statuses, nil },
		TargetEntries:      func(context.Context) ([]TargetEntry, error) { return entries, nil },
	})
	h := e.Handler()
	var size, samples int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", MetricsPath, nil))
		if rec.Code != 200 {
			b.Fatalf("HTTP %d", rec.Code)
		}
		size = rec.Body.Len()
	}
	b.StopTimer()
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
