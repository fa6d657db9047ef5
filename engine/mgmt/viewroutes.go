package mgmt

import (
	"net/http"
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
)

func (s *Server) view(w http.ResponseWriter, r *http.Request) error {
	v, err := s.m.View(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) deleteConnection(w http.ResponseWriter, r *http.Request) error {
	id, err := ParseConnectionID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.m.DeleteConnection(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) deleteReplicationSet(w http.ResponseWriter, r *http.Request) error {
	name, err := jobName(r) // a replication set is named like the job that owns it
	if err != nil {
		return err
	}
	if err := s.m.DeleteReplicationSet(r.Context(), name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) readLogs(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q := LogQuery{Service: v.Get("service"), Job: v.Get("job"), Cursor: v.Get("cursor")}
	var err error
	if q.Tail, err = intParam(v.Get("tail")); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "tail")
	}
	if q.Limit, err = intParam(v.Get("limit")); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "limit")
	}
	if err := q.Validate(); err != nil {
		return err
	}
	page, err := s.m.ReadLogs(r.Context(), q)
	if err != nil {
		return err
	}
	if page.Entries == nil {
		page.Entries = []LogEntry{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func intParam(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// ParseConnectionID reads a connection ID: a positive decimal number.
func ParseConnectionID(s string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id < 1 {
		return 0, catalog.Err(183, "connection ID %q must be a positive number", s)
	}
	return id, nil
}
