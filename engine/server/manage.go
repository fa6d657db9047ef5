package server

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/pathpolicy"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/engine/source"
	"github.com/dtrep/dtrep/engine/stats"
)

var _ mgmt.Manager = (*Server)(nil)

func (s *Server) jobLocked(name string) (*job, error) {
	j, ok := s.jobs[name]
	if !ok {
		return nil, catalog.Err(catalog.CodeJobNotExist, "job %q", name)
	}
	return j, nil
}

func (s *Server) connLocked(name string) (*source.Connection, error) {
	j, err := s.jobLocked(name)
	if err != nil {
		return nil, err
	}
	if j.conn == nil {
		return nil, catalog.Err(catalog.CodeConnectionNotExist, "job %q is not started", name)
	}
	return j.conn, nil
}

// validateSpec checks a job before anything is stored.
func (s *Server) validateSpec(spec mgmt.JobSpec) error { return s.checkSpec(spec, false) }

// startable checks a stored job again before its connection starts:
// jobs.json may come from an older version or an editor, and the rules
// depend on settings that change (AllowedTargetPaths, the server's own
// directories). A source path that is missing now is no reason to refuse:
// the connection reports it and waits for the path to come back.
func (s *Server) startable(spec mgmt.JobSpec) error { return s.checkSpec(spec, true) }

func (s *Server) checkSpec(spec mgmt.JobSpec, missingSourceOK bool) error {
	if strings.TrimSpace(spec.Name) == "" {
		return catalog.Err(catalog.CodeInvalidParameter, "job name is empty")
	}
	_, lerr := os.Lstat(spec.SourcePath)
	if missing := errors.Is(lerr, fs.ErrNotExist) && filepath.IsAbs(spec.SourcePath); !missingSourceOK || !missing {
		if err := pathpolicy.CheckSource(s.set, spec.SourcePath); err != nil {
			return err
		}
	}
	if !filepath.IsAbs(spec.TargetPath) {
		return catalog.Err(catalog.CodeInvalidParameter, "target path %q must be absolute", spec.TargetPath)
	}
	if _, _, err := net.SplitHostPort(spec.Target); err != nil {
		return catalog.Err(catalog.CodeInvalidParameter, "target %q must be HOST:PORT", spec.Target)
	}
	if s.isSelf(spec.Target) {
		// This server is the target too: its own rules apply now, not
		// only when the connection starts.
		if err := pathpolicy.CheckLocalPair(spec.SourcePath, spec.TargetPath); err != nil {
			return err
		}
		if err := pathpolicy.CheckTarget(s.set, spec.TargetPath); err != nil {
			return err
		}
	}
	if spec.Compression < 0 || spec.Compression > 3 {
		return catalog.Err(catalog.CodeInvalidParameter, "compression %d: allowed 0 (off) to 3", spec.Compression)
	}
	if spec.BandwidthKbps < 0 {
		return catalog.Err(catalog.CodeInvalidParameter, "bandwidth %d: must be 0 (Unlimited) or more", spec.BandwidthKbps)
	}
	return nil
}

// CreateJob stores a new job (not started).
func (s *Server) CreateJob(_ context.Context, spec mgmt.JobSpec) error {
	if err := s.validateSpec(spec); err != nil {
		return err
	}
	set, err := repset.FromGlobs(spec.Name, spec.SourcePath, spec.Include, spec.Exclude)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.jobs[spec.Name]; ok {
		return catalog.Err(catalog.CodeJobExists, "job %q", spec.Name)
	}
	j := &job{Spec: spec, ID: newJobID(), set: set}
	s.jobs[spec.Name] = j
	if err := s.saveJobsLocked(); err != nil {
		delete(s.jobs, spec.Name)
		return err
	}
	s.jobEvent(catalog.EventDoubleTakeManagementService6003, j)
	return nil
}

// jobType is the job type the management events name: dtrep's jobs protect
// files and folders.
const jobType = "Files and Folders"

