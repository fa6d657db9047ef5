package eventlog

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// JournalCatalogFile is the committed journal message catalog, relative to
// the repository root; JournalCatalogDir is where `dtrep eventlog install`
// puts it (journalctl --update-catalog compiles every *.catalog there).
const (
	JournalCatalogFile = "packs/journald/dtrep.catalog"
	JournalCatalogDir  = "/usr/lib/systemd/catalog"
)

var insertion = regexp.MustCompile(`%([1-9][0-9]*|n)`)

// catalogText turns a template into catalog text: each %N becomes the
// journal field holding the insertion string (journalctl -x fills @FIELD@
// from the entry), %n a line break (or a space in a Subject line).
func catalogText(template string, subject bool) string {
	return insertion.ReplaceAllStringFunc(template, func(m string) string {
		if m == "%n" {
			if subject {
				return " "
			}
			return "\n"
		}
		n, _ := strconv.Atoi(m[1:])
		return "@" + ArgField(n) + "@"
	})
}

// JournalCatalog renders the journal message catalog: one entry per
// (source, ID) MESSAGE_ID, with the reference's message as its subject and
// the required action, so `journalctl -x` explains every dtrep event the way
// the reference's "User action required" does. Where the reference lists
// two messages under one source and ID, the entry gives both.
func JournalCatalog(cat *catalog.Catalog) []byte {
	type entry struct {
		source string
		id     int
		evs    []catalog.Event
	}
	var order []*entry
	byKey := map[catalog.EventKey]*entry{}
	for _, e := range cat.Events {
		for _, s := range e.Sources {
			k := catalog.EventKey{Source: s, ID: e.ID}
			en := byKey[k]
			if en == nil {
				en = &entry{source: s, id: e.ID}
				byKey[k] = en
				order = append(order, en)
			}
			en.evs = append(en.evs, e)
		}
	}
	var b bytes.Buffer
	b.WriteString("#  dtrep journal message catalog, generated from the catalog by eventlog.JournalCatalog. Do not edit.\n")
	b.WriteString("#  Install: dtrep eventlog install (or copy to " + JournalCatalogDir + "/ and run journalctl --update-catalog).\n")
	for _, en := range order {
		first := en.evs[0]
		fmt.Fprintf(&b, "\n-- %s\n", MessageID(en.source, en.id))
		fmt.Fprintf(&b, "Subject: %s\n", oneLine(catalogText(first.Message, true)))
		b.WriteString("Defined-By: dtrep\n")
		fmt.Fprintf(&b, "Documentation: dtrep catalog events (event %d, source %s)\n\n", en.id, en.source)
		for i, e := range en.evs {
			if len(en.evs) > 1 {
				fmt.Fprintf(&b, "Message %d of %d the reference lists under this source and ID:\n", i+1, len(en.evs))
			}
			fmt.Fprintf(&b, "%s event %d of source %s in the %s log:\n", e.Level, e.ID, en.source, e.Log)
			fmt.Fprintf(&b, "%s\n\n", strings.TrimRight(catalogText(e.Message, false), "\n"))
			fmt.Fprintf(&b, "User action required: %s\n", oneLine(e.Action))
			if i < len(en.evs)-1 {
				b.WriteString("\n")
			}
		}
	}
	return b.Bytes()
}

// oneLine keeps a catalog header or paragraph on one line: a line starting
// with "-- " would start a new entry.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
