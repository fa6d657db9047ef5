package console

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/view"
)

const maxFormBytes = 1 << 20

// Handler is the console: the embedded pages and the /api the pages use.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", staticFiles())
	mux.HandleFunc("POST /api/login", c.login)
	mux.HandleFunc("POST /api/logout", c.logout)
	mux.Handle("GET /api/session", c.look(c.session))
	mux.Handle("GET /api/events", c.look(c.events))
	mux.Handle("GET /api/servers/{server}/jobs/{name}", c.look(c.jobDetail))
	mux.Handle("GET /api/servers/{server}/logs", c.look(c.logs))
	mux.Handle("POST /api/servers", c.act(c.addServer))
	mux.Handle("DELETE /api/servers/{server}", c.act(c.removeServer))
	mux.Handle("POST /api/servers/{server}/jobs", c.act(c.createJob))
	mux.Handle("POST /api/servers/{server}/jobs/{name}/{action}", c.act(c.jobAction))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		mgmt.WriteError(w, catalog.Err(catalog.CodeInvalidCommand, "%s %s: no such console API path", r.Method, r.URL.Path))
	})
	return securityHeaders(mux)
}

// securityHeaders keep the pages from being framed, from running anything
// but their own embedded script, and from leaking the URL.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

type handler func(w http.ResponseWriter, r *http.Request, se *session) error

// look serves a read to any logged-in user.
func (c *Console) look(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		se, ok := c.sessions.get(r)
		if !ok {
			writeStatus(w, http.StatusUnauthorized, catalog.Err(catalog.CodeInsufficientSecurity, "not logged in"))
			return
		}
		if err := h(w, r, se); err != nil {
			mgmt.WriteError(w, err)
		}
	})
}

