package snmp

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/mib"
	"github.com/posteo/go-agentx/pdu"
)

// trap is one notification ready to send on any path.
type trap struct {
	name string
	oid  mib.OID
	vars []varbind // the notification's OBJECTS (snmpTrapOID.0 is added per path)
}

// varbind is a path-neutral variable binding.
type varbind struct {
	oid mib.OID
	typ pdu.VariableType
	val any // int32, uint32 or string, as typ says
}

// trapFor builds the notification n for event ev (a zero event for a trap
// no event raised).
func trapFor(l *mib.Layout, n mib.Notification, ev events.Event) trap {
	t := trap{name: n.Name, oid: n.OID}
	for _, o := range l.TrapObjects() {
		vb := varbind{oid: o.OID.Append(0)}
		switch o.Derive {
		case mib.DeriveTrapConnectionID:
			vb.typ, vb.val = pdu.VariableTypeInteger, int32(clamp(int64(ev.ConnID), 0, 1<<31-1))
		case mib.DeriveTrapPeer:
			vb.typ, vb.val = pdu.VariableTypeOctetString, displayString(ev.Peer)
		case mib.DeriveTrapRepSet:
			vb.typ, vb.val = pdu.VariableTypeOctetString, displayString(ev.RepSet)
		case mib.DeriveTrapMessage:
			vb.typ, vb.val = pdu.VariableTypeOctetString, displayString(ev.Message)
		case mib.DeriveTrapEventSource:
			vb.typ, vb.val = pdu.VariableTypeOctetString, displayString(ev.Source)
		case mib.DeriveTrapEventID:
			vb.typ, vb.val = pdu.VariableTypeGauge32, uint32(clamp(int64(ev.ID), 0, 1<<32-1))
		default:
			continue
		}
		t.vars = append(t.vars, vb)
	}
	return t
}

// trapMap finds the notification an event sends.
type trapMap struct {
	cat     *catalog.Catalog
	layout  *mib.Layout
	byEvent map[catalog.EventKey]mib.Notification
}

func newTrapMap(cat *catalog.Catalog, l *mib.Layout) *trapMap {
	m := &trapMap{cat: cat, layout: l, byEvent: map[catalog.EventKey]mib.Notification{}}
	for k, name := range l.TrapEvents() {
		n, _ := l.Notification(name)
		m.byEvent[k] = n
	}
	return m
}

// lookup returns the notification of ev. An event raised under a second
// source of a catalog event ("RepDrv, RepKap, or RepHsm") is the same
// event: its key is the primary source's.
func (m *trapMap) lookup(ev events.Event) (mib.Notification, bool) {
	k := catalog.EventKey{Source: ev.Source, ID: ev.ID}
	if ce, ok := m.cat.Event(ev.Source, ev.ID); ok {
		k = ce.Key()
	}
	n, ok := m.byEvent[k]
	return n, ok
}

// wants is the subscription filter: only events that send a trap.
func (m *trapMap) wants(ev events.Event) bool {
	_, ok := m.lookup(ev)
	return ok
}

// outbox is one path's bounded queue and its worker: a path that waits
// (no master agent, an inform not acknowledged) delays only itself, and
// what it cannot hold is dropped and counted.
type outbox struct {
	name string
	ch   chan trap
	send func(context.Context, trap) error
	log  *slog.Logger

	sent, failed, dropped atomic.Uint64
	pending               atomic.Int64 // queued or being sent
}

const outboxSize = 512

func newOutbox(name string, log *slog.Logger, send func(context.Context, trap) error) *outbox {
	return &outbox{name: name, ch: make(chan trap, outboxSize), send: send, log: log}
}

func (o *outbox) put(t trap) {
	o.pending.Add(1)
	select {
	case o.ch <- t:
	default:
		o.pending.Add(-1)
		o.dropped.Add(1)
	}
}

// run sends until ctx ends.
func (o *outbox) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-o.ch:
			err := o.send(ctx, t)
			switch {
			case err == nil:
				o.sent.Add(1)
			case ctx.Err() == nil:
				o.failed.Add(1)
				o.log.Warn("SNMP trap not sent", "trap", t.name, "path", o.name, "err", err)
			}
			o.pending.Add(-1)
		}
	}
}
