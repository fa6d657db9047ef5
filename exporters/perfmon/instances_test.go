package perfmon

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

func TestSamplesFromSnapshot(t *testing.T) {
	sets := testSets(t)
	reg := stats.NewRegistry()
	reg.Kernel.Counter(catalog.StatRepBytesGenerated).Store(5 << 10)
	reg.Target("10.0.0.7").Counter(catalog.StatRetries).Store(3)
	c := reg.AddConnection(4, map[string]string{"job": "web (prod)", "target": "10.0.0.9:6320"})
	c.Counter(catalog.StatConBytesTx).Store(777)
	snap := reg.Snapshot()

	byName := map[string]CounterSet{}
	for _, s := range sets {
		byName[s.Name] = s
	}
	value := func(set, inst, counter string) uint64 {
		t.Helper()
		s := byName[set]
		for _, smp := range Samples(s, snap) {
			if smp.Instance != inst {
				continue
			}
			for i, c := range s.Counters {
				if c.Name == counter {
					return smp.Values[i]
				}
			}
		}
		t.Fatalf("%s(%s)\\%s not sampled", set, inst, counter)
		return 0
	}
	if v := value("Double-Take Kernel", "", "Replication Kbytes generated"); v != 5 {
		t.Errorf("Replication Kbytes generated = %d, want 5", v)
	}
	if v := value("Double-Take Target", "10.0.0.7", "Retries"); v != 3 {
		t.Errorf("Target Retries = %d, want 3", v)
	}
	if v := value("Double-Take Connection", "web [prod] -> 10.0.0.9:6320 [4]", "Bytes transferred"); v != 777 {
		t.Errorf("Connection Bytes transferred = %d, want 777", v)
	}
	reg.RemoveConnection(4)
	if n := len(Samples(byName["Double-Take Connection"], reg.Snapshot())); n != 0 {
		t.Errorf("%d connection instances after the connection went away", n)
	}
	if n := len(Samples(byName["Double-Take Security"], snap)); n != 1 {
		t.Errorf("%d security instances, want 1", n)
	}
}
