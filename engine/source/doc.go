// Package source is the source module: for each connection it captures
// changes under the replication set, turns them into operations, mirrors the
// set to the target, and sends everything in order over one wire session,
// reconnecting after the network or the target goes away.
//
// Start with connection.go: Connection holds the parts that each do one
// job and Run drives a connection's life through them. Files of the
// package, one concern each:
//   - connection.go: a connection's life: connect, auto-disconnect,
//     reconnect; the parts it holds
//   - life.go: the goroutines a connection owns beyond a session; Run
//     waits for them
//   - session.go: one wire session (send loop, the wire.SourceHandler that
//     receives, requests and replies)
//   - transmit.go: what is sent and acknowledged, pause and resume, the
//     frame size a bandwidth limit allows
//   - build.go: reads the file system and queues the ops that make the
//     target's copy of one path equal to the source's
//   - replicate.go: capture records -> ops; owns the capture and recovers
//     from its failure
//   - mirror.go: full, difference and checksum mirrors, and the slot they
//     share with the activities below
//   - status.go: the status words (from engine/status) and the Target data
//     state the target is told
//   - cause.go: the short causes event insertion strings give
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
//   - tasks.go: in-band task commands queued in the stream (taskBook)
//   - schedule.go: bandwidth periods, transmission windows, recurring
//     verification (schedState)
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
