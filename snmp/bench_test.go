//go:build linux

package snmp

import (
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// BenchmarkWalkThroughSnmpd walks the connection table with 1,000
// connections through a real snmpd and, in the same run, one of snmpd's
// own tables (hrSWRunTable, the process table), each reporting varbinds
// per second. The engine is a fake: a statistics registry holding 1,000
// connection blocks, served by the real sub-agent. snmpd asks a sub-agent
// one GetNext per varbind (it never forwards GetBulk), so the first figure
// is bound by that exchange, not by the sub-agent's table lookup
// (BenchmarkTableGetNext).
func BenchmarkWalkThroughSnmpd(b *testing.B) {
	n := startNetSNMP(b)
	eng := newFakeEngine()
	for id := 1; id <= 1000; id++ {
		c := eng.reg.AddConnection(id, nil)
		c.SetText(catalog.StatConPeerAddress, "10.0.0.1:1100")
		c.Counter(catalog.StatConBytesTx).Store(int64(id) << 20)
		c.Counter(catalog.StatConState).Store(1)
	}
	cfg := agentXConfig(b, n)
	cfg.TrapPath = PathNone
	a := runSubAgent(b, eng, cfg)
	waitFor(b, "AgentX session", 10*time.Second, func() bool { return a.Stats().Sessions > 0 })
	cols := len(a.layout.Columns())

	walk := func(b *testing.B, oid string, want int) {
		var total int
		start := time.Now()
		for i := 0; i < b.N; i++ {
			out, err := n.cmd("snmpbulkwalk", []string{"-On", "-Oq", "-Cr50"}, oid)
			if err != nil {
				b.Fatal(err)
			}
			lines := strings.Count(out, "\n")
			if want > 0 && lines != want {
				b.Fatalf("walked %d varbinds, want %d", lines, want)
			}
			total += lines
		}
		b.ReportMetric(float64(total)/time.Since(start).Seconds(), "varbinds/s")
		b.ReportMetric(float64(total)/float64(b.N), "varbinds/walk")
	}
	b.Run("dtconTable-1000", func(b *testing.B) { walk(b, "DT-MIB::dtconTable", 1000*cols) })
	b.Run("snmpd-hrSWRunTable", func(b *testing.B) { walk(b, "1.3.6.1.2.1.25.4.2", 0) })
}
