// Command dtstat is the reference's DTSTAT utility (chapter 3). It prints a
// server's statistics every second (stopping while they do not change),
// saves them to a binary statistics file (-t), reads such a file back (-f),
// and writes the connection (-s) or target (-st) data as comma-separated
// files. Options are not case-sensitive:
//
//	dtstat [-p] [-i <interval>] [-l <level>] [-t <tofile>] [-f <fromfile>]
//	       [-s <tofile>] [-st <tofile>] [-IP <address>[,<address>...]]
//	       [-Start <mm/dd/yyyy hh:mm>] [-Stop <mm/dd/yyyy hh:mm>]
//	       [-Server <ip_address> <port_number>]
//
// Live statistics come from the local server's management socket
// ($DTREP_SOCKET, else the default socket), or with -Server from a
// server's management TCP listener (https, token in $DTREP_TOKEN, the CA of
// a private certificate in $DTREP_CACERT).
package main
