package mgmt

import (
	"context"
	"net/http"
	"net/url"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/failover"
)

// Failover actions on a monitored replication set.
const (
	FailoverStart   = "start"
	FailoverUndo    = "undo"
	FailoverReverse = "reverse"
)

// Failover is what a server offers of its failover module: monitors of the
// sources of the copies it holds, and failover, undo and reverse
// protection. A Manager that does not implement it answers those routes
// with 161.
type Failover interface {
	MonitorSource(ctx context.Context, spec failover.Spec) (failover.Status, error)
	RemoveMonitor(ctx context.Context, set string) error
	FailoverStatus(ctx context.Context) ([]failover.Status, error)
	// FailoverAction runs FailoverStart, FailoverUndo or FailoverReverse.
	FailoverAction(ctx context.Context, set, action string) error
}

// ValidateFailoverAction checks an action's name.
func ValidateFailoverAction(action string) error {
	switch action {
	case FailoverStart, FailoverUndo, FailoverReverse:
		return nil
	}
	return catalog.Err(catalog.CodeInvalidCommand, "failover %q: allowed start, undo, reverse", action)
}

func (s *Server) failoverRoutes() []route {
	return []route{
		{http.MethodGet, "/v1/failover", false, s.failoverStatus},
		{http.MethodPut, "/v1/failover/{name}/monitor", true, s.monitorSource},
		{http.MethodDelete, "/v1/failover/{name}/monitor", true, s.removeMonitor},
		{http.MethodPost, "/v1/failover/{name}/{action}", true, s.failoverAction},
	}
}

func (s *Server) failoverModule() (Failover, error) {
	f, ok := s.m.(Failover)
	if !ok {
		return nil, catalog.Err(codeNotSupported, "this server has no failover module")
	}
	return f, nil
}

func (s *Server) failoverStatus(w http.ResponseWriter, r *http.Request) error {
	f, err := s.failoverModule()
	if err != nil {
		return err
	}
	st, err := f.FailoverStatus(r.Context())
	if err != nil {
		return err
	}
	if st == nil {
		st = []failover.Status{}
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) monitorSource(w http.ResponseWriter, r *http.Request) error {
	set, err := jobName(r)
	if err != nil {
		return err
	}
	var spec failover.Spec
	if err := decodeStrict(r.Body, "failover monitor", &spec); err != nil {
		return err
	}
	if spec.Set != "" && spec.Set != set {
		return catalog.Err(catalog.CodeInvalidParameter, "failover monitor: set %q in the body, %q in the path", spec.Set, set)
	}
	spec.Set = set
	f, err := s.failoverModule()
	if err != nil {
		return err
	}
	st, err := f.MonitorSource(r.Context(), spec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) removeMonitor(w http.ResponseWriter, r *http.Request) error {
	f, err := s.failoverModule()
	if err != nil {
		return err
	}
	return onJob(f.RemoveMonitor)(w, r)
}

func (s *Server) failoverAction(w http.ResponseWriter, r *http.Request) error {
	set, err := jobName(r)
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	if err := ValidateFailoverAction(action); err != nil {
		return err
	}
	f, err := s.failoverModule()
	if err != nil {
		return err
	}
	if err := f.FailoverAction(r.Context(), set, action); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var _ Failover = (*Client)(nil)

// MonitorSource implements Failover.
func (c *Client) MonitorSource(ctx context.Context, spec failover.Spec) (failover.Status, error) {
	var out failover.Status
	if err := ValidateJobName(spec.Set); err != nil {
		return out, err
	}
	err := c.do(ctx, http.MethodPut, "/v1/failover/"+url.PathEscape(spec.Set)+"/monitor", nil, spec, &out)
	return out, err
}

// RemoveMonitor implements Failover.
func (c *Client) RemoveMonitor(ctx context.Context, set string) error {
	return c.onJob(ctx, http.MethodDelete, "/v1/failover", set, "monitor", nil, nil)
}

// FailoverStatus implements Failover.
func (c *Client) FailoverStatus(ctx context.Context) ([]failover.Status, error) {
	var out []failover.Status
	err := c.do(ctx, http.MethodGet, "/v1/failover", nil, nil, &out)
	return out, err
}

// FailoverAction implements Failover.
func (c *Client) FailoverAction(ctx context.Context, set, action string) error {
	if err := ValidateFailoverAction(action); err != nil {
		return err
	}
	return c.onJob(ctx, http.MethodPost, "/v1/failover", set, action, nil, nil)
}
