package target

import (
	"crypto/tls"
	"net"
)

func newTLSServer(nc net.Conn, cfg Config) net.Conn { return tls.Server(nc, cfg.TLS) }
