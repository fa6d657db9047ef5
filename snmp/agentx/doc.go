// Package agentx is the sub-agent side of AgentX (RFC 2741) as dtrep needs
// it against net-snmp's snmpd: open a session, register subtrees, answer
// Get, GetNext and GetBulk from a Handler, send Notify, and come back by
// itself after the master agent restarts, times the session out or closes
// it.
//
// It is built on github.com/posteo/go-agentx: its OID values, PDU type and
// error constants, its PDU encoders for what we send, and its Handler
// interface for what we serve. Its client is not used: it panics on a read
// error other than EOF, does not bound what it reads, answers only the
// first varbind of a Get, and has no Notify. This package reads every PDU
// with bounds checks (FuzzDecode), honours the byte order each PDU
// declares, and owns the connection's life.
package agentx
