package mib

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Type is an object's SMI base type, as the agent encodes it.
type Type int

const (
	TypeInteger       Type = iota // INTEGER, Integer32 (states, the index)
	TypeUnsigned                  // Unsigned32
	TypeCounter32                 // Counter32: wraps modulo 2^32
	TypeGauge32                   // Gauge32: sticks at 2^32-1
	TypeCounter64                 // Counter64
	TypeDisplayString             // DisplayString: at most 255 bytes
)

// Derive says how the agent computes an object's value from the counter it
// shows.
type Derive int

const (
	DeriveValue   Derive = iota // the counter's value as is
	DeriveMB                    // bytes shown in MB (2^20 bytes)
	DeriveHC                    // the full 64-bit value of a counter Counter32 wraps
	DeriveTenths                // a percentage the engine keeps in tenths
	DeriveElapsed               // seconds since the time the counter's text holds
	DeriveHost                  // the host part of a HOST:PORT text
	DeriveText                  // the counter's text as is
	DeriveIndex                 // the connection ID (the table's index)

	DeriveTrapConnectionID // notification objects: from the event raised
	DeriveTrapPeer
	DeriveTrapRepSet
	DeriveTrapMessage
	DeriveTrapEventSource
	DeriveTrapEventID
)

// Access is an object's MAX-ACCESS.
type Access string

const (
	ReadOnly            Access = "read-only"
	NotAccessible       Access = "not-accessible"
	AccessibleForNotify Access = "accessible-for-notify"
)

// Where an object sits.
const (
	ParentStatistics  = "dtStatistics"
	ParentConnEntry   = "dtconEntry"
	ParentTrapObjects = "dtTrapObjects"
)

// Object is one OBJECT-TYPE.
type Object struct {
	Name        string
	OID         OID
	Parent      string // ParentStatistics, ParentConnEntry or ParentTrapObjects
	Type        Type
	Access      Access
	Units       string
	Description string
	Enum        []enumLabel // for TypeInteger states
	// Counter is the catalog counter the object shows ("" for the index
	// and the notification objects) and Scope where the agent reads it.
	Counter string
	Scope   catalog.Scope
	Derive  Derive
	Group   string
}

// Notification is one NOTIFICATION-TYPE: a dttrap* trap.
type Notification struct {
	Name        string
	OID         OID
	Description string
	Objects     []string           // OBJECTS, in varbind order
	Events      []catalog.EventKey // events that send it (catalog and dtrep readings)
}

// Layout is the whole module under one enterprise base.
type Layout struct {
	Base          OID
	Objects       []Object // in OID order
	Notifications []Notification
	byName        map[string]int
}

// Groups of the conformance section, in order.
const (
	GroupStatistics    = "dtStatisticsGroup"
	GroupConnections   = "dtConnectionGroup"
	GroupHighCapacity  = "dtHighCapacityGroup"
	GroupTrapObjects   = "dtTrapObjectsGroup"
	GroupNotifications = "dtNotificationsGroup"
)

// Build lays the module out under base from the catalog, and checks the arc
// tables against it: every SNMP object and trap of the catalog has exactly
// one arc, and no arc names something the catalog lacks.
func Build(cat *catalog.Catalog, base OID) (*Layout, error) {
	l := &Layout{Base: base, byName: map[string]int{}}
	bySNMP := map[string]catalog.Counter{}
	for _, c := range cat.Counters {
		if c.SNMPObject != "" {
			bySNMP[c.SNMPObject] = c
		}
	}
	used := map[string]bool{}
	sections := []struct {
		parent string
		arcs   []objectArc
		prefix OID
	}{
		{ParentStatistics, scalarArcs, base.Append(arcObjects, arcStatistics)},
		{ParentConnEntry, columnArcs, base.Append(arcObjects, arcConnTable, 1)},
		{ParentTrapObjects, trapObjectArcs, base.Append(arcObjects, arcTrapObjects)},
	}
	for _, s := range sections {
		for _, a := range s.arcs {
			o, err := newObject(a, s.parent, bySNMP, used)
			if err != nil {
				return nil, err
			}
			o.OID = s.prefix.Append(a.Arc)
			l.add(o)
		}
	}
	for name := range bySNMP {
		if !used[name] {
			return nil, fmt.Errorf("mib: catalog SNMP object %s has no arc", name)
		}
	}
	if err := l.addNotifications(cat, base); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Layout) add(o Object) {
	l.byName[o.Name] = len(l.Objects)
	l.Objects = append(l.Objects, o)
}

