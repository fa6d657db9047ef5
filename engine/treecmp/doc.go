// Package treecmp compares a replica with its source tree for the tests that
// prove replication: the engine's end-to-end tests and the fault trials. It
// reads unix file details (inodes, link counts), so it builds on Linux only.
package treecmp