// act serves a change: dtadmin only, same origin, with the session's CSRF
// token, a bounded body.
func (c *Console) act(h handler) http.Handler {
	return c.look(func(w http.ResponseWriter, r *http.Request, se *session) error {
		if err := checkCSRF(r, se); err != nil {
			return err
		}
		if se.role != RoleAdmin {
			return catalog.Err(catalog.CodeInsufficientSecurity, "%s %s changes a server: read-only (%s) access", r.Method, r.URL.Path, se.role)
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		err := h(w, r, se)
		if err != nil {
			c.opts.Log.Warn("console action failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		c.pollSoon()
		return err
	})
}

func writeStatus(w http.ResponseWriter, status int, err *catalog.Error) {
	mgmt.WriteJSON(w, status, map[string]any{"code": err.Code, "message": err.Message, "detail": err.Detail})
}

type sessionInfo struct {
	Role Role   `json:"role"`
	CSRF string `json:"csrf"`
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if err := sameOrigin(r); err != nil {
		mgmt.WriteError(w, err)
		return
	}
	var f struct {
		Token string `json:"token"`
	}
	if err := decodeForm(http.MaxBytesReader(w, r.Body, 64<<10), &f); err != nil {
		mgmt.WriteError(w, err)
		return
	}
	role, ok := c.tokens.role(f.Token)
	if !ok {
		c.opts.Log.Warn("console login refused", "remote", r.RemoteAddr)
		writeStatus(w, http.StatusUnauthorized, catalog.Err(catalog.CodeInsufficientSecurity, "wrong token"))
		return
	}
	id, se := c.sessions.start(role)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true,
		Secure: c.opts.Secure, SameSite: http.SameSiteStrictMode, MaxAge: int(sessionLife.Seconds())})
	mgmt.WriteJSON(w, http.StatusOK, sessionInfo{Role: role, CSRF: se.csrf})
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if err := sameOrigin(r); err != nil {
		mgmt.WriteError(w, err)
		return
	}
	c.sessions.end(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: c.opts.Secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

func (c *Console) session(w http.ResponseWriter, _ *http.Request, se *session) error {
	mgmt.WriteJSON(w, http.StatusOK, sessionInfo{Role: se.role, CSRF: se.csrf})
	return nil
}

// decodeForm reads one JSON object, refusing unknown fields and trailing
// data, with an error naming the problem.
func decodeForm(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "form")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return catalog.Err(catalog.CodeInvalidParameter, "form: data after the JSON object")
	}
	return nil
}

func (c *Console) addServer(w http.ResponseWriter, r *http.Request, _ *session) error {
	var f serverForm
	if err := decodeForm(r.Body, &f); err != nil {
		return err
	}
	ws, err := c.servers.add(r.Context(), f)
	if err != nil {
		return err
	}
	c.live.server(ServerRow{ID: ws.ID, Name: ws.Name, URL: ws.URL, Health: HealthConnecting}, nil)
	mgmt.WriteJSON(w, http.StatusCreated, map[string]string{"id": ws.ID})
	return nil
}

func (c *Console) removeServer(w http.ResponseWriter, r *http.Request, _ *session) error {
	ws, err := c.servers.remove(r.PathValue("server"))
	if err != nil {
		return err
	}
	c.live.forget(ws.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// jobDetail is a job page's data beyond its live row: the replication
// service view's items of its connection.
type jobDetail struct {
	Status     mgmt.JobStatus   `json:"status"`
	Connection *view.Connection `json:"connection,omitempty"`
}

func (c *Console) jobDetail(w http.ResponseWriter, r *http.Request, _ *session) error {
	ws, name, err := c.jobOf(r)
	if err != nil {
		return err
	}
	st, err := ws.m.JobStatus(r.Context(), name)
	if err != nil {
		return err
	}
	d := jobDetail{Status: st}
	if v, err := ws.m.View(r.Context()); err == nil {
		for i := range v.Connections {
			if v.Connections[i].Job == name {
				d.Connection = &v.Connections[i]
			}
		}
	}
	mgmt.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (c *Console) jobOf(r *http.Request) (*watched, string, error) {
	ws, err := c.servers.get(r.PathValue("server"))
	if err != nil {
		return nil, "", err
	}
	name := r.PathValue("name")
	return ws, name, mgmt.ValidateJobName(name)
}

func (c *Console) createJob(w http.ResponseWriter, r *http.Request, _ *session) error {
	ws, err := c.servers.get(r.PathValue("server"))
	if err != nil {
		return err
	}
	start, err := boolQuery(r, "start")
	if err != nil {
		return err
	}
	spec, err := mgmt.DecodeJobSpec(r.Body)
	if err != nil {
		return err
	}
	if err := ws.m.CreateJob(r.Context(), spec); err != nil {
		return err
	}
	if start {
		if err := ws.m.StartJob(r.Context(), spec.Name); err != nil {
			return err
		}
	}
	mgmt.WriteJSON(w, http.StatusCreated, map[string]string{"name": spec.Name})
	return nil
}

func boolQuery(r *http.Request, key string) (bool, error) {
	switch v := r.URL.Query().Get(key); v {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	default:
		return false, catalog.Err(catalog.CodeInvalidOption, "%s=%q: allowed true or false", key, v)
	}
}

// jobActions are the CLI's job, mirror and activity commands by the name
// the pages post.
var jobActions = map[string]func(ctx context.Context, m mgmt.Manager, name string, r *http.Request) error{
	"start":  func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error { return m.StartJob(ctx, n) },
	"stop":   func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error { return m.StopJob(ctx, n) },
	"pause":  func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error { return m.PauseJob(ctx, n) },
	"resume": func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error { return m.ResumeJob(ctx, n) },
	"delete": func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error { return m.DeleteJob(ctx, n) },
	"mirror-start": func(ctx context.Context, m mgmt.Manager, n string, r *http.Request) error {
		mode := r.URL.Query().Get("mode")
		if err := mgmt.ValidateMirrorMode(mode); err != nil {
			return err
		}
		return m.StartMirror(ctx, n, mode)
	},
	"mirror-stop": func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error {
		return m.StopMirror(ctx, n)
	},
	"mirror-pause": func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error {
		return m.PauseMirror(ctx, n)
	},
	"mirror-resume": func(ctx context.Context, m mgmt.Manager, n string, _ *http.Request) error {
		return m.ResumeMirror(ctx, n)
	},
}

func (c *Console) jobAction(w http.ResponseWriter, r *http.Request, _ *session) error {
	ws, name, err := c.jobOf(r)
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	if do, ok := jobActions[action]; ok {
		if err := do(r.Context(), ws.m, name, r); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	// verify-start, orphans-stop, restore-pause, ...
	activity, verb, _ := strings.Cut(action, "-")
	if err := mgmt.ValidateActivity(activity, verb); err != nil {
		return err
	}
	ops, ok := ws.m.(mgmt.Operations)
	if !ok {
		return catalog.Err(161, "server %s has no verification, orphans or restore", ws.Name)
	}
	if verb == mgmt.ActionStart {
		var o mgmt.ActivityOptions
		for _, opt := range []struct {
			key string
			to  *bool
		}{{"checksum", &o.Checksum}, {"fix", &o.Fix}, {"orphans", &o.Orphans}} {
			if *opt.to, err = boolQuery(r, opt.key); err != nil {
				return err
			}
		}
		err = ops.StartActivity(r.Context(), name, activity, o)
	} else {
		err = ops.ControlActivity(r.Context(), name, activity, verb)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
