// Package exportertest gives exporter tests an exporters.Engine made of the
// engine's real parts (catalog, event hub, statistics registry) without a
// server around them.
package exportertest

import (
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
)

// Engine is an exporters.Engine over a real hub and registry.
type Engine struct {
	Cat  *catalog.Catalog
	Hub  *events.Hub
	Reg  *stats.Registry
	Name string
	// Statuses is what Status reports.
	Statuses status.Snapshot
}

// New returns an engine named "fake" over the embedded catalog.
func New() *Engine {
	cat := catalog.Must()
	return &Engine{Cat: cat, Hub: events.NewHub(cat), Reg: stats.NewRegistry(), Name: "fake"}
}

func (e *Engine) Catalog() *catalog.Catalog { return e.Cat }
func (e *Engine) Snapshot() stats.Snapshot  { return e.Reg.Snapshot() }
func (e *Engine) ServerName() string        { return e.Name }
func (e *Engine) Status() status.Snapshot   { return e.Statuses }
func (e *Engine) HubStats() events.HubStats { return e.Hub.Stats() }
func (e *Engine) Subscribe(size int, filter func(events.Event) bool) *events.Subscription {
	return e.Hub.Subscribe(size, filter)
}
