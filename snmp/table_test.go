package snmp

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/mib"
	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

func testLayout(t testing.TB) *mib.Layout {
	t.Helper()
	l, err := mib.Build(catalog.Must(), defaultBase(t))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// instance returns the OID of an object's instance.
func instance(t testing.TB, l *mib.Layout, name string, idx uint32) value.OID {
	t.Helper()
	o, ok := l.Object(name)
	if !ok {
		t.Fatalf("no object %s", name)
	}
	return value.OID(o.OID.Append(idx))
}

func get(t *testing.T, h *handler, oid value.OID) (pdu.VariableType, any) {
	t.Helper()
	got, typ, v, err := h.Get(context.Background(), oid)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil {
		return pdu.VariableTypeNoSuchObject, nil
	}
	return typ, v
}

// The served values follow the reference's 32-bit types: counters wrap,
// gauges stick, and the derived objects compute from their counter.
func TestTableValues(t *testing.T) {
	l := testLayout(t)
	reg := stats.NewRegistry()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)
	reg.Kernel.SetText(catalog.StatStartTime, now.Add(-90*time.Second).Format(time.ANSIC))
	reg.Kernel.Counter(catalog.StatRepBytesGenerated).Store(1<<32 + 5)
	reg.Kernel.Counter(catalog.StatCurrentMemoryUsage).Store(3<<20 + 1)
	reg.Kernel.Counter(catalog.StatDriverQueuePercent).Store(455) // tenths
	reg.Kernel.Counter(catalog.StatSourceState).Store(2)
	reg.Target("10.0.0.1").Counter(catalog.StatRetries).Store(3)
	reg.Target("10.0.0.2").Counter(catalog.StatRetries).Store(4)
	c := reg.AddConnection(7, nil)
	c.SetText(catalog.StatConPeerAddress, "10.0.0.9:1100")
	c.SetText(catalog.StatConnectTime, now.Add(-10*time.Second).Format(time.ANSIC))
	c.Counter(catalog.StatConBytesTx).Store(1<<33 + 9)
	c.Counter(catalog.StatConBytesInRepQueue).Store(1 << 40)
	c.Counter(catalog.StatConState).Store(12)

	h := &handler{}
	h.cur.Store(buildTable(l, reg.Snapshot(), now))
	for _, tc := range []struct {
		oid  value.OID
		typ  pdu.VariableType
		want any
	}{
		{instance(t, l, "dtUpTime", 0), pdu.VariableTypeGauge32, uint32(90)},
		{instance(t, l, "dtRepBytesGenerated", 0), pdu.VariableTypeCounter32, uint32(5)},
		{instance(t, l, "dtRepBytesGenerated64", 0), pdu.VariableTypeCounter64, uint64(1<<32 + 5)},
		{instance(t, l, "dtCurrentMemoryUsage", 0), pdu.VariableTypeGauge32, uint32(3<<20 + 1)},
		{instance(t, l, "dtCurrentMemoryUsageMB", 0), pdu.VariableTypeGauge32, uint32(3)},
		{instance(t, l, "dtDriverQueuePercent", 0), pdu.VariableTypeGauge32, uint32(45)},
		{instance(t, l, "dtSourceState", 0), pdu.VariableTypeInteger, int32(2)},
		{instance(t, l, "dtRetryCount", 0), pdu.VariableTypeCounter32, uint32(7)},
		{instance(t, l, "dtconIpAddress", 7), pdu.VariableTypeOctetString, "10.0.0.9"},
		{instance(t, l, "dtconConnectTime", 7), pdu.VariableTypeGauge32, uint32(10)},
		{instance(t, l, "dtconBytesTx", 7), pdu.VariableTypeCounter32, uint32(9)},
		{instance(t, l, "dtconBytesTx64", 7), pdu.VariableTypeCounter64, uint64(1<<33 + 9)},
		{instance(t, l, "dtconBytesInRepQueue", 7), pdu.VariableTypeGauge32, uint32(math.MaxUint32)},
		{instance(t, l, "dtconState", 7), pdu.VariableTypeInteger, int32(12)},
	} {
		typ, v := get(t, h, tc.oid)
		if typ != tc.typ || v != tc.want {
			t.Errorf("%s: %s %v, want %s %v", tc.oid, typ, v, tc.typ, tc.want)
		}
	}
	// A missing row is noSuchInstance; an OID outside every object is
	// noSuchObject.
	if typ, _ := get(t, h, instance(t, l, "dtconBytesTx", 8)); typ != pdu.VariableTypeNoSuchInstance {
		t.Errorf("missing row: %s", typ)
	}
	scalar := instance(t, l, "dtLoginCount", 0)
	if typ, _ := get(t, h, scalar[:len(scalar)-1]); typ != pdu.VariableTypeNoSuchInstance {
		t.Errorf("object without its instance: %s", typ)
	}
	if typ, _ := get(t, h, value.OID{1, 3, 6, 1, 4, 1, 32473, 9, 9}); typ != pdu.VariableTypeNoSuchObject {
		t.Errorf("outside the module: %s", typ)
	}
}

