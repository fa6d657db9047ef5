package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/engine/schedule"
	"github.com/dtrep/dtrep/engine/source"
)

// job is a configured job and, while started, its connection.
type job struct {
	Spec    mgmt.JobSpec `json:"spec"`
	ID      string       `json:"id"` // stable identity the target keys its state by
	Enabled bool         `json:"enabled"`
	// Schedule is the job's bandwidth periods, transmission windows and
	// recurring verification (ops.go); nil for none.
	Schedule *schedule.Spec `json:"schedule,omitempty"`

	set    *repset.Set
	conn   *source.Connection
	cancel context.CancelFunc
	done   chan struct{}
	connID int
	// refused says why the job was not started again at the server's
	// start (startable); "" once it starts.
	refused string
}

func newJobID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// jobsFile is where jobs persist across restarts.
func (s *Server) jobsFile() string { return filepath.Join(s.dataPath, "jobs.json") }

// saveJobs writes every job atomically (temp file, fsync, rename).
func (s *Server) saveJobsLocked() error {
	list := make([]*job, 0, len(s.jobs))
	for _, j := range s.jobs {
		list = append(list, j)
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dataPath, 0o700); err != nil {
		return fmt.Errorf("saving jobs: %w", err)
	}
	tmp, err := os.CreateTemp(s.dataPath, ".jobs-*.json")
	if err != nil {
		return fmt.Errorf("saving jobs: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("saving jobs: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving jobs: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving jobs: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.jobsFile()); err != nil {
		return fmt.Errorf("saving jobs: %w", err)
	}
	if d, err := os.Open(s.dataPath); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// loadJobs reads the persisted jobs; a missing file is no jobs.
func (s *Server) loadJobs() ([]*job, error) {
	b, err := os.ReadFile(s.jobsFile())
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading jobs: %w", err)
	}
	var list []*job
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("loading jobs from %s: %w", s.jobsFile(), err)
	}
	for _, j := range list {
		set, err := repset.FromGlobs(j.Spec.Name, j.Spec.SourcePath, j.Spec.Include, j.Spec.Exclude)
		if err != nil {
			return nil, fmt.Errorf("job %q: %w", j.Spec.Name, err)
		}
		j.set = set
	}
	return list, nil
}
