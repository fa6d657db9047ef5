package perfmon

import (
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// Sample is what one instance of a counter set shows at one moment.
type Sample struct {
	// Instance is the instance name; empty for single-instance sets.
	Instance string
	// Values are the counters' values, in the set's counter order.
	Values []uint64
}

// Samples reads a statistics snapshot into the instances of set: the one
// block of a single-instance set, or one instance per connection
// (Connection) or per source peer (Target).
func Samples(set CounterSet, snap stats.Snapshot) []Sample {
	var blocks []stats.Instance
	switch set.Scope {
	case catalog.ScopeKernel:
		blocks = []stats.Instance{snap.Kernel}
	case catalog.ScopeSecurity:
		blocks = []stats.Instance{snap.Security}
	case catalog.ScopeSource:
		blocks = []stats.Instance{snap.Source}
	case catalog.ScopeTarget:
		blocks = snap.Targets
	case catalog.ScopeConnection:
		blocks = snap.Connections
	}
	out := make([]Sample, 0, len(blocks))
	for _, b := range blocks {
		s := Sample{Values: make([]uint64, len(set.Counters))}
		if set.Multiple {
			s.Instance = InstanceName(b)
		}
		for i, c := range set.Counters {
			s.Values[i] = c.Value(b.Values[c.Stat])
		}
		out = append(out, s)
	}
	return out
}

// InstanceName names a block's instance as a user recognises it: a
// connection as "job -> target [connection ID]" (the ID keeps two
// connections of one job to one target apart), a target block by the
// source's address, as the reference's "one Double-Take Target section per
// IP address".
func InstanceName(b stats.Instance) string {
	switch b.Scope {
	case catalog.ScopeConnection:
		return instanceSafe(b.Labels["job"] + " -> " + b.Labels["target"] + " [" + b.Key + "]")
	case catalog.ScopeTarget:
		return instanceSafe(b.Key)
	}
	return ""
}

// instanceSafe replaces the characters counter paths reserve
// ("\Object(Instance#n)\Counter", "Parent/Instance") the way Windows names
// its own instances: parentheses become brackets, the others '_'.
var instanceSafe = strings.NewReplacer("(", "[", ")", "]", "#", "_", "/", "_", `\`, "_").Replace