// GetNext walks every instance once, in strictly increasing OID order,
// stops at the range's end, and sees rows come and go with connections.
func TestTableWalk(t *testing.T) {
	l := testLayout(t)
	reg := stats.NewRegistry()
	for _, id := range []int{3, 1, 20} {
		reg.AddConnection(id, nil)
	}
	h := &handler{}
	h.cur.Store(buildTable(l, reg.Snapshot(), time.Now()))
	walk := func(from, to value.OID) []value.OID {
		var out []value.OID
		for {
			oid, _, _, _ := h.GetNext(context.Background(), from, false, to)
			if oid == nil {
				return out
			}
			if len(out) > 0 && value.CompareOIDs(out[len(out)-1], oid) >= 0 {
				t.Fatalf("walk not increasing: %s then %s", out[len(out)-1], oid)
			}
			out, from = append(out, oid), oid
		}
	}
	all := walk(value.OID(l.Base), nil)
	if want := len(l.Scalars()) + 3*len(l.Columns()); len(all) != want {
		t.Fatalf("walked %d instances, want %d", len(all), want)
	}
	col := instance(t, l, "dtconState", 0)
	col = col[:len(col)-1]
	next := append(col[:len(col)-1:len(col)-1], col[len(col)-1]+1)
	rows := walk(col, next)
	if len(rows) != 3 || rows[0][len(rows[0])-1] != 1 || rows[2][len(rows[2])-1] != 20 {
		t.Fatalf("dtconState rows %v", rows)
	}
	// include: the start itself is answered.
	if oid, _, _, _ := h.GetNext(context.Background(), rows[1], true, nil); value.CompareOIDs(oid, rows[1]) != 0 {
		t.Errorf("inclusive GetNext of %s gave %s", rows[1], oid)
	}
	reg.RemoveConnection(3)
	h.cur.Store(buildTable(l, reg.Snapshot(), time.Now()))
	if rows := walk(col, next); len(rows) != 2 {
		t.Errorf("after the connection went: %v", rows)
	}
}

func TestDisplayStringCut(t *testing.T) {
	s := strings.Repeat("é", 200) // 400 bytes
	got := displayString(s)
	if len(got) > 255 || !strings.HasPrefix(s, got) || len(got) != 254 {
		t.Errorf("cut to %d bytes", len(got))
	}
	if elapsed("not a time", time.Now()) != 0 || elapsed("", time.Now()) != 0 {
		t.Error("elapsed of no time is not 0")
	}
}

// Answers come from the precomputed table: the benchmark shows what one
// GetNext of the connection table costs the sub-agent itself.
func BenchmarkTableGetNext(b *testing.B) {
	l := testLayout(b)
	reg := stats.NewRegistry()
	for id := 1; id <= 1000; id++ {
		reg.AddConnection(id, nil)
	}
	h := &handler{}
	h.cur.Store(buildTable(l, reg.Snapshot(), time.Now()))
	from := value.OID(l.Base)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		oid, _, _, _ := h.GetNext(context.Background(), from, false, nil)
		if oid == nil {
			oid = value.OID(l.Base)
		}
		from = oid
	}
}
