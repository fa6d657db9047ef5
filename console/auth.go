package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Role is what a console user may do: the reference's Double-Take Monitors
// (dtmon) look, Double-Take Admin (dtadmin) look and act.
type Role string

const (
	RoleMonitor Role = "dtmon"
	RoleAdmin   Role = "dtadmin"
)

const (
	sessionCookie = "dtrep_console"
	csrfHeader    = "X-CSRF-Token"
	sessionLife   = 12 * time.Hour
	maxSessions   = 1024
)

type session struct {
	role    Role
	csrf    string
	expires time.Time
}

// sessions are the logged-in browsers, by the hash of their cookie so a
// memory dump does not hand out live cookies.
type sessions struct {
	mu    sync.Mutex
	byKey map[[32]byte]*session
	now   func() time.Time
}

func newSessions() *sessions {
	return &sessions{byKey: map[[32]byte]*session{}, now: time.Now}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("console: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return hex.EncodeToString(b)
}

// start creates a session and returns its cookie value.
func (s *sessions) start(role Role) (string, *session) {
	id := randomHex(32)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, v := range s.byKey {
		if now.After(v.expires) {
			delete(s.byKey, k)
		}
	}
	if len(s.byKey) >= maxSessions { // drop the oldest rather than grow without bound
		var oldest [32]byte
		var t time.Time
		for k, v := range s.byKey {
			if t.IsZero() || v.expires.Before(t) {
				oldest, t = k, v.expires
			}
		}
		delete(s.byKey, oldest)
	}
	se := &session{role: role, csrf: randomHex(32), expires: now.Add(sessionLife)}
	s.byKey[sha256.Sum256([]byte(id))] = se
	return id, se
}

func (s *sessions) get(r *http.Request) (*session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, false
	}
	k := sha256.Sum256([]byte(c.Value))
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.byKey[k]
	if !ok || s.now().After(se.expires) {
		delete(s.byKey, k)
		return nil, false
	}
	return se, true
}

func (s *sessions) end(r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		delete(s.byKey, sha256.Sum256([]byte(c.Value)))
		s.mu.Unlock()
	}
}

// tokens maps login tokens to roles, compared in constant time on their
// hashes so neither a token nor its length leaks through timing.
type tokens struct {
	admin, monitor [32]byte
	hasAdmin       bool
	hasMonitor     bool
}

func newTokens(admin, monitor string) tokens {
	return tokens{admin: sha256.Sum256([]byte(admin)), monitor: sha256.Sum256([]byte(monitor)),
		hasAdmin: admin != "", hasMonitor: monitor != ""}
}

func (t tokens) role(got string) (Role, bool) {
	h := sha256.Sum256([]byte(got))
	a := subtle.ConstantTimeCompare(h[:], t.admin[:]) == 1 && t.hasAdmin
	m := subtle.ConstantTimeCompare(h[:], t.monitor[:]) == 1 && t.hasMonitor
	switch {
	case got == "":
		return "", false
	case a:
		return RoleAdmin, true
	case m:
		return RoleMonitor, true
	}
	return "", false
}

// sameOrigin refuses a cross-site request: the browser sends Origin with
// every POST and DELETE, and Sec-Fetch-Site where it knows better.
func sameOrigin(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return catalog.Err(catalog.CodeInsufficientSecurity, "cross-site request refused (%s)", site)
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return catalog.Err(catalog.CodeInsufficientSecurity, "request from origin %q refused", o)
		}
	}
	return nil
}

// checkCSRF checks a change's CSRF token against its session's.
func checkCSRF(r *http.Request, se *session) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	got := r.Header.Get(csrfHeader)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(se.csrf)) != 1 {
		return catalog.Err(catalog.CodeInsufficientSecurity, "missing or wrong %s: reload the page", csrfHeader)
	}
	return nil
}

// NewToken returns a random login token, for a console whose operator set
// none.
func NewToken() string { return randomHex(24) }
