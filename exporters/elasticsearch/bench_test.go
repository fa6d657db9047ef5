//go:build linux

package elasticsearch

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// BenchmarkDeliveryToVictoriaLogs reports the events per second the
// exporter delivers to a real VictoriaLogs, from Raise to the store's
// acknowledgement, and the CPU each event costs this process (raising,
// rendering, compressing, sending) and VictoriaLogs (ingesting). On a
// loaded machine the rate moves with the load; the CPU figures do not, and
// bound the rate: cores / (exporter + store) events per second.
func BenchmarkDeliveryToVictoriaLogs(b *testing.B) {
	vl := startVictoriaLogs(b)
	eng := newFakeEngine()
	cfg := vl.config()
	cfg.BufferSize = max(b.N, 100)
	exp, err := New(eng, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); exp.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })

	conn := events.Context{ConnID: 1, Job: "bench", RepSet: "bench-set", Peer: "10.0.0.2:6320"}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0, vl0 := time.Now(), processCPU(b), vl.cpuTime(b)
	for i := range b.N {
		eng.hub.Raise(catalog.EventDoubleTake4016, conn, "10.0.0.2", "10.0.0.2:6320", "bench-set", strconv.Itoa(i))
		// Stay within the hub's subscription buffer: the benchmark
		// measures delivery, not what a burst larger than it loses.
		if i%1024 == 1023 {
			for len(exp.sub.C()) > subscriptionSize/2 {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}
	for {
		c := exp.Counters()
		if c[CounterSent]+c[CounterFailed]+c[CounterDropped]+c[CounterEventsLost] >= int64(b.N) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	cpu, vlCPU := processCPU(b)-cpu0, vl.cpuTime(b)-vl0
	b.StopTimer()
	c := exp.Counters()
	if c[CounterSent] != int64(b.N) {
		b.Errorf("sent %d of %d: %v", c[CounterSent], b.N, c)
	}
	b.ReportMetric(float64(c[CounterSent])/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/event")
	b.ReportMetric(float64(vlCPU.Microseconds())/float64(b.N), "store-cpu-us/event")
}

// processCPU is the CPU time this process used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
