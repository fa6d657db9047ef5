// Command extract produces a first draft of one of the catalog's data files
// from the Double-Take 7.1 Reference Guide and writes it to stdout:
//
//	go run ./engine/catalog/extract -what events > engine/catalog/data/events.json
//
// -what is one of events, errors, traps, enums or view. The drafts are then
// reviewed by hand against the reference; the catalog's tests re-parse the
// reference to keep the two in agreement. Traps are the exception to pure
// extraction: which events raise each trap is a reading of chapter 6 this
// command carries as a table (trapevents.go).
package main
