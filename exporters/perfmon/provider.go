package perfmon

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/exporters"
)

// Interval is how often Run copies the statistics into the provider's
// instances. Performance Monitor samples once a second by default.
const Interval = time.Second

// ErrUnsupported is Run's error where PerfLib V2 does not exist.
var ErrUnsupported = errors.New("perfmon: Performance Monitor counters need Windows (amd64 or arm64)")

// publisher is the started provider Run drives.
type publisher interface {
	// Publish makes the provider's instances and values match snap.
	Publish(snap stats.Snapshot) error
	Close() error
}

// Run publishes eng's statistics to Performance Monitor every Interval
// until ctx ends. It reads snapshots, which copy the engine's atomics, so it
// never takes an engine lock on the data path. A failed update is logged
// (once until it changes) and the next interval tries again; only a
// provider that cannot start is an error.
func Run(ctx context.Context, eng exporters.Engine, log *slog.Logger) error {
	sets, err := CounterSets(eng.Catalog())
	if err != nil {
		return err
	}
	p, err := startProvider(sets)
	if err != nil {
		return err
	}
	t := time.NewTicker(Interval)
	defer t.Stop()
	last := ""
	for {
		if err := p.Publish(eng.Snapshot()); err != nil {
			if err.Error() != last {
				log.Warn("performance counters not updated", "err", err)
			}
			last = err.Error()
		} else {
			last = ""
		}
		select {
		case <-ctx.Done():
			return p.Close()
		case <-t.C:
		}
	}
}
