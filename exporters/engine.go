package exporters

import (
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
)

// Engine is everything an exporter may use of a running server.
type Engine interface {
	// Catalog is the vocabulary: counter names per surface, events, traps.
	Catalog() *catalog.Catalog
	// Snapshot copies every statistics block without blocking the engine.
	Snapshot() stats.Snapshot
	// Status lists the status words of the running connections and of the
	// target connection entries, each read under its owner's lock.
	Status() status.Snapshot
	// HubStats are the event hub's own counters (published, delivered,
	// dropped, unknown).
	HubStats() events.HubStats
	// Subscribe delivers raised events into a buffer of size; filter may be
	// nil. Deliveries to a full buffer are dropped and counted.
	Subscribe(size int, filter func(events.Event) bool) *events.Subscription
	// ServerName is the name the server reports (host.name, sysName...).
	ServerName() string
}
