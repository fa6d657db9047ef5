package console

import (
	"net/http"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// sseStart makes w an event stream, or says why it cannot be one.
func sseStart(w http.ResponseWriter) (*http.ResponseController, error) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return rc, rc.Flush()
}

// events streams the live state: a snapshot of every server and job, then
// what changes.
func (c *Console) events(w http.ResponseWriter, r *http.Request, _ *session) error {
	sub, snap := c.live.subscribe()
	defer c.live.unsubscribe(sub)
	rc, err := sseStart(w)
	if err != nil {
		return nil // the browser went away
	}
	for _, f := range snap {
		if _, err := w.Write(f); err != nil {
			return nil
		}
	}
	if rc.Flush() != nil {
		return nil
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-sub.gone: // lagged: the browser reconnects to a fresh snapshot
			return nil
		case f := <-sub.ch:
			if _, err := w.Write(f); err != nil {
				return nil
			}
			// Send what else is waiting in the same write.
			for more := true; more; {
				select {
				case f := <-sub.ch:
					_, _ = w.Write(f)
				default:
					more = false
				}
			}
			if rc.Flush() != nil {
				return nil
			}
		}
	}
}

// Log window bounds: the lines a window opens with, and how often it asks
// the server for more.
const (
	logTail     = 500
	logInterval = 500 * time.Millisecond
)

// logs streams a server's logs (engine and management) or, with ?job=, a
// job's log: the last lines, then each new one. A server that cannot be
// read gets a "failure" event and is asked again, so the window recovers
// with the server.
func (c *Console) logs(w http.ResponseWriter, r *http.Request, _ *session) error {
	ws, err := c.servers.get(r.PathValue("server"))
	if err != nil {
		return err
	}
	q := mgmt.LogQuery{Job: r.URL.Query().Get("job"), Tail: logTail}
	if err := q.Validate(); err != nil {
		return err
	}
	rc, err := sseStart(w)
	if err != nil {
		return nil
	}
	t := time.NewTicker(logInterval)
	defer t.Stop()
	failing := false
	for {
		page, err := ws.m.ReadLogs(r.Context(), q)
		switch {
		case r.Context().Err() != nil:
			return nil
		case err != nil:
			if !failing {
				failing = true
				_, _ = w.Write(frame("failure", map[string]any{"code": catalog.CodeOf(err), "message": ws.Name + ": " + err.Error()}))
			}
		default:
			if failing {
				failing = false
				_, _ = w.Write(frame("recovered", map[string]string{}))
			}
			if len(page.Entries) > 0 {
				_, _ = w.Write(frame("lines", page.Entries))
			}
			q.Cursor, q.Tail = page.Cursor, 0
		}
		if rc.Flush() != nil {
			return nil
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-t.C:
		}
	}
}