// jobEvent raises a management service event about a job.
func (s *Server) jobEvent(id catalog.EventID, j *job) {
	ctx := events.Context{Job: j.Spec.Name, RepSet: j.Spec.Name, Peer: j.Spec.Target}
	s.hub.Raise(id, ctx, jobType, j.Spec.Name, j.ID)
}

// StartJob starts a job's connection with a difference mirror.
func (s *Server) StartJob(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, err := s.jobLocked(name)
	if err != nil {
		return err
	}
	if j.conn != nil {
		return catalog.Err(catalog.CodeConnectionExists, "job %q is already started", name)
	}
	if s.ctx == nil {
		return catalog.Err(catalog.CodeSourceNotLoaded, "the server is not running")
	}
	if err := s.startable(j.Spec); err != nil {
		return err
	}
	j.refused = ""
	j.Enabled = true
	if err := s.saveJobsLocked(); err != nil {
		return err
	}
	s.startLocked(j, source.MirrorDiffMode)
	s.jobEvent(catalog.EventDoubleTakeManagementService6004, j)
	return nil
}

func (s *Server) startLocked(j *job, mirror string) {
	id := s.ids.take()
	blk := s.reg.AddConnection(id, map[string]string{"job": j.Spec.Name,
		"replication_set": j.set.Name(), "target": j.Spec.Target})
	c := source.New(source.Config{
		ID: id, Job: j.Spec.Name, JobID: j.ID, Set: j.set, Target: j.Spec.Target, TargetPath: j.Spec.TargetPath,
		Compression: j.Spec.Compression, BandwidthKbps: int64(j.Spec.BandwidthKbps), InitialMirror: mirror,
		ServerName: s.name, Secret: s.secret, Settings: s.set, Hub: s.hub,
		Stats: blk, Kernel: s.reg.Kernel, Source: s.reg.Source, Log: s.log,
	})
	c.SetSchedule(j.Schedule)
	ctx, cancel := context.WithCancel(s.ctx)
	j.conn, j.cancel, j.done, j.connID = c, cancel, make(chan struct{}), id
	go func() {
		defer close(j.done)
		if err := c.Run(ctx); err != nil {
			s.log.Warn("connection ended", "job", j.Spec.Name, "err", err)
		}
	}()
}

// stopLocked stops a job's connection and waits for it (without s.mu: the
// connection's last statistics read takes it).
func (s *Server) stop(j *job) {
	s.mu.Lock()
	cancel, done, id := j.cancel, j.done, j.connID
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	s.mu.Lock()
	j.conn, j.cancel, j.done = nil, nil, nil
	s.ids.release(id)
	s.reg.RemoveConnection(id)
	s.mu.Unlock()
}

// StopJob stops a job's connection.
func (s *Server) StopJob(_ context.Context, name string) error {
	s.mu.Lock()
	j, err := s.jobLocked(name)
	if err == nil && j.conn == nil {
		err = catalog.Err(catalog.CodeConnectionNotExist, "job %q is not started", name)
	}
	if err == nil {
		j.Enabled = false
		err = s.saveJobsLocked()
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.stop(j)
	s.jobEvent(catalog.EventDoubleTakeManagementService6005, j)
	return nil
}

// PauseJob pauses transmission.
func (s *Server) PauseJob(_ context.Context, name string) error {
	return s.withConn(name, (*source.Connection).Pause)
}

// ResumeJob resumes transmission.
func (s *Server) ResumeJob(_ context.Context, name string) error {
	return s.withConn(name, (*source.Connection).Resume)
}

func (s *Server) withConn(name string, f func(*source.Connection) error) error {
	s.mu.Lock()
	c, err := s.connLocked(name)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return f(c)
}

// DeleteJob stops (if needed) and forgets a job.
func (s *Server) DeleteJob(_ context.Context, name string) error {
	s.mu.Lock()
	j, err := s.jobLocked(name)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.stop(j)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.jobs, name)
	if err := s.saveJobsLocked(); err != nil {
		return err
	}
	// The job's disk queue goes with it: nothing will ever send it.
	if err := source.RemoveQueue(s.set, j.ID); err != nil {
		s.log.Warn("disk queue not removed", "job", name, "err", err)
	}
	s.jobEvent(catalog.EventDoubleTakeManagementService6006, j)
	return nil
}

