package main

import (
	"net"
	"slices"

	"github.com/dtrep/dtrep/engine/stats"
)

// keep reports whether a snapshot's time is within -Start and -Stop.
func (o options) keep(snap stats.Snapshot) bool {
	if !o.start.IsZero() && snap.Time.Before(o.start) {
		return false
	}
	if !o.stop.IsZero() && snap.Time.After(o.stop) {
		return false
	}
	return true
}

// filterIP keeps, with -IP, only the TARGET and CONNECTION blocks of the
// addresses listed: a target block by its PeerAddress, a connection by its
// conPeerAddress, with or without the port.
func (o options) filterIP(snap stats.Snapshot) stats.Snapshot {
	if len(o.ips) == 0 {
		return snap
	}
	match := func(addr string) bool {
		if slices.Contains(o.ips, addr) {
			return true
		}
		host, _, err := net.SplitHostPort(addr)
		return err == nil && slices.Contains(o.ips, host)
	}
	out := snap
	out.Targets, out.Connections = nil, nil
	for _, in := range snap.Targets {
		if match(in.Texts["PeerAddress"]) {
			out.Targets = append(out.Targets, in)
		}
	}
	for _, in := range snap.Connections {
		if match(in.Texts["conPeerAddress"]) {
			out.Connections = append(out.Connections, in)
		}
	}
	return out
}
