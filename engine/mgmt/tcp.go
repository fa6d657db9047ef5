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

// Tokens are the bearer tokens of a TCP listener: Admin's holders may change
// the server, Monitor's may only read (the dtadmin and dtmon groups of the
// unix socket). Either may be empty, not both.
type Tokens struct{ Admin, Monitor string }

// ServeTCP serves the API on addr until ctx is done. Every request must carry
// "Authorization: Bearer <token>", one of tokens. Without tlsConfig the token
// would cross the network in clear, so plain HTTP is only served on a
// loopback address and any other address is refused.
func (s *Server) ServeTCP(ctx context.Context, addr string, tlsConfig *tls.Config, tokens Tokens) error {
	if tokens.Admin == "" && tokens.Monitor == "" {
		return catalog.Err(catalog.CodeInvalidParameter, "management TCP listener %s needs a token", addr)
	}
	if tokens.Admin == tokens.Monitor {
		return catalog.Err(catalog.CodeInvalidParameter, "management TCP listener %s: the admin and monitor tokens are the same", addr)
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
	srv := s.httpServer(s.authenticate(tokenAuth(tokens), "Bearer", s.api),
		func(ctx context.Context, _ net.Conn) context.Context { return withConnState(ctx, &connState{}) })
	return serve(ctx, srv, ln)
}

// tokenAuth checks every request's bearer token. Both sides are hashed
// before the constant-time compare so that not even the token's length leaks
// through timing; both tokens are always compared, so timing does not tell
// which one matched either.
func tokenAuth(tokens Tokens) authenticator {
	admin, monitor := tokenHash(tokens.Admin), tokenHash(tokens.Monitor)
	return func(_ *connState, r *http.Request) (role, string) {
		got, ok := bearerToken(r)
		if !ok {
			return roleNone, "missing Authorization: Bearer token"
		}
		h := sha256.Sum256([]byte(got))
		isAdmin := subtle.ConstantTimeCompare(h[:], admin[:])
		isMonitor := subtle.ConstantTimeCompare(h[:], monitor[:])
		switch {
		case isAdmin == 1:
			return roleAdmin, ""
		case isMonitor == 1:
			return roleMonitor, ""
		}
		return roleNone, "wrong token"
	}
}

// tokenHash is the hash an unset token compares with: none, since no
// request's hash can be all zeroes in practice and an empty bearer token is
// refused before comparing.
func tokenHash(token string) [sha256.Size]byte {
	if token == "" {
		return [sha256.Size]byte{}
	}
	return sha256.Sum256([]byte(token))
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
