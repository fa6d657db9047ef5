package mgmt

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// route is one API operation. Changes need the admin role.
type route struct {
	method string
	path   string // net/http pattern without the method
	change bool
	handle func(w http.ResponseWriter, r *http.Request) error
}

func (s *Server) routeTable() []route {
	m := s.m
	return append([]route{
		{http.MethodGet, "/v1/jobs", false, s.listJobs},
		{http.MethodPost, "/v1/jobs", true, s.createJob},
		{http.MethodGet, "/v1/jobs/{name}", false, s.jobStatus},
		{http.MethodDelete, "/v1/jobs/{name}", true, onJob(m.DeleteJob)},
		{http.MethodPost, "/v1/jobs/{name}/start", true, onJob(m.StartJob)},
		{http.MethodPost, "/v1/jobs/{name}/stop", true, onJob(m.StopJob)},
		{http.MethodPost, "/v1/jobs/{name}/pause", true, onJob(m.PauseJob)},
		{http.MethodPost, "/v1/jobs/{name}/resume", true, onJob(m.ResumeJob)},
		{http.MethodPost, "/v1/mirror/{name}/start", true, s.startMirror},
		{http.MethodPost, "/v1/mirror/{name}/stop", true, onJob(m.StopMirror)},
		{http.MethodPost, "/v1/mirror/{name}/pause", true, onJob(m.PauseMirror)},
		{http.MethodPost, "/v1/mirror/{name}/resume", true, onJob(m.ResumeMirror)},
		{http.MethodPost, "/v1/target/pause", true, onServer(m.PauseTarget)},
		{http.MethodPost, "/v1/target/resume", true, onServer(m.ResumeTarget)},
		{http.MethodGet, "/v1/stats", false, s.stats},
		{http.MethodGet, "/v1/view", false, s.view},
		{http.MethodDelete, "/v1/view/connections/{id}", true, s.deleteConnection},
		{http.MethodDelete, "/v1/view/sets/{name}", true, s.deleteReplicationSet},
		{http.MethodGet, "/v1/logs", false, s.readLogs},
	}, append(s.opsRoutes(), s.failoverRoutes()...)...)
}

// routes builds the mux. Methods are dispatched here rather than by
// net/http's method patterns so that a wrong method gets our JSON error (102)
// instead of net/http's plain-text 405.
func (s *Server) routes() http.Handler {
	byPath := map[string][]route{}
	var paths []string
	for _, rt := range s.routeTable() {
		if _, ok := byPath[rt.path]; !ok {
			paths = append(paths, rt.path)
		}
		byPath[rt.path] = append(byPath[rt.path], rt)
	}
	mux := http.NewServeMux()
	for _, p := range paths {
		mux.Handle(p, methodDispatch(byPath[p]))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErrorStatus(w, http.StatusNotFound,
			catalog.Err(catalog.CodeInvalidCommand, "%s %s: no such API path", r.Method, r.URL.Path))
	})
	return mux
}

func methodDispatch(rts []route) http.Handler {
	var allowed []string
	for _, rt := range rts {
		allowed = append(allowed, rt.method)
	}
	slices.Sort(allowed)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := slices.IndexFunc(rts, func(rt route) bool { return rt.method == r.Method })
		if i < 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeErrorStatus(w, http.StatusMethodNotAllowed, catalog.Err(catalog.CodeInvalidCommand,
				"%s %s: method not allowed (allowed: %s)", r.Method, r.URL.Path, strings.Join(allowed, ", ")))
			return
		}
		rt := rts[i]
		if rt.change {
			if err := requireAdmin(r); err != nil {
				writeError(w, err)
				return
			}
		}
		if err := rt.handle(w, r); err != nil {
			writeError(w, err)
		}
	})
}

// jobName is the {name} of the path, checked like a created job's name.
func jobName(r *http.Request) (string, error) {
	name := r.PathValue("name")
	return name, ValidateJobName(name)
}

// onJob adapts a Manager change on one job.
func onJob(op func(ctx context.Context, name string) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		name, err := jobName(r)
		if err != nil {
			return err
		}
		if err := op(r.Context(), name); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// onServer adapts a Manager change on the whole server.
func onServer(op func(ctx context.Context) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := op(r.Context()); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request) error {
	spec, err := decodeJobSpec(r.Body)
	if err != nil {
		return err
	}
	if err := s.m.CreateJob(r.Context(), spec); err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/jobs/"+url.PathEscape(spec.Name))
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) error {
	jobs, err := s.m.ListJobs(r.Context())
	if err != nil {
		return err
	}
	if jobs == nil {
		jobs = []JobStatus{} // [] rather than null for scripts
	}
	writeJSON(w, http.StatusOK, jobs)
	return nil
}

func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) error {
	name, err := jobName(r)
	if err != nil {
		return err
	}
	st, err := s.m.JobStatus(r.Context(), name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) startMirror(w http.ResponseWriter, r *http.Request) error {
	name, err := jobName(r)
	if err != nil {
		return err
	}
	mode := r.URL.Query().Get("mode")
	if err := ValidateMirrorMode(mode); err != nil {
		return err
	}
	if mode == "" {
		mode = MirrorFull
	}
	if err := s.m.StartMirror(r.Context(), name, mode); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	snap, err := s.m.Stats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, snap)
	return nil
}
