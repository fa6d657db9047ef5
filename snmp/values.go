package snmp

import (
	"math"
	"net"
	"strconv"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/mib"
	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

// buildTable turns a snapshot into the table the agent serves: the
// scalars (instance .0), then the connection table column by column, each
// column row by row in connection ID order, which is OID order.
func buildTable(l *mib.Layout, snap stats.Snapshot, now time.Time) *table {
	cols := l.Columns()
	t := &table{entries: make([]entry, 0, len(l.Objects)+len(cols)*len(snap.Connections))}
	for _, o := range l.Objects {
		t.objects = append(t.objects, value.OID(o.OID))
	}
	for _, o := range l.Scalars() {
		raw, text := scalarRaw(o, snap)
		typ, v := encodeValue(o, raw, text, now)
		t.entries = append(t.entries, entry{oid: value.OID(o.OID.Append(0)), typ: typ, val: v})
	}
	ids := make([]uint32, len(snap.Connections))
	for i, c := range snap.Connections {
		id, err := strconv.ParseUint(c.Key, 10, 31)
		if err != nil || id == 0 {
			continue // not a connection the table can index
		}
		ids[i] = uint32(id)
	}
	for _, o := range cols {
		for i, c := range snap.Connections {
			if ids[i] == 0 {
				continue
			}
			typ, v := encodeValue(o, c.Values[o.Counter], c.Texts[o.Counter], now)
			t.entries = append(t.entries, entry{oid: value.OID(o.OID.Append(ids[i])), typ: typ, val: v})
		}
	}
	return t
}

// scalarRaw reads a server-wide object's counter: target blocks (one per
// source peer) add up to the server's figure.
func scalarRaw(o mib.Object, snap stats.Snapshot) (int64, string) {
	switch o.Scope {
	case catalog.ScopeKernel:
		return snap.Kernel.Values[o.Counter], snap.Kernel.Texts[o.Counter]
	case catalog.ScopeSecurity:
		return snap.Security.Values[o.Counter], snap.Security.Texts[o.Counter]
	case catalog.ScopeSource:
		return snap.Source.Values[o.Counter], snap.Source.Texts[o.Counter]
	case catalog.ScopeTarget:
		var sum int64
		for _, t := range snap.Targets {
			sum += t.Values[o.Counter]
		}
		return sum, ""
	}
	return 0, ""
}

// encodeValue applies the object's derivation and SMI type to a counter.
func encodeValue(o mib.Object, raw int64, text string, now time.Time) (pdu.VariableType, any) {
	switch o.Derive {
	case mib.DeriveMB:
		raw /= 1 << 20
	case mib.DeriveTenths:
		raw /= 10
	case mib.DeriveElapsed:
		raw = elapsed(text, now)
	case mib.DeriveHost:
		return pdu.VariableTypeOctetString, displayString(hostOf(text))
	case mib.DeriveText:
		return pdu.VariableTypeOctetString, displayString(text)
	}
	switch o.Type {
	case mib.TypeInteger:
		return pdu.VariableTypeInteger, int32(clamp(raw, math.MinInt32, math.MaxInt32))
	case mib.TypeCounter32:
		return pdu.VariableTypeCounter32, uint32(uint64(raw)) // wraps, as Counter32 does
	case mib.TypeCounter64:
		return pdu.VariableTypeCounter64, uint64(max(raw, 0))
	case mib.TypeDisplayString:
		return pdu.VariableTypeOctetString, displayString(text)
	}
	// Gauge32 and Unsigned32 stick at their bounds.
	return pdu.VariableTypeGauge32, uint32(clamp(raw, 0, math.MaxUint32))
}

func clamp(v, lo, hi int64) int64 { return min(max(v, lo), hi) }

// elapsed is the whole seconds from a time.ANSIC text (the engine's local
// time) to now; 0 when the text holds no time (no connection yet).
func elapsed(text string, now time.Time) int64 {
	if text == "" {
		return 0
	}
	t, err := time.ParseInLocation(time.ANSIC, text, time.Local)
	if err != nil {
		return 0
	}
	return max(int64(now.Sub(t)/time.Second), 0)
}

// hostOf is the host of a HOST:PORT text, or the text itself.
func hostOf(s string) string {
	if h, _, err := net.SplitHostPort(s); err == nil {
		return h
	}
	return s
}

// displayString cuts s to DisplayString's 255 bytes, on a rune boundary.
func displayString(s string) string {
	if len(s) <= 255 {
		return s
	}
	cut := 255
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut]
}
