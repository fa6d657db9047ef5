package mgmt

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/schedule"
)

// codeNotSupported is "Operation or command is not supported".
const codeNotSupported = 161

func (s *Server) opsRoutes() []route {
	return []route{
		{http.MethodPost, "/v1/verify/{name}/{action}", true, s.activity(ActivityVerify)},
		{http.MethodPost, "/v1/orphans/{name}/{action}", true, s.activity(ActivityOrphans)},
		{http.MethodPost, "/v1/restore/{name}/{action}", true, s.activity(ActivityRestore)},
		{http.MethodPost, "/v1/tasks/{name}", true, s.submitTask},
		{http.MethodGet, "/v1/jobs/{name}/schedule", false, s.getSchedule},
		{http.MethodPut, "/v1/jobs/{name}/schedule", true, s.putSchedule},
		{http.MethodDelete, "/v1/jobs/{name}/schedule", true, s.deleteSchedule},
		{http.MethodPost, "/v1/target/failover/{name}", true, s.failover},
	}
}

func (s *Server) ops() (Operations, error) {
	o, ok := s.m.(Operations)
	if !ok {
		return nil, catalog.Err(codeNotSupported, "this server has no verification, restore, task or schedule operations")
	}
	return o, nil
}

// ValidateActivity checks an activity and an action on it.
func ValidateActivity(activity, action string) error {
	switch activity {
	case ActivityVerify, ActivityOrphans, ActivityRestore:
	default:
		return catalog.Err(catalog.CodeInvalidOption, "activity %q: allowed verify, orphans, restore", activity)
	}
	switch action {
	case ActionStart, ActionPause, ActionResume, ActionStop:
		return nil
	}
	return catalog.Err(catalog.CodeInvalidCommand, "%s %q: allowed start, pause, resume, stop", activity, action)
}

func boolParam(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, catalog.Err(catalog.CodeInvalidOption, "%q is not a boolean", v)
	}
	return b, nil
}

func (s *Server) activity(activity string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		name, err := jobName(r)
		if err != nil {
			return err
		}
		action := r.PathValue("action")
		if err := ValidateActivity(activity, action); err != nil {
			return err
		}
		o, err := s.ops()
		if err != nil {
			return err
		}
		if action != ActionStart {
			if err := o.ControlActivity(r.Context(), name, activity, action); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		var opts ActivityOptions
		q := r.URL.Query()
		for key, dst := range map[string]*bool{"checksum": &opts.Checksum, "fix": &opts.Fix, "orphans": &opts.Orphans} {
			if *dst, err = boolParam(q.Get(key)); err != nil {
				return err
			}
		}
		if err := o.StartActivity(r.Context(), name, activity, opts); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// decodeStrict reads one JSON value of at most maxBodyBytes, refusing
// unknown fields and trailing data.
func decodeStrict(body io.Reader, what string, v any) error {
	dec := json.NewDecoder(&limitReader{r: body, left: maxBodyBytes + 1})
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, jsonProblem(err), "%s", what)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return catalog.Err(catalog.CodeInvalidParameter, "%s: data after the JSON object", what)
	}
	return nil
}

// Validate checks a task before it is sent or queued.
func (t TaskSpec) Validate() error {
	if len(t.Argv) == 0 || t.Argv[0] == "" {
		return catalog.Err(catalog.CodeInvalidParameter, "task: no command given")
	}
	if t.Timeout != nil && *t.Timeout < 0 {
		return catalog.Err(catalog.CodeInvalidParameter, "task: timeout %d s must be 0 (do not wait) or more", *t.Timeout)
	}
	return nil
}

func (s *Server) submitTask(w http.ResponseWriter, r *http.Request) error {
	name, err := jobName(r)
	if err != nil {
		return err
	}
	var t TaskSpec
	if err := decodeStrict(r.Body, "task", &t); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	o, err := s.ops()
	if err != nil {
		return err
	}
	rec, err := o.SubmitTask(r.Context(), name, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) getSchedule(w http.ResponseWriter, r *http.Request) error {
	name, err := jobName(r)
	if err != nil {
		return err
	}
	o, err := s.ops()
	if err != nil {
		return err
	}
	spec, err := o.Schedule(r.Context(), name)
	if err != nil {
		return err
	}
	if spec == nil {
		spec = &schedule.Spec{}
	}
	writeJSON(w, http.StatusOK, spec)
	return nil
}

func (s *Server) putSchedule(w http.ResponseWriter, r *http.Request) error {
	name, err := jobName(r)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, schedule.MaxEncoded+1))
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "schedule")
	}
	spec, err := schedule.Parse(b)
	if err != nil {
		return err
	}
	return s.setSchedule(w, r.Context(), name, spec)
}

func (s *Server) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	name, err := jobName(r)
	if err != nil {
		return err
	}
	return s.setSchedule(w, r.Context(), name, nil)
}

func (s *Server) setSchedule(w http.ResponseWriter, ctx context.Context, name string, spec *schedule.Spec) error {
	o, err := s.ops()
	if err != nil {
		return err
	}
	if err := o.SetSchedule(ctx, name, spec); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) failover(w http.ResponseWriter, r *http.Request) error {
	set, err := jobName(r) // a replication set is named like its job
	if err != nil {
		return err
	}
	o, err := s.ops()
	if err != nil {
		return err
	}
	if err := o.RequireRestore(r.Context(), set); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