// ListJobs lists every job, sorted by name.
func (s *Server) ListJobs(ctx context.Context) ([]mgmt.JobStatus, error) {
	s.mu.Lock()
	names := make([]string, 0, len(s.jobs))
	for n := range s.jobs {
		names = append(names, n)
	}
	s.mu.Unlock()
	sort.Strings(names)
	out := make([]mgmt.JobStatus, 0, len(names))
	for _, n := range names {
		st, err := s.JobStatus(ctx, n)
		if err == nil {
			out = append(out, st)
		}
	}
	return out, nil
}

// JobStatus reports a job with its connection's status and counters.
func (s *Server) JobStatus(_ context.Context, name string) (mgmt.JobStatus, error) {
	s.mu.Lock()
	j, err := s.jobLocked(name)
	if err != nil {
		s.mu.Unlock()
		return mgmt.JobStatus{}, err
	}
	st := mgmt.JobStatus{Spec: j.Spec, Enabled: j.Enabled, TransmitMode: source.TransmitStopped,
		MirrorStatus: source.MirrorIdle, ReplicationStatus: source.ReplStopped, TargetDataState: source.DataUnknown}
	c, id := j.conn, j.connID
	st.LastError = j.refused
	s.mu.Unlock()
	if c == nil {
		return st, nil
	}
	cs := c.Status()
	st.ConnectionID = id
	st.ConState = cs.ConState
	st.TransmitMode = cs.TransmitMode
	st.MirrorStatus = cs.MirrorStatus
	st.MirrorPercent = cs.MirrorPercent
	st.MirrorRemaining = cs.MirrorRemaining
	st.ReplicationStatus = cs.ReplicationStatus
	st.TargetDataState = cs.TargetDataState
	st.ConnectedSince = cs.ConnectedSince
	st.LastError = cs.LastError
	st.ChangeCapture = cs.ChangeCapture
	if blk, ok := s.reg.Connection(id); ok {
		st.Counters = blk.Instance().Values
	}
	return st, nil
}

// StartMirror starts a mirror of a started job.
func (s *Server) StartMirror(_ context.Context, name, mode string) error {
	return s.withConn(name, func(c *source.Connection) error { return c.StartUserMirror(mode) })
}

// stopWait bounds how long a stop request waits for the mirror or
// activity to end before answering that it is still stopping.
const stopWait = 10 * time.Second

// StopMirror stops a running mirror and answers once it has stopped.
func (s *Server) StopMirror(ctx context.Context, name string) error {
	return s.withConn(name, func(c *source.Connection) error {
		ctx, cancel := context.WithTimeout(ctx, stopWait)
		defer cancel()
		return c.StopMirror(ctx)
	})
}

// PauseMirror pauses a running mirror.
func (s *Server) PauseMirror(_ context.Context, name string) error {
	return s.withConn(name, (*source.Connection).PauseMirror)
}

// ResumeMirror resumes a paused mirror.
func (s *Server) ResumeMirror(_ context.Context, name string) error {
	return s.withConn(name, (*source.Connection).ResumeMirror)
}

// PauseTarget pauses the target module.
func (s *Server) PauseTarget(context.Context) error { return s.target.Pause() }

// ResumeTarget resumes the target module.
func (s *Server) ResumeTarget(context.Context) error { return s.target.Resume() }

// Stats returns a statistics snapshot.
func (s *Server) Stats(context.Context) (stats.Snapshot, error) { return s.reg.Snapshot(), nil }

// Login counts a management login (mgmt.Security).
func (s *Server) Login(ok bool) {
	if ok {
		s.reg.Security.Counter(catalog.StatLogins).Add(1)
	} else {
		s.reg.Security.Counter(catalog.StatFailedLogins).Add(1)
	}
}
