package mib

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
)

// ModuleName is the MIB module's name; FileName is the reference's name for
// the file that holds it.
const (
	ModuleName = "DT-MIB"
	FileName   = "dt.mib"
)

// Revision is the module's LAST-UPDATED and latest REVISION. Change it
// (and add a revision) whenever the layout changes.
const Revision = "202611240000Z"

// Render writes the layout as an SMIv2 module.
func Render(l *Layout) []byte {
	w := &mibWriter{}
	w.header(l)
	w.structure()
	for _, o := range l.Scalars() {
		w.object(o, ParentStatistics)
	}
	w.table(l)
	for _, o := range l.TrapObjects() {
		w.object(o, ParentTrapObjects)
	}
	for _, n := range l.Notifications {
		w.notification(n)
	}
	w.conformance(l)
	w.line("END")
	return w.buf.Bytes()
}

type mibWriter struct{ buf bytes.Buffer }

func (w *mibWriter) line(format string, args ...any) {
	fmt.Fprintf(&w.buf, format, args...)
	w.buf.WriteByte('\n')
}

// quoted writes a clause with a quoted, wrapped text.
func (w *mibWriter) quoted(clause, text string) {
	w.line("    %s", clause)
	for _, l := range wrap(mibText(text), 68) {
		w.line("        %s", l)
	}
}

func (w *mibWriter) header(l *Layout) {
	w.line("%s DEFINITIONS ::= BEGIN", ModuleName)
	w.line("")
	w.line("-- Generated from the dtrep catalog by go run ./mib/gen; do not edit.")
	w.line("")
	w.line("IMPORTS")
	w.line("    MODULE-IDENTITY, OBJECT-TYPE, NOTIFICATION-TYPE, Integer32,")
	w.line("    Unsigned32, Counter32, Gauge32, Counter64, enterprises")
	w.line("        FROM SNMPv2-SMI")
	w.line("    DisplayString")
	w.line("        FROM SNMPv2-TC")
	w.line("    MODULE-COMPLIANCE, OBJECT-GROUP, NOTIFICATION-GROUP")
	w.line("        FROM SNMPv2-CONF;")
	w.line("")
	w.line("dtMIB MODULE-IDENTITY")
	w.line("    LAST-UPDATED %q", Revision)
	w.line("    ORGANIZATION %q", "dtrep")
	w.quoted("CONTACT-INFO", "The dtrep project. Report problems through the project's issue tracker.")
	w.quoted("DESCRIPTION", "The statistics and traps of the dtrep replication engine, as chapter 10 of "+
		"the Double-Take 7.1 Reference Guide names them. The reference serves 32-bit values only; "+
		"the objects whose names end in 64 are dtrep's Counter64 forms of the byte counters that wrap. "+
		"The module sits under the enterprise OID of the SNMPEnterpriseOID setting ("+l.Base.String()+
		" here); regenerate it (dtrep snmp mib) after changing that setting.")
	w.line("    REVISION %q", Revision)
	w.quoted("DESCRIPTION", "The first version of this module.")
	// A base deeper than enterprises.N gets a named node per arc: smilint
	// warns about nodes a clause such as { enterprises N 7 } implies.
	under := l.Base[len(enterprises):]
	parent := "enterprises"
	if len(under) > 1 {
		parent = fmt.Sprintf("dtBase%d", len(under)-1)
	}
	w.line("    ::= { %s %d }", parent, under[len(under)-1])
	w.line("")
	parent = "enterprises"
	for i, n := range under[:len(under)-1] {
		w.line("dtBase%d OBJECT IDENTIFIER ::= { %s %d }", i+1, parent, n)
		parent = fmt.Sprintf("dtBase%d", i+1)
	}
	if len(under) > 1 {
		w.line("")
	}
}

func (w *mibWriter) structure() {
	w.line("dtNotifications OBJECT IDENTIFIER ::= { dtMIB %d }", arcNotifications)
	w.line("dtObjects       OBJECT IDENTIFIER ::= { dtMIB %d }", arcObjects)
	w.line("dtConformance   OBJECT IDENTIFIER ::= { dtMIB %d }", arcConformance)
	w.line("")
	w.line("dtStatistics    OBJECT IDENTIFIER ::= { dtObjects %d }", arcStatistics)
	w.line("dtTrapObjects   OBJECT IDENTIFIER ::= { dtObjects %d }", arcTrapObjects)
	w.line("")
}

// syntax is an object's SYNTAX clause; inSequence gives the bare type a
// SEQUENCE lists.
func syntax(o Object, inSequence bool) string {
	switch o.Type {
	case TypeInteger:
		if len(o.Enum) > 0 {
			if inSequence {
				return "INTEGER"
			}
			var s []string
			for _, e := range o.Enum {
				s = append(s, fmt.Sprintf("%s(%d)", e.Label, e.Value))
			}
			return "INTEGER { " + strings.Join(s, ", ") + " }"
		}
		if inSequence {
			return "Integer32"
		}
		if o.Derive == DeriveIndex {
			return "Integer32 (1..2147483647)"
		}
		return "Integer32 (0..2147483647)"
	case TypeUnsigned:
		return "Unsigned32"
	case TypeCounter32:
		return "Counter32"
	case TypeGauge32:
		return "Gauge32"
	case TypeCounter64:
		return "Counter64"
	case TypeDisplayString:
		return "DisplayString"
	}
	panic(fmt.Sprintf("BUG: mib: %s has no SMI type", o.Name))
}

