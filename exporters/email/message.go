package email

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// Headers every notification carries, for the recipients' mail filters.
const (
	HeaderServer   = "X-Dtrep-Server"
	HeaderEventIDs = "X-Dtrep-Event-Ids" // distinct IDs, in order of first appearance
	HeaderLevel    = "X-Dtrep-Level"     // the most severe level in the message
)

// maxHeaderIDs bounds the distinct IDs HeaderEventIDs lists, keeping the
// line within SMTP's 998 characters.
const maxHeaderIDs = 50

// maxSubjectText bounds the event text in a subject line.
const maxSubjectText = 120

// digest is the content of one notification: the events it reports and
// how many selected events were dropped (a full buffer) before them.
type digest struct {
	events  []events.Event
	dropped int64
}

// composer turns digests into messages.
type composer struct {
	cat    *catalog.Catalog
	server string
	from   string
	to     []string
	prefix string
}

// severity orders levels, most severe first.
var severity = map[catalog.Level]int{
	catalog.LevelError: 0, catalog.LevelWarning: 1, catalog.LevelInformation: 2, catalog.LevelSuccess: 3,
}

// compose builds the message reporting d.
func (c composer) compose(d digest) (*mail.Msg, error) {
	m, err := c.envelope()
	if err != nil {
		return nil, err
	}
	m.Subject(c.subject(d))
	var ids []string
	seen := map[int]bool{}
	worst := catalog.LevelSuccess
	for _, ev := range d.events {
		if !seen[ev.ID] && len(ids) < maxHeaderIDs {
			seen[ev.ID] = true
			ids = append(ids, strconv.Itoa(ev.ID))
		}
		if rank, ok := severity[ev.Level]; ok && rank < severity[worst] {
			worst = ev.Level
		}
	}
	m.SetGenHeader(HeaderEventIDs, strings.Join(ids, ","))
	m.SetGenHeader(HeaderLevel, string(worst))
	m.SetBodyString(mail.TypeTextPlain, c.body(d))
	return m, nil
}

// envelope is a message with the headers every notification shares.
func (c composer) envelope() (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP), mail.WithNoDefaultUserAgent())
	if err := m.From(c.from); err != nil {
		return nil, catalog.Wrap(CodeFormatInvalid, err, "EmailFrom %q", c.from)
	}
	if err := m.To(c.to...); err != nil {
		return nil, catalog.Wrap(CodeFormatInvalid, err, "EmailTo")
	}
	m.SetDate()
	m.SetMessageID()
	m.SetGenHeader(mail.HeaderXMailer, "dtrep")
	m.SetGenHeader(HeaderServer, c.server)
	return m, nil
}

// subject names the event when there is one, else counts them by level.
func (c composer) subject(d digest) string {
	var s string
	if len(d.events) == 1 {
		ev := d.events[0]
		s = fmt.Sprintf("%s %d on %s: %s", ev.Level, ev.ID, c.server, firstLine(ev.Message))
	} else {
		s = fmt.Sprintf("%d events on %s: %s", len(d.events), c.server, levelCounts(d.events))
	}
	if c.prefix != "" {
		s = c.prefix + " " + s
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxSubjectText {
		s = string(r[:maxSubjectText]) + "..."
	}
	return s
}

// levelCounts reads "2 errors, 1 warning".
func levelCounts(evs []events.Event) string {
	n := map[catalog.Level]int{}
	for _, ev := range evs {
		n[ev.Level]++
	}
	var parts []string
	for _, l := range []catalog.Level{catalog.LevelError, catalog.LevelWarning, catalog.LevelInformation, catalog.LevelSuccess} {
		if n[l] == 0 {
			continue
		}
		word := strings.ToLower(string(l))
		if n[l] > 1 && l != catalog.LevelInformation && l != catalog.LevelSuccess {
			word += "s"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n[l], word))
	}
	return strings.Join(parts, ", ")
}

// body lists every event with its fields and the catalog's required
// action, oldest first.
func (c composer) body(d digest) string {
	var b strings.Builder
	if len(d.events) == 1 {
		fmt.Fprintf(&b, "dtrep server %s raised this event.\n", c.server)
	} else {
		first, last := d.events[0].Time, d.events[len(d.events)-1].Time
		fmt.Fprintf(&b, "dtrep server %s raised %d events between %s and %s.\n", c.server, len(d.events),
			first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339))
	}
	if d.dropped > 0 {
		fmt.Fprintf(&b, "%d more events were selected but dropped because EmailBufferSize events were already waiting.\n", d.dropped)
	}
	for _, ev := range d.events {
		b.WriteString("\n")
		c.writeEvent(&b, ev)
	}
	return b.String()
}

func (c composer) writeEvent(b *strings.Builder, ev events.Event) {
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(b, "  %-16s %s\n", name+":", value)
		}
	}
	fmt.Fprintf(b, "Event %d (%s)\n", ev.ID, ev.Level)
	field("Time", ev.Time.UTC().Format(time.RFC3339Nano))
	field("Source", ev.Source)
	field("Log", ev.Log)
	field("Job", ev.Job)
	field("Replication set", ev.RepSet)
	if ev.ConnID != 0 {
		field("Connection", strconv.Itoa(ev.ConnID))
	}
	field("Peer", ev.Peer)
	field("Message", ev.Message)
	if ce, ok := c.cat.Event(ev.Source, ev.ID); ok {
		field("Required action", ce.Action)
	}
}
