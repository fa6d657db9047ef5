// Package mib is the SNMP interface of dtrep: DT-MIB, the module chapter 10
// of the reference ships as dt.mib, built from the catalog.
//
// Build lays the module out under an enterprise OID (the SNMPEnterpriseOID
// setting): one scalar per kernel-wide statistic, a connection table indexed
// by connection ID for the dtcon* columns, Counter64 objects beside the byte
// counters that wrap at 2^32, the objects traps carry, one
// NOTIFICATION-TYPE per dttrap* trap, and the conformance groups and
// compliance statement SMIv2 asks for. Render writes that layout as MIB
// text; the SNMP sub-agent serves the same Layout, so the file a manager
// loads and the OIDs the agent answers can never disagree.
//
// Object and notification arcs are written down in arcs.go rather than
// derived from any order: once published, an OID must not move.
package mib
