package mgmt

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// ServeTCP serves the API on addr until ctx is done. Every request must carry
// "Authorization: Bearer <token>"; token holders are administrators. Without
// tlsConfig the token would cross the network in clear, so plain HTTP is only
// served on a loopback address and any other address is refused.
func (s *Server) ServeTCP(ctx context.Context, addr string, tlsConfig *tls.Config, token string) error {
	if token == "" {
		return catalog.Err(catalog.CodeInvalidParameter, "management TCP listener %s needs a token", addr)
	}
	if tlsConfig == nil && !isLoopbackHost(addr) {
		return catalog.Err(catalog.CodeInvalidParameter,
			"management TCP listener %s: plain HTTP only on a loopback address; configure TLS to listen elsewhere", addr)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("management API: %w", err)
	}
	// "localhost" is trusted by name above; make sure it really bound a
	// loopback address.
	if tcp, ok := ln.Addr().(*net.TCPAddr); tlsConfig == nil && (!ok || !tcp.IP.IsLoopback()) {
		_ = ln.Close()
		return catalog.Err(catalog.CodeInvalidParameter, "management TCP listener %s bound non-loopback %s without TLS", addr, ln.Addr())
	}
	if tlsConfig != nil {
		cfg := tlsConfig.Clone()
		if cfg.MinVersion < tls.VersionTLS12 {
			cfg.MinVersion = tls.VersionTLS12
		}
		ln = tls.NewListener(ln, cfg)
	}
	s.listening("tcp", ln.Addr())
	srv := s.httpServer(s.authenticate(tokenAuth(token), "Bearer", s.api),
		func(ctx context.Context, _ net.Conn) context.Context { return withConnState(ctx, &connState{}) })
	return serve(ctx, srv, ln)
}

// tokenAuth checks every request's bearer token. Both sides are hashed
// before the constant-time compare so that not even the token's length leaks
// through timing.
func tokenAuth(token string) authenticator {
	want := sha256.Sum256([]byte(token))
	return func(_ *connState, r *http.Request) (role, string) {
		got, ok := bearerToken(r)
		if !ok {
			return roleNone, "missing Authorization: Bearer token"
		}
		h := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(h[:], want[:]) != 1 {
			return roleNone, "wrong token"
		}
		return roleAdmin, ""
	}
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

// isLoopbackHost reports whether addr's host is "localhost" or a loopback IP.
// An empty host (all interfaces) is not.
func isLoopbackHost(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	host, _, _ = strings.Cut(host, "%") // zone of a link-local IPv6 address
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
