package snmp

import (
	"context"
	"sort"
	"sync/atomic"

	agentx "github.com/posteo/go-agentx"
	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

// entry is one instance the agent serves.
type entry struct {
	oid value.OID
	typ pdu.VariableType
	val any
}

// table is every instance at one moment, sorted by OID, built once and
// only read afterwards.
type table struct {
	entries []entry
	// objects are the OIDs of the objects (not instances): a Get of an
	// instance under one of them that is missing is noSuchInstance, any
	// other miss noSuchObject.
	objects []value.OID
}

// search returns the index of the first entry at or after oid.
func (t *table) search(oid value.OID) int {
	return sort.Search(len(t.entries), func(i int) bool { return value.CompareOIDs(t.entries[i].oid, oid) >= 0 })
}

// handler answers the master from the latest table (go-agentx's Handler).
type handler struct {
	cur atomic.Pointer[table]
}

var _ agentx.Handler = (*handler)(nil)

func (h *handler) load() *table {
	if t := h.cur.Load(); t != nil {
		return t
	}
	return &table{}
}

// Get answers one OID.
func (h *handler) Get(_ context.Context, oid value.OID) (value.OID, pdu.VariableType, any, error) {
	t := h.load()
	if i := t.search(oid); i < len(t.entries) && value.CompareOIDs(t.entries[i].oid, oid) == 0 {
		e := t.entries[i]
		return e.oid, e.typ, e.val, nil
	}
	for _, o := range t.objects {
		if len(oid) >= len(o) && value.CompareOIDs(oid[:len(o)], o) == 0 {
			return oid, pdu.VariableTypeNoSuchInstance, nil, nil
		}
	}
	return nil, pdu.VariableTypeNoSuchObject, nil, nil
}

// GetNext answers the first instance after from (or at it, when include)
// and before to; an empty to is no bound.
func (h *handler) GetNext(_ context.Context, from value.OID, include bool, to value.OID) (value.OID, pdu.VariableType, any, error) {
	t := h.load()
	i := t.search(from)
	if i < len(t.entries) && !include && value.CompareOIDs(t.entries[i].oid, from) == 0 {
		i++
	}
	if i >= len(t.entries) || len(to) > 0 && value.CompareOIDs(t.entries[i].oid, to) >= 0 {
		return nil, pdu.VariableTypeEndOfMIBView, nil, nil
	}
	e := t.entries[i]
	return e.oid, e.typ, e.val, nil
}
