package catalog

import (
	"strconv"
	"strings"
)

// EventsByID returns every event listed under id, whatever its source, in
// the reference's order: the same number can be two different messages
// (4099 is a RepDrv warning and a RepKap error).
func (c *Catalog) EventsByID(id int) []Event {
	var out []Event
	for _, e := range c.Events {
		if e.ID == id {
			out = append(out, e)
		}
	}
	return out
}

// Render fills the message's insertion points: %1 with args[0], %2 with
// args[1] and so on. A point without an argument stays as written so a
// short argument list shows what is missing instead of hiding it. %n, a line
// break in Windows message templates, is kept as written too: one event is
// one line of a log.
func (e Event) Render(args ...string) string {
	msg := e.Message
	if !strings.Contains(msg, "%") {
		return msg
	}
	var b strings.Builder
	b.Grow(len(msg))
	for i := 0; i < len(msg); {
		j := i + 1
		if msg[i] != '%' {
			b.WriteByte(msg[i])
			i = j
			continue
		}
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(msg[i+1 : j])
		if err == nil && n >= 1 && n <= len(args) {
			b.WriteString(args[n-1])
		} else {
			b.WriteString(msg[i:j])
		}
		i = j
	}
	return b.String()
}

// Connection states (Connection, conState in DTStat; dtconState in SNMP).
// They are bits: the reference allows exactly one combination, Scheduled and
// Error together, which the statistics show as 12.
const (
	ConStateNone      = 0
	ConStateActive    = 1
	ConStatePaused    = 2
	ConStateScheduled = 4
	ConStateError     = 8
)

// conStateBits lists the non-zero states in the order the reference writes
// them, with their names.
var conStateBits = []struct {
	bit  int
	name string
}{
	{ConStateActive, "Active"},
	{ConStatePaused, "Paused"},
	{ConStateScheduled, "Scheduled"},
	{ConStateError, "Error"},
}

// ConStateNames spells a conState value out: 0 is ["None"], 12 is
// ["Scheduled", "Error"]. Bits the reference does not define are reported
// by value ("16") rather than dropped.
func ConStateNames(v int) []string {
	if v == ConStateNone {
		return []string{"None"}
	}
	var out []string
	rest := v
	for _, s := range conStateBits {
		if v&s.bit != 0 {
			out = append(out, s.name)
			rest &^= s.bit
		}
	}
	if rest != 0 {
		out = append(out, strconv.Itoa(rest))
	}
	return out
}

// ConStateValid reports whether v is a state the reference allows: one of
// the five values, or Scheduled and Error together.
func ConStateValid(v int) bool {
	switch v {
	case ConStateNone, ConStateActive, ConStatePaused, ConStateScheduled, ConStateError,
		ConStateScheduled | ConStateError:
		return true
	}
	return false
}
