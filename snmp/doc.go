// Package snmp is dtrep's SNMP sub-agent (chapter 10 of the reference): it
// serves the statistics of DT-MIB (package mib) through the system's SNMP
// agent over AgentX, and sends a dttrap* notification for each engine
// event that maps to one.
//
// Answers never wait on the engine: a refresher turns an engine snapshot
// into a sorted table of varbinds every second, and the AgentX handler
// only searches the latest table. Traps leave through snmpd as AgentX
// Notify-PDUs, directly to trap destinations with gosnmp (SNMPv2c traps or
// informs, SNMPv3), or both, as the SNMPTrap* settings say; each path has
// its own bounded queue, so a dead receiver delays nothing else.
//
// The sub-agent needs no SNMP agent to start: it keeps reconnecting, and
// the server runs normally meanwhile.
//
// net-snmp's snmpd serves it with these lines in snmpd.conf (the socket is
// SNMPAgentXAddress; trap2sink and informsink say where snmpd forwards the
// notifications):
//
//	master agentx
//	agentXSocket unix:/var/agentx/master
//	trap2sink MANAGER public
//
// Managers load DT-MIB from mib/dt.mib, or from dtrep snmp mib when
// SNMPEnterpriseOID is not the default.
package snmp
