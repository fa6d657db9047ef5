package email

import (
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
)

// SelfCounter describes one of the notifier's own counters.
type SelfCounter struct {
	Name string       // key in Notifier.Counters
	Kind catalog.Kind // KindCounter or KindGauge
	Help string
}

// Names of the notifier's own counters.
const (
	CounterMessagesSent       = "messages_sent"
	CounterEventsSent         = "events_sent"
	CounterMessagesFailed     = "messages_failed"
	CounterEventsFailed       = "events_failed"
	CounterAttempts           = "attempts"
	CounterAttemptsFailed     = "attempts_failed"
	CounterRetries            = "retries"
	CounterRecipientsRejected = "recipients_rejected"
	CounterEventsDropped      = "events_dropped"
	CounterEventsLost         = "events_lost"
	CounterPending            = "events_pending"
	CounterStatus             = "status"
)

// SelfCounters lists the notifier's own counters in a stable order.
var SelfCounters = []SelfCounter{
	{CounterMessagesSent, catalog.KindCounter, "E-mails the server accepted."},
	{CounterEventsSent, catalog.KindCounter, "Events reported in e-mails the server accepted."},
	{CounterMessagesFailed, catalog.KindCounter, "E-mails given up (2207): refused by the server, or still failing after EmailRetries attempts."},
	{CounterEventsFailed, catalog.KindCounter, "Events reported in e-mails given up."},
	{CounterAttempts, catalog.KindCounter, "SMTP sessions started to send an e-mail."},
	{CounterAttemptsFailed, catalog.KindCounter, "SMTP sessions that did not deliver their e-mail (2201, 2202, 2207, 2216)."},
	{CounterRetries, catalog.KindCounter, "Attempts repeated after a failure that may be temporary."},
	{CounterRecipientsRejected, catalog.KindCounter, "Recipients the server refused for good (2216), counted per e-mail."},
	{CounterEventsDropped, catalog.KindCounter, "Selected events dropped because EmailBufferSize events were waiting."},
	{CounterEventsLost, catalog.KindCounter, "Events the notifier's event hub subscription lost to a full buffer."},
	{CounterPending, catalog.KindGauge, "Selected events waiting to be sent."},
	{CounterStatus, catalog.KindGauge, "Chapter 5 code of the last attempt: 2200 sent, 2201, 2202, 2207 or 2216 failed, 0 none yet."},
}

type selfCounters struct {
	messagesSent, eventsSent, messagesFailed, eventsFailed atomic.Int64
	attempts, attemptsFailed, retries, recipientsRejected  atomic.Int64
}

// Counters returns the notifier's own counters by SelfCounter name. It is
// cheap and safe to call from any goroutine.
func (n *Notifier) Counters() map[string]int64 {
	return map[string]int64{
		CounterMessagesSent:       n.cnt.messagesSent.Load(),
		CounterEventsSent:         n.cnt.eventsSent.Load(),
		CounterMessagesFailed:     n.cnt.messagesFailed.Load(),
		CounterEventsFailed:       n.cnt.eventsFailed.Load(),
		CounterAttempts:           n.cnt.attempts.Load(),
		CounterAttemptsFailed:     n.cnt.attemptsFailed.Load(),
		CounterRetries:            n.cnt.retries.Load(),
		CounterRecipientsRejected: n.cnt.recipientsRejected.Load(),
		CounterEventsDropped:      n.pending.dropped(),
		CounterEventsLost:         int64(n.sub.Dropped()),
		CounterPending:            int64(n.pending.len()),
		CounterStatus:             n.status.Load(),
	}
}
