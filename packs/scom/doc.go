// Package scom generates dtrep's System Center Operations Manager packs
// from the catalog (chapters 8 and 9 of the reference):
//
//   - 2007/Dtrep.xml: one unsealed pack for SCOM 2007 R2 (imports into 2012
//     too);
//   - 2012/Dtrep.{Library,Discovery,Monitoring,Presentation}.xml: the same
//     content split by role, to be sealed and imported together.
//
// The content: a dtrep Server class discovered from the registry value the
// Windows build records (RegistryKey, RegistryValue) and a dtrep Servers
// group; an alert rule for every (log, source, ID) the Windows Event Log
// writer reports, enabled for Error events and the warnings that need
// action (Alerting), with the event's text as the alert description and the
// reference's text and required action as product knowledge; a threshold
// rule with overridable Threshold and Frequency for each of the 50
// Performance Monitor counters, a few enabled; collection rules for the key
// counters; and Alerts, State, Events and Performance Data views in a dtrep
// folder.
//
// The tests check the committed packs with mpcheck against the Microsoft
// library packs and fail when they differ from what the code generates;
// regenerate with
//
//	go test ./packs/scom -run TestCommittedPacks -update
package scom
