// Package capture turns file-system changes under a replication set's root
// into an ordered stream of Change records for the source's queue. It only
// says what changed and where; the source module reads the file system to
// turn records into replication ops.
//
// It is built on inotify through fsnotify, which has no recursive mode, so
// capture adds a watch per wanted directory and copes with inotify's gaps
// (see RECIPES.md, "Change capture on Linux"):
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
// the inotify reader: undelivered records queue inside the watcher, where a
// Write, Chmod or duplicate Create is merged into an earlier record for the
// same path, and past Options.MaxPending the whole backlog collapses into a
// single root Rescan.
package capture
