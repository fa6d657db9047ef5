// Package servertest starts a real source and target server on loopback
// inside a test process, for the packages whose tests must drive a live
// pair (log files, statistics file, DTStat, the service view). It is the
// exported twin of the server package's own pair helpers and stays minimal:
// start a pair, create and start a job, wait until it is idle.
package servertest
