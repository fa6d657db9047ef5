// Package target is the target module: it accepts connections from sources,
// applies their operations in order under the connection's target path,
// makes them durable before acknowledging them, and answers the queries
// mirrors and verifications make about the target's copy.
//
// Files: module.go (listener, pause and resume, connection entries),
// session.go (one source connection), durable.go (the last durable sequence
// of each job, so a reconnecting source resends exactly what was lost), and
// query.go (stat, block-hash and list queries).
//
// Beyond applying the stream: intercept.go routes the ops the target
// handles itself (orphans.go: orphan removal or move; moved.go and
// preserve.go: TGMoveFilesOnDelete and the expiry of moved files; tasks.go:
// task commands and their outcome), restore.go keeps the Restore Required
// flag and answers a restore's reads, and block.go blocks target paths
// while connected (TGBlockOnConnect) through the descriptors of base_linux.go.
package target