// newObject builds the object of one arc from its catalog counter.
func newObject(a objectArc, parent string, bySNMP map[string]catalog.Counter, used map[string]bool) (Object, error) {
	o := Object{Name: a.Name, Parent: parent, Access: ReadOnly, Derive: a.Derive}
	switch {
	case parent == ParentTrapObjects:
		return trapObject(o), nil
	case a.Derive == DeriveIndex:
		o.Type, o.Access = TypeInteger, NotAccessible
		o.Description = "The connection ID the row describes, as dtrep job status and the statistics show it."
		return o, nil
	}
	src := a.Name
	if a.Of != "" {
		src = a.Of
	}
	c, ok := bySNMP[src]
	if !ok {
		return o, fmt.Errorf("mib: arc %s: %s is not an SNMP object of the catalog", a.Name, src)
	}
	if a.Of == "" {
		if used[a.Name] {
			return o, fmt.Errorf("mib: %s has two arcs", a.Name)
		}
		used[a.Name] = true
	}
	o.Counter, o.Scope, o.Description = c.Name, c.Scope, c.Description
	if (c.Scope == catalog.ScopeConnection) != (parent == ParentConnEntry) {
		return o, fmt.Errorf("mib: %s has scope %s but sits in %s", a.Name, c.Scope, parent)
	}
	o.Group = GroupStatistics
	if parent == ParentConnEntry {
		o.Group = GroupConnections
	}
	switch a.Derive {
	case DeriveMB:
		o.Type, o.Units = TypeGauge32, "MB"
		o.Description += fmt.Sprintf(" This object shows it in MB (units of 1,048,576 bytes); %s shows it in bytes.", src)
		return o, nil
	case DeriveHC:
		o.Type, o.Units, o.Group = TypeCounter64, "bytes", GroupHighCapacity
		o.Description += fmt.Sprintf(" This is the full 64-bit value of %s, which wraps at 2^32.", src)
		return o, nil
	}
	return o, catalogForm(&o, c)
}

// catalogForm sets the SMI form of an object that shows a catalog counter
// as the reference does.
func catalogForm(o *Object, c catalog.Counter) error {
	switch {
	case c.Unit == "state":
		labels, ok := enumLabels[c.Name]
		if !ok {
			return fmt.Errorf("mib: %s: state without labels", o.Name)
		}
		o.Type, o.Enum = TypeInteger, labels
	case c.Kind == catalog.KindInfo && c.Unit == "timestamp":
		o.Type, o.Units, o.Derive = TypeGauge32, "seconds", DeriveElapsed
	case c.Kind == catalog.KindInfo && c.Unit == "address":
		o.Type, o.Derive = TypeDisplayString, DeriveHost
	case c.Kind == catalog.KindInfo:
		o.Type, o.Derive = TypeDisplayString, DeriveText
	case c.Kind == catalog.KindCounter:
		o.Type, o.Units = TypeCounter32, unitWord(c.Unit)
	case c.Unit == "percent":
		o.Type, o.Units, o.Derive = TypeGauge32, "percent", DeriveTenths
	default:
		o.Type, o.Units = TypeGauge32, unitWord(c.Unit)
	}
	return nil
}

// unitWord is the UNITS clause of a catalog unit; counts need none.
func unitWord(unit string) string {
	switch unit {
	case "count", "":
		return ""
	case "ops":
		return "operations"
	}
	return unit
}

