package server

import (
	"net"
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
)

// isSelf reports whether target (HOST:PORT) names this server's own
// replication listener: a loopback, unspecified or local interface address
// with the port this server listens on. Names resolve through the local
// resolver; a name that does not resolve is not this server.
func (s *Server) isSelf(target string) bool {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return false
	}
	la := &net.TCPAddr{Port: int(s.set.Int(catalog.SettingPort))}
	select {
	case <-s.ready: // s.ln is set for good
		if a, ok := s.ln.Addr().(*net.TCPAddr); ok {
			la = a
		}
	default:
	}
	if port != strconv.Itoa(la.Port) {
		return false
	}
	ips := []net.IP{net.ParseIP(host)}
	if ips[0] == nil {
		addrs, err := net.LookupIP(host)
		if err != nil {
			return false
		}
		ips = addrs
	}
	local, _ := net.InterfaceAddrs()
	for _, ip := range ips {
		if ip.IsLoopback() || ip.IsUnspecified() || ip.Equal(la.IP) {
			return true
		}
		for _, a := range local {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return true
			}
		}
	}
	return false
}
