package mgmt

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/dtrep/dtrep/engine/catalog"
)

// role is what a caller may do.
type role int

const (
	roleNone    role = iota // refused: 138
	roleMonitor             // reads only
	roleAdmin               // reads and changes
)

func (r role) String() string {
	return [...]string{"none", "monitor", "admin"}[r]
}

// connState is the per-connection authorisation state, created by
// http.Server.ConnContext. A connection is one login: its role is decided
// once and Security is told once, however many requests it carries.
type connState struct {
	loginOnce sync.Once

	// Unix socket connections: the peer's kernel credentials, read at
	// accept, and the role derived from them on first use (group lookups
	// are too slow for the accept loop).
	peer     peerCred
	peerErr  error
	roleOnce sync.Once
	role     role
	why      string // why the role is none, for the refusal's detail
}

type connStateKey struct{}
type roleKey struct{}

func withConnState(ctx context.Context, cs *connState) context.Context {
	return context.WithValue(ctx, connStateKey{}, cs)
}

func connStateOf(ctx context.Context) *connState {
	cs, _ := ctx.Value(connStateKey{}).(*connState)
	return cs
}

func roleOf(ctx context.Context) role {
	r, _ := ctx.Value(roleKey{}).(role)
	return r
}

// authenticator decides a request's role; why explains a refusal.
type authenticator func(cs *connState, r *http.Request) (role role, why string)

var errNoConnState = errors.New("connection state missing")

// authenticate wraps the API: it decides the caller's role, counts the
// connection's login once, and refuses callers without a role before any
// routing, so an unauthenticated caller learns nothing about the API. A
// refused connection is closed, so every failed attempt is a new connection
// and a new FailedLogins count.
// challenge, when set, is the WWW-Authenticate scheme of a refusal (401
// rather than 403), for clients that present credentials in the request.
func (s *Server) authenticate(auth authenticator, challenge string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs := connStateOf(r.Context())
		if cs == nil {
			// Only reachable if the handler is mounted without our
			// ConnContext: fail closed.
			cs = &connState{}
			cs.peerErr = errNoConnState
		}
		rl, why := auth(cs, r)
		cs.loginOnce.Do(func() { s.sec.Login(rl != roleNone) })
		if rl == roleNone {
			s.opts.Log.Warn("management login refused", "remote", r.RemoteAddr, "reason", why)
			w.Header().Set("Connection", "close")
			err := catalog.Err(catalog.CodeInsufficientSecurity, "%s", why)
			if challenge != "" {
				w.Header().Set("WWW-Authenticate", challenge)
				writeErrorStatus(w, http.StatusUnauthorized, err)
				return
			}
			writeError(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), roleKey{}, rl)))
	})
}

// requireAdmin refuses a change to a read-only caller.
func requireAdmin(r *http.Request) error {
	if roleOf(r.Context()) != roleAdmin {
		return catalog.Err(catalog.CodeInsufficientSecurity, "%s %s changes the server: read-only (monitor) access", r.Method, r.URL.Path)
	}
	return nil
}
