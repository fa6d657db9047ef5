package perfmon

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// CounterType is a PERF_* counter type (winperf.h): it tells Performance
// Monitor how to turn the values it samples into what it shows.
type CounterType uint32

const (
	// LargeRawcount (PERF_COUNTER_LARGE_RAWCOUNT) shows the value as it is:
	// gauges, and totals the reference counts "since the service was
	// restarted".
	LargeRawcount CounterType = 0x00010100
	// LargeDelta (PERF_COUNTER_LARGE_DELTA) shows the change between two
	// samples: the reference's "since the last Performance Monitor refresh".
	LargeDelta CounterType = 0x00400500
)

// ManifestName is the type's spelling in a counters manifest.
func (t CounterType) ManifestName() string {
	switch t {
	case LargeRawcount:
		return "perf_counter_large_rawcount"
	case LargeDelta:
		return "perf_counter_large_delta"
	}
	return fmt.Sprintf("0x%08x", uint32(t))
}

// ValueSize is the size in bytes of a value of this type in a counter set
// instance: both types are 64-bit (PERF_SIZE_LARGE).
func (t CounterType) ValueSize() uint32 { return 8 }

// Counter is one Performance Monitor counter of a CounterSet.
type Counter struct {
	// ID is the counter's ID in its set: 1..n in the reference's order.
	ID uint32
	// Name and Help are chapter 7's counter name and explanation.
	Name string
	Help string
	Type CounterType
	// Stat is the catalog counter whose snapshot value feeds this one.
	Stat string
	// Unit is what the shown value counts (the catalog's units; kilobytes
	// where the reference's name says Kbytes).
	Unit string
	// divisor turns the stored value into Unit: 1024 for Kbytes from
	// bytes, 10 for percent from the engine's tenths of a percent.
	divisor int64
}

// Value converts a statistics snapshot value into what the counter shows.
// The engine never stores negative values; one would read as 0 rather
// than as a huge unsigned number.
func (c Counter) Value(stored int64) uint64 {
	if stored < 0 {
		return 0
	}
	return uint64(stored / c.divisor)
}

// CounterSet is one Performance Monitor object ("Double-Take Connection").
type CounterSet struct {
	Name string
	Help string
	// Symbol names the set in the manifest and in generated identifiers.
	Symbol string
	Scope  catalog.Scope
	GUID   GUID
	// Multiple is true for the sets with one instance per connection
	// (Connection) or per source peer (Target); the others have a single
	// instance.
	Multiple bool
	Counters []Counter
}

// ProviderName and ProviderGUID identify dtrep's PerfLib V2 provider.
const ProviderName = "dtrep"

var ProviderGUID = nameGUID("dtrep Performance Monitor provider")

// setHelp is the help text of each object. The reference explains its
// counters, not its objects; these say what an instance stands for.
var setHelp = map[catalog.Scope]string{
	catalog.ScopeConnection: "Double-Take connection statistics: one instance per connection of this source, " +
		"named after its job and target.",
	catalog.ScopeKernel: "Double-Take kernel statistics: the operations the source generates, " +
		"failed reads, the queue's memory and the target's CRC work.",
	catalog.ScopeSecurity: "Double-Take security statistics: logins to this server.",
	catalog.ScopeSource:   "Double-Take source statistics: automatic disconnects and reconnects.",
	catalog.ScopeTarget: "Double-Take target statistics: one instance per source sending to this target, " +
		"named after the source's address.",
}

// CounterSets returns the Performance Monitor objects and their counters,
// computed from the catalog: chapter 7's names and explanations, the
// counter types and units, and stable IDs and GUIDs. Everything that names
// dtrep's counters on Windows (the provider, its manifest and string
// resources, SCOM performance rules) should take them from here. Sets are
// in the reference's order (alphabetical), counters too.
func CounterSets(cat *catalog.Catalog) ([]CounterSet, error) {
	byObject := map[string]*CounterSet{}
	for _, c := range cat.Counters {
		if c.PerfObject == "" {
			continue
		}
		s, ok := byObject[c.PerfObject]
		if !ok {
			help, known := setHelp[c.Scope]
			if !known {
				return nil, fmt.Errorf("perfmon: object %s: scope %q has no Performance Monitor object", c.PerfObject, c.Scope)
			}
			s = &CounterSet{Name: c.PerfObject, Help: help, Symbol: symbol(c.PerfObject), Scope: c.Scope,
				GUID: nameGUID(c.PerfObject), Multiple: c.Scope == catalog.ScopeConnection || c.Scope == catalog.ScopeTarget}
			byObject[c.PerfObject] = s
		} else if s.Scope != c.Scope {
			return nil, fmt.Errorf("perfmon: object %s holds counters of scopes %s and %s", c.PerfObject, s.Scope, c.Scope)
		}
		pc, err := counterOf(c)
		if err != nil {
			return nil, err
		}
		s.Counters = append(s.Counters, pc)
	}
	sets := make([]CounterSet, 0, len(byObject))
	for _, s := range byObject {
		sort.Slice(s.Counters, func(i, j int) bool {
			return strings.ToLower(s.Counters[i].Name) < strings.ToLower(s.Counters[j].Name)
		})
		for i := range s.Counters {
			s.Counters[i].ID = uint32(i + 1)
		}
		sets = append(sets, *s)
	}
	sort.Slice(sets, func(i, j int) bool { return sets[i].Name < sets[j].Name })
	return sets, nil
}

// counterOf derives a counter's type and unit from its catalog entry.
func counterOf(c catalog.Counter) (Counter, error) {
	pc := Counter{Name: c.PerfCounter, Help: c.PerfHelp, Type: LargeRawcount, Stat: c.Name, Unit: c.Unit, divisor: 1}
	if c.Kind == catalog.KindInfo {
		return Counter{}, fmt.Errorf("perfmon: %s / %s: %s is text, not a number", c.PerfObject, c.PerfCounter, c.Name)
	}
	if strings.Contains(c.PerfHelp, "since the last Performance Monitor refresh") {
		if c.Kind != catalog.KindCounter {
			return Counter{}, fmt.Errorf("perfmon: %s / %s: a change since the last refresh needs a growing counter, %s is a %s",
				c.PerfObject, c.PerfCounter, c.Name, c.Kind)
		}
		pc.Type = LargeDelta
	}
	switch {
	case c.Unit == "percent":
		pc.divisor = 10 // stored in tenths of a percent
	case strings.Contains(c.PerfCounter, "Kbytes"):
		if c.Unit != "bytes" {
			return Counter{}, fmt.Errorf("perfmon: %s / %s: Kbytes from unit %q", c.PerfObject, c.PerfCounter, c.Unit)
		}
		pc.divisor, pc.Unit = 1<<10, "kilobytes"
	}
	return pc, nil
}

// symbol turns a name into an identifier: "Double-Take Connection" ->
// "DoubleTakeConnection", "Bytes in disk queue" -> "BytesInDiskQueue".
func symbol(name string) string {
	var b strings.Builder
	wordStart := true
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			wordStart = true
			continue
		}
		if wordStart && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
		wordStart = false
	}
	return b.String()
}
