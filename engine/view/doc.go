// Package view builds the replication service view of chapter 4: the root
// items of a server, its connections folder (one row per connection with
// every column) and each specific connection, its replication sets and each
// specific set (paths with Inc/Exc/Rec), and its target connection entries
// and each specific entry.
//
// Item names, their order and the status words come from the catalog
// (catalog.ViewFields and catalog.Enums), and the statistic items are read
// from the connection's counters through the catalog's view_field names, so
// the view cannot drift from the reference or from DTStat. Build takes plain
// inputs the server gathers (Input), which keeps this package free of the
// engine's moving parts and easy to test.
package view
