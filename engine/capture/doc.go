// Package capture turns file-system changes under a replication set's root
// into an ordered stream of Change records for the source's queue. It only
// says what changed and where; the source module reads the file system to
// turn records into replication ops.
//
// Two kernel interfaces feed it (see Method and RECIPES.md, "Change capture
// on Linux"); the Watcher holds what they share: the set's filter, the
// record queue and its delivery, the counters.
//
// fanotify (chosen where the kernel and privileges allow, and no other file
// system is mounted below the root) marks the root's whole file system
// once, reporting each event with its directory's file handle and the
// entry's name:
//
//   - nothing is kept per directory but the path a handle stands for,
//     learnt from the events themselves or asked of the kernel
//     (open_by_handle_at) the first time a handle is seen; events about the
//     rest of the file system are dropped;
//   - a rename is one event with both names (FAN_RENAME), so it needs no
//     pairing, and a directory moved in from outside the set is scanned;
//   - the kernel merges events of one object and name not yet read; a
//     merged create and delete leaves a Remove;
//   - a queue overflow (FAN_Q_OVERFLOW) yields one Rescan record for the
//     root.
//
// inotify (through fsnotify) has no recursive mode, so capture adds a watch
// per wanted directory and copes with inotify's gaps:
//
//   - a new directory is watched and then scanned, and everything found is
//     reported, so entries created before the watch existed are not lost;
//   - a kernel queue overflow, or any other lost-event condition, re-syncs
//     the watches and yields one Rescan record for the root, on which the
//     consumer re-mirrors by difference;
//   - a rename arrives as RENAME old then CREATE new; the two are paired
//     into one Rename record through fsnotify's rename cookie or, for
//     directories, by inode; a rename out of the tree becomes a Remove, one
//     into it a Create (plus a scan for a directory);
//   - a renamed directory's watches are re-registered under the new path.
//     Events in the moments between the rename and the re-registration can
//     be lost, so a Rename of a watched directory is followed by a Rescan of
//     the new path.
//
// Records are delivered on a bounded channel. A slow consumer never stalls
// the kernel reader: undelivered records queue inside the watcher, where a
// Write, Chmod or duplicate Create is merged into an earlier record for the
// same path, and past Options.MaxPending the whole backlog collapses into a
// single root Rescan.
package capture
