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
//
// Operations beyond mirroring and replication share the mirror's slot (one
// at a time; Mirror Status says which):
//   - activity.go: start, pause, resume and stop of verification, orphan
//     removal and restore, with their events
//   - verify.go: verification by attributes or checksums, the verification
//     log, fixing differences, retries
//   - orphans.go: finding what only the target has, removed in stream order
//   - restore.go: copying the target's data back to the source
//   - walk.go: the set walk and target queries these share
//
// And beside them:
//   - tasks.go: in-band task commands queued in the stream
//   - schedule.go: bandwidth periods, transmission windows, recurring
//     verification
//   - jobstate.go: the target's Restore Required flag
//   - ops.go: the state all of these keep on a connection
//
// The queue's durability and the faults a connection rides out:
//   - diskqueue.go: the job's journal (QJournalDir and the other queue
//     settings), the server's memory pool and its kernel counters
//   - overflow.go: a full queue (memory, disk) auto-disconnects, discards
//     the queue and remirrors (events 4007, 4008, 8196, Out of Memory)
//   - disconnect.go: why a session ended, and the keep-alive that notices
//     an unreachable target
//   - remirror.go: AutoRemirrorRetry, and the orphan pass owed after a
//     crash or a discarded queue
//   - linkindex.go: every name queued for each inode, so hard links stay
//     links whichever name changes or goes
package source
