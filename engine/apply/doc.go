// Package apply is the target side of replication: an Applier rooted at a
// target path applies the stream's wire.Ops in order, retrying failed ones
// per the TG* settings, and makes them durable on Sync before the session
// acknowledges a batch.
//
// # Path safety
//
// Op paths come from the network and are untrusted. Every Path and NewPath
// must be relative, slash-separated and free of ".", ".." and empty
// components and NUL bytes. On Linux the parent directory of the final
// component is opened with openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS)
// from the root, and the final component is then handled with *at system
// calls that never follow it, so a symlink planted anywhere in the tree can
// neither move a write outside the root nor redirect it through its last
// element. Symlinks that stay beneath the root are followed in parent
// positions, as the reference's target does. Elsewhere a fallback checks
// each component with Lstat and refuses symlinked parents outright; it is
// racy against local tampering and exists so the engine builds and runs
// everywhere.
//
// A refused op writes nothing and fails with ErrUnsafePath inside a
// chapter 5 error (code 101).
//
// # Retries and drops
//
// An op that fails with a condition that can clear (disk full, sharing
// violation, access denied, I/O error, ...) is retried every RetryInterval
// (TGRetryLocked) up to RetryLimit times (TGExecutionRetryLimit, 0 =
// forever), raising 4110, 4111, 4112 or 4113 when it starts failing and
// 4120 if it then succeeds. An op that cannot succeed by waiting (its file
// is missing, a type conflict) or that exhausts its retries is dropped:
// OpsDropped counts it, 4150 is raised, and NeedsMirror reports the
// "Mirror Required" target data state until the session clears it.
//
// # Durability
//
// Sync fsyncs every file written since the last Sync and every directory
// whose entries changed, each once. Past SyncfsThreshold of them, or when a
// change cannot be pinned to an open descriptor (an attribute change on a
// file not held open), one syncfs(2) of the root's file system replaces the
// individual calls; see BenchmarkSyncStrategy for the measurement behind
// the default.
//
// # Open handles
//
// Written files stay open in a bounded LRU (MaxOpenFiles; its size is the
// TargetOpenHandles counter) so a run of small writes to one file does not
// reopen it, and are closed after CloseDelay idle (TGCloseDelay). A dirty
// handle closed before Sync is fsynced first, unless the next Sync's syncfs
// of the root's file system will reach its file (Sync then uses syncfs): a
// mirror of many small files evicts most of them before any Sync. Closing
// never weakens what Sync promises.
package apply
