package mgmt

import (
	"net/http"
)

// Server serves a Manager over HTTP. One Server may serve a unix socket and a
// TCP listener at the same time; they share the routes and differ only in
// how callers are authenticated.
type Server struct {
	m    Manager
	sec  Security
	opts Options
	api  http.Handler // the routes, behind no authentication yet
}

// NewServer builds the API over m. sec is told about every connection's
// login; nil counts nothing.
func NewServer(m Manager, sec Security, opts Options) *Server {
	if sec == nil {
		sec = noSecurity{}
	}
	s := &Server{m: m, sec: sec, opts: opts.withDefaults()}
	s.api = s.routes()
	return s
}

type noSecurity struct{}

func (noSecurity) Login(bool) {}
