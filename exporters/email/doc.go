// Package email sends the engine's selected events by e-mail: the
// reference's e-mail notification, with its chapter 5 codes 2200-2219.
//
// # Selection and digests
//
// A subscription of the event hub, filtered by Selection (EmailLevels,
// EmailEventIDs, EmailExcludeEventIDs), is drained at once into a bounded
// pending list (EmailBufferSize; past it the oldest event is dropped and
// counted). The first event starts a digest window (EmailDigestWindow);
// when it ends, the waiting events (up to maxEventsPerMessage) become one
// plain-text message whose subject names the event, or counts the events
// by level, after EmailSubjectPrefix, and whose body lists each event's
// fields and the catalog's required action.
//
// # Delivery
//
// The engine never waits for e-mail: only the notifier's own goroutine
// talks SMTP. go-mail connects, upgrades with STARTTLS (required) or speaks
// implicit TLS, and authenticates; the transaction is driven here so that
// each failure carries the code of where it happened (2202 connecting,
// 2201 communicating, 2207 the message refused, 2216 a recipient refused,
// while the others still receive it). A failure that may pass (no
// connection, 4xx, timeout, a dropped connection) is retried EmailRetries
// times with doubling pauses, and events raised meanwhile join the retried
// message; a 5xx answer is final. A message given up is logged as 2207 and
// counted. Counters returns the notifier's own counters (SelfCounters),
// Status the code of the last attempt.
//
// SendTest sends a test e-mail in one attempt (`dtrep email test`).
package email
