package prometheus

import (
	"fmt"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// conversion turns a stored counter value into the base unit its
// Prometheus name promises.
type conversion struct {
	scale float64
	// timestamp: the value is an info text in time.ANSIC, served as Unix
	// seconds.
	timestamp bool
}

// conversionFor maps a catalog unit to its conversion. Units that are not
// numbers (addresses, paths, free text) have no Prometheus form: a counter
// of such a unit with a Prometheus name is a catalog defect, reported by New.
func conversionFor(c catalog.Counter) (conversion, error) {
	if c.Kind == catalog.KindInfo {
		if c.Unit == "timestamp" {
			return conversion{scale: 1, timestamp: true}, nil
		}
		return conversion{}, fmt.Errorf("counter %s: info of unit %q has no numeric form", c.Name, c.Unit)
	}
	switch c.Unit {
	case "bytes", "ops", "count", "seconds", "state":
		return conversion{scale: 1}, nil
	case "kilobytes":
		return conversion{scale: 1 << 10}, nil
	case "megabytes":
		return conversion{scale: 1 << 20}, nil
	case "microseconds":
		return conversion{scale: 1e-6}, nil
	case "percent":
		// The engine stores percentages in tenths of a percent (stats
		// package); Prometheus wants a 0..1 ratio.
		return conversion{scale: 1e-3}, nil
	case "kbps":
		// The reference's Kbps are kilobits: 1 Kbps = 1000/8 bytes/s.
		return conversion{scale: 125}, nil
	}
	return conversion{}, fmt.Errorf("counter %s: unit %q has no Prometheus conversion", c.Name, c.Unit)
}

// value converts an instance's stored value; ok is false when there is
// nothing to serve (a time not set yet, or one that does not parse).
func (cv conversion) value(name string, values map[string]int64, texts map[string]string) (float64, bool) {
	if cv.timestamp {
		return parseTimestamp(texts[name])
	}
	v, ok := values[name]
	if !ok {
		return 0, false
	}
	return float64(v) * cv.scale, true
}

// parseTimestamp reads an info time the engine wrote with time.ANSIC in its
// local zone (the layout carries none). An empty text means "not yet" (a
// connection that never connected) and is not served: a zero timestamp
// would read as 1970 on every dashboard.
func parseTimestamp(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	t, err := time.ParseInLocation(time.ANSIC, s, time.Local)
	if err != nil {
		return 0, false
	}
	return float64(t.Unix()), true
}
