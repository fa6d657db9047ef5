// Package status holds the words chapter 4 uses for a connection's state
// (Transmit mode, Mirror status, Replication status, Target data state) and
// the conState bits of chapter 3, in one place: the source sets them, the
// management API and the CLI show them, the exporters export them.
package status
