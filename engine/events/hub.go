package events

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Event is one raised catalog event with the context it concerns.
type Event struct {
	Seq     uint64        `json:"seq"`
	Time    time.Time     `json:"time"`
	Source  string        `json:"source"`
	ID      int           `json:"id"`
	Log     string        `json:"log"`
	Level   catalog.Level `json:"level"`
	Args    []string      `json:"args,omitempty"`
	Message string        `json:"message"`
	Context
}

// CatalogID names the event as code does.
func (e Event) CatalogID() catalog.EventID {
	return catalog.EventID(e.Source + "/" + strconv.Itoa(e.ID))
}

// Context names the objects an event concerns; zero values mean "none".
type Context struct {
	ConnID int    `json:"connection_id,omitempty"`
	Job    string `json:"job,omitempty"`
	RepSet string `json:"replication_set,omitempty"`
	Peer   string `json:"peer,omitempty"`
}

// Source names used by the engine.
const (
	SourceEngine     = "Double-Take"
	SourceManagement = "Double-Take Management Service"
)

// Hub fans events out to subscribers without ever blocking the publisher.
type Hub struct {
	cat  *catalog.Catalog
	seq  atomic.Uint64
	mu   sync.Mutex
	subs atomic.Pointer[[]*Subscription] // copy-on-write: Raise reads without locking

	published atomic.Uint64
	delivered atomic.Uint64
	dropped   atomic.Uint64
	unknown   atomic.Uint64
}

// NewHub returns a hub rendering events from cat.
func NewHub(cat *catalog.Catalog) *Hub {
	h := &Hub{cat: cat}
	h.subs.Store(&[]*Subscription{})
	return h
}

// Raise renders the catalog event id with args and delivers it. An event
// missing from the catalog is still delivered (with its args as the
// message) and counted, so nothing is lost because of a catalog gap.
func (h *Hub) Raise(id catalog.EventID, ctx Context, args ...string) Event {
	k := id.Key()
	ev := Event{
		Seq: h.seq.Add(1), Time: time.Now(), Source: k.Source, ID: k.ID,
		Args: args, Context: ctx,
	}
	if ce, ok := h.cat.Event(k.Source, k.ID); ok {
		ev.Log, ev.Level, ev.Message = ce.Log, ce.Level, ce.Render(args...)
	} else {
		h.unknown.Add(1)
		ev.Log, ev.Level = "Application", catalog.LevelInformation
		ev.Message = joinArgs(args)
	}
	h.Publish(ev)
	return ev
}

// Publish delivers an already built event.
func (h *Hub) Publish(ev Event) {
	h.published.Add(1)
	for _, s := range *h.subs.Load() {
		if s.filter != nil && !s.filter(ev) {
			continue
		}
		select {
		case s.ch <- ev:
			h.delivered.Add(1)
		default:
			s.dropped.Add(1)
			h.dropped.Add(1)
		}
	}
}

// Subscribe returns a subscription with a buffer of size events; filter (may
// be nil) selects which events it receives.
func (h *Hub) Subscribe(size int, filter func(Event) bool) *Subscription {
	if size < 1 {
		size = 1
	}
	s := &Subscription{hub: h, ch: make(chan Event, size), filter: filter}
	h.mu.Lock()
	old := *h.subs.Load()
	next := make([]*Subscription, len(old), len(old)+1)
	copy(next, old)
	next = append(next, s)
	h.subs.Store(&next)
	h.mu.Unlock()
	return s
}

func (h *Hub) unsubscribe(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := *h.subs.Load()
	next := make([]*Subscription, 0, len(old))
	for _, o := range old {
		if o != s {
			next = append(next, o)
		}
	}
	h.subs.Store(&next)
}

// HubStats are the hub's own counters.
type HubStats struct {
	Published, Delivered, Dropped, Unknown uint64
}

// Stats returns the hub's counters.
func (h *Hub) Stats() HubStats {
	return HubStats{h.published.Load(), h.delivered.Load(), h.dropped.Load(), h.unknown.Load()}
}

// Subscription receives events on C until Close.
type Subscription struct {
	hub     *Hub
	ch      chan Event
	filter  func(Event) bool
	dropped atomic.Uint64
	once    sync.Once
}

// C is the channel events arrive on.
func (s *Subscription) C() <-chan Event { return s.ch }

// Dropped is how many events this subscriber lost to a full buffer.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close stops delivery. The channel is not closed (a Raise may be sending);
// readers should stop on their own context.
func (s *Subscription) Close() { s.once.Do(func() { s.hub.unsubscribe(s) }) }

func joinArgs(args []string) string {
	out := ""
	for i, a := range args {
		if i > 0 {
			out += " "
		}
		out += a
	}
	return out
}
