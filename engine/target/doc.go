// Package target is the target module: it accepts connections from sources,
// applies their operations in order under the connection's target path,
// makes them durable before acknowledging them, and answers the queries
// mirrors and verifications make about the target's copy.
//
// Files: module.go (listener, pause and resume, connection entries),
// session.go (one source connection), durable.go (the last durable sequence
// of each job, so a reconnecting source resends exactly what was lost), and
// query.go (stat, block-hash and list queries).
package target
