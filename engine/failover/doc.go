// Package failover is the target's watch over its sources and the cycle
// that follows a failed one (the reference's failover module).
//
// A Monitor watches the source of one replication set this server holds a
// copy of: every interval it counts a reply when the set's replication
// session delivered a frame (data or keep-alive) since the last probe, or
// when an independent TCP probe of the source's address connects. After
// the configured number of intervals in a row without a reply the failover
// condition is met: events 6011 and 6010 (dttrapFailoverConditionMet), and
// with automatic failover the failover itself. A reply before that resets
// the count, so short network blips do not trigger anything.
//
// Failover makes this server's copy the live one: the pre-failover script
// runs (5105, then 5106 or 5107), the copy becomes Restore Required for its
// source (which stops replicating into it and must restore from it), the
// post-failover script runs, and 6110 (dttrapFailoverInProgress) and 6111
// or 6112 tell the story. Undo (6120-6122) hands the copy back to its
// source. Reverse (6130-6132) protects the copy the other way: a new job on
// this server mirrors it, differences only, to the old source's path.
package failover