func trapObject(o Object) Object {
	o.Access, o.Group = AccessibleForNotify, GroupTrapObjects
	switch o.Derive {
	case DeriveTrapConnectionID:
		o.Type = TypeInteger
		o.Description = "The ID of the connection the notification is about; 0 when it concerns no connection."
	case DeriveTrapPeer:
		o.Type = TypeDisplayString
		o.Description = "The address of the connection's peer (the target on the source), as HOST:PORT; empty when the notification concerns no connection."
	case DeriveTrapRepSet:
		o.Type = TypeDisplayString
		o.Description = "The name of the replication set the notification is about; empty when it concerns none."
	case DeriveTrapMessage:
		o.Type = TypeDisplayString
		o.Description = "The message of the event that sent the notification, as the event log shows it (cut to 255 bytes)."
	case DeriveTrapEventSource:
		o.Type = TypeDisplayString
		o.Description = "The source of the event that sent the notification (Double-Take, RepDrv...)."
	case DeriveTrapEventID:
		o.Type = TypeUnsigned
		o.Description = "The ID of the event that sent the notification (chapter 6 of the reference); 0 when no event did."
	}
	return o
}

// addNotifications adds one notification per catalog trap.
func (l *Layout) addNotifications(cat *catalog.Catalog, base OID) error {
	var objects []string
	for _, a := range trapObjectArcs {
		objects = append(objects, a.Name)
	}
	seen := map[string]bool{}
	for _, t := range cat.Traps {
		arc, ok := trapArcs[t.Name]
		if !ok {
			return fmt.Errorf("mib: trap %s has no arc", t.Name)
		}
		seen[t.Name] = true
		n := Notification{Name: t.Name, OID: base.Append(arcNotifications, arc), Objects: objects,
			Events: append(slices.Clone(t.Events), extraTrapEvents[t.Name]...)}
		n.Description = t.Description + "."
		if len(n.Events) > 0 {
			var ev []string
			for _, k := range n.Events {
				ev = append(ev, fmt.Sprintf("%s %d", k.Source, k.ID))
			}
			n.Description += " Sent when the server raises event " + strings.Join(ev, ", ") + "."
		}
		l.Notifications = append(l.Notifications, n)
	}
	for name := range trapArcs {
		if !seen[name] {
			return fmt.Errorf("mib: arc for %s, which is not a trap of the catalog", name)
		}
	}
	for name := range extraTrapEvents {
		if !seen[name] {
			return fmt.Errorf("mib: events for %s, which is not a trap of the catalog", name)
		}
	}
	slices.SortFunc(l.Notifications, func(a, b Notification) int { return int(a.OID[len(a.OID)-1]) - int(b.OID[len(b.OID)-1]) })
	return nil
}

// Object returns the object named name.
func (l *Layout) Object(name string) (Object, bool) {
	i, ok := l.byName[name]
	if !ok {
		return Object{}, false
	}
	return l.Objects[i], true
}

// Notification returns the notification named name.
func (l *Layout) Notification(name string) (Notification, bool) {
	for _, n := range l.Notifications {
		if n.Name == name {
			return n, true
		}
	}
	return Notification{}, false
}

// Columns lists the connection table's accessible columns in OID order.
func (l *Layout) Columns() []Object {
	var out []Object
	for _, o := range l.Objects {
		if o.Parent == ParentConnEntry && o.Access == ReadOnly {
			out = append(out, o)
		}
	}
	return out
}

// Scalars lists the server-wide statistics in OID order.
func (l *Layout) Scalars() []Object {
	var out []Object
	for _, o := range l.Objects {
		if o.Parent == ParentStatistics {
			out = append(out, o)
		}
	}
	return out
}

// TrapObjects lists the objects notifications carry, in varbind order.
func (l *Layout) TrapObjects() []Object {
	var out []Object
	for _, o := range l.Objects {
		if o.Parent == ParentTrapObjects {
			out = append(out, o)
		}
	}
	return out
}

// TrapEvents maps each event that sends a trap to the trap's name.
func (l *Layout) TrapEvents() map[catalog.EventKey]string {
	m := map[catalog.EventKey]string{}
	for _, n := range l.Notifications {
		for _, k := range n.Events {
			m[k] = n.Name
		}
	}
	return m
}
