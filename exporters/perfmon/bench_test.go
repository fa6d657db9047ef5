package perfmon

import (
	"strconv"
	"testing"

	"github.com/dtrep/dtrep/engine/stats"
)

// BenchmarkSamples measures what an update interval costs on top of the
// statistics snapshot it reads (the baseline every exporter pays), with
// 1,000 connections: the values of all five sets.
func BenchmarkSamples(b *testing.B) {
	sets := testSets(b)
	reg := stats.NewRegistry()
	for i := 1; i <= 1000; i++ {
		reg.AddConnection(i, map[string]string{"job": "job" + strconv.Itoa(i), "target": "10.0.0.9:6320"})
	}
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			reg.Snapshot()
		}
	})
	b.Run("snapshot+samples", func(b *testing.B) {
		for b.Loop() {
			snap := reg.Snapshot()
			for _, s := range sets {
				Samples(s, snap)
			}
		}
	})
}
