// Package source is the source module: for each connection it captures
// changes under the replication set, turns them into operations, mirrors the
// set to the target, and sends everything in order over one wire session,
// reconnecting after the network or the target goes away.
//
// Files of the package, one concern each:
//   - build.go: reads the file system and queues the ops that make the
//     target's copy of one path equal to the source's
//   - replicate.go: capture records -> ops
//   - mirror.go: full, difference and checksum mirrors
//   - session.go: one wire session (send loop, receive loop, requests)
//   - connection.go: a connection's life: connect, auto-disconnect, reconnect
//   - status.go: the reference's status words for the connection
package source