func (w *mibWriter) object(o Object, parent string) {
	w.line("%s OBJECT-TYPE", o.Name)
	w.line("    SYNTAX      %s", syntax(o, false))
	if o.Units != "" {
		w.line("    UNITS       %q", o.Units)
	}
	w.line("    MAX-ACCESS  %s", o.Access)
	w.line("    STATUS      current")
	w.quoted("DESCRIPTION", o.Description)
	w.line("    ::= { %s %d }", parent, o.OID[len(o.OID)-1])
	w.line("")
}

func (w *mibWriter) table(l *Layout) {
	w.line("dtconTable OBJECT-TYPE")
	w.line("    SYNTAX      SEQUENCE OF DtconEntry")
	w.line("    MAX-ACCESS  not-accessible")
	w.line("    STATUS      current")
	w.quoted("DESCRIPTION", "The connections of this server, one row per connection: on a source, the "+
		"connections of its started jobs. A row appears when a connection is created and goes away with it.")
	w.line("    ::= { dtObjects %d }", arcConnTable)
	w.line("")
	w.line("dtconEntry OBJECT-TYPE")
	w.line("    SYNTAX      DtconEntry")
	w.line("    MAX-ACCESS  not-accessible")
	w.line("    STATUS      current")
	w.quoted("DESCRIPTION", "The statistics of one connection.")
	w.line("    INDEX       { dtconId }")
	w.line("    ::= { dtconTable 1 }")
	w.line("")
	var cols []Object
	for _, o := range l.Objects {
		if o.Parent == ParentConnEntry {
			cols = append(cols, o)
		}
	}
	w.line("DtconEntry ::= SEQUENCE {")
	for i, o := range cols {
		sep := ","
		if i == len(cols)-1 {
			sep = ""
		}
		w.line("    %-26s %s%s", o.Name, syntax(o, true), sep)
	}
	w.line("}")
	w.line("")
	for _, o := range cols {
		w.object(o, ParentConnEntry)
	}
}

func (w *mibWriter) notification(n Notification) {
	w.line("%s NOTIFICATION-TYPE", n.Name)
	w.list("OBJECTS", n.Objects)
	w.line("    STATUS      current")
	w.quoted("DESCRIPTION", n.Description)
	w.line("    ::= { dtNotifications %d }", n.OID[len(n.OID)-1])
	w.line("")
}

// list writes a braced list clause, one name a line.
func (w *mibWriter) list(clause string, names []string) {
	w.line("    %-11s {", clause)
	for i, n := range names {
		sep := ","
		if i == len(names)-1 {
			sep = ""
		}
		w.line("        %s%s", n, sep)
	}
	w.line("    }")
}

// groupOrder fixes the groups' arcs under dtGroups.
var groupOrder = []struct {
	name, description string
}{
	{GroupStatistics, "The server-wide statistics of chapter 10."},
	{GroupConnections, "The per-connection statistics of chapter 10 (the dtcon* columns)."},
	{GroupHighCapacity, "The Counter64 forms of the byte counters, which dtrep adds to the reference's 32-bit values."},
	{GroupTrapObjects, "The objects the notifications carry."},
	{GroupNotifications, "The dttrap* notifications of chapter 10."},
}

func (w *mibWriter) conformance(l *Layout) {
	w.line("dtCompliances OBJECT IDENTIFIER ::= { dtConformance %d }", arcCompliances)
	w.line("dtGroups      OBJECT IDENTIFIER ::= { dtConformance %d }", arcGroups)
	w.line("")
	w.line("dtCompliance MODULE-COMPLIANCE")
	w.line("    STATUS      current")
	w.quoted("DESCRIPTION", "What an agent of dtrep statistics and traps implements.")
	w.line("    MODULE      -- this module")
	w.line("        MANDATORY-GROUPS { %s, %s,", GroupStatistics, GroupConnections)
	w.line("                           %s, %s }", GroupTrapObjects, GroupNotifications)
	w.line("        GROUP       %s", GroupHighCapacity)
	w.line("        DESCRIPTION")
	w.line("            \"Mandatory where Counter64 can be carried (SNMPv2c and SNMPv3).\"")
	w.line("    ::= { dtCompliances 1 }")
	w.line("")
	for i, g := range groupOrder {
		if g.name == GroupNotifications {
			var names []string
			for _, n := range l.Notifications {
				names = append(names, n.Name)
			}
			w.line("%s NOTIFICATION-GROUP", g.name)
			w.list("NOTIFICATIONS", names)
		} else {
			var names []string
			for _, o := range l.Objects {
				if o.Group == g.name {
					names = append(names, o.Name)
				}
			}
			w.line("%s OBJECT-GROUP", g.name)
			w.list("OBJECTS", names)
		}
		w.line("    STATUS      current")
		w.quoted("DESCRIPTION", g.description)
		w.line("    ::= { dtGroups %d }", i+1)
		w.line("")
	}
}

// mibText makes text fit a quoted MIB string: ASCII only, no double quotes.
func mibText(s string) string {
	r := strings.NewReplacer("\"", "'", "\u2018", "'", "\u2019", "'", "\u201c", "'", "\u201d", "'",
		"\u2013", "-", "\u2014", "-", "\u2026", "...", "\u00a0", " ")
	s = r.Replace(s)
	return strings.Map(func(c rune) rune {
		if c > unicode.MaxASCII || !unicode.IsPrint(c) {
			return '?'
		}
		return c
	}, s)
}

// wrap splits text into lines of at most width characters at spaces; the
// first line opens the quote and the last closes it.
func wrap(text string, width int) []string {
	words := strings.Fields(text)
	var lines []string
	cur := "\""
	for _, wd := range words {
		if len(cur) > 1 && len(cur)+1+len(wd) > width {
			lines = append(lines, cur)
			cur = wd
			continue
		}
		if len(cur) > 1 {
			cur += " "
		}
		cur += wd
	}
	return append(lines, cur+"\"")
}
