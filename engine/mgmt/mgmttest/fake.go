package mgmttest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/view"
)

// Fake is an in-memory Manager. Its state machine is a plausible reading of
// the reference's codes (123 for an unknown job, 107 for a job without a
// connection, 113 for a second mirror ...), not the engine's.
type Fake struct {
	mu           sync.Mutex
	jobs         map[string]*mgmt.JobStatus
	order        []string // creation order, for ListJobs
	nextConn     int
	targetPaused bool
	calls        []string
	fail         map[string]error

	// Snapshot is what Stats returns.
	Snapshot stats.Snapshot

	view view.View
	logs []mgmt.LogEntry
}

var _ mgmt.Manager = (*Fake)(nil)

// NewFake returns an empty Fake.
func NewFake() *Fake {
	return &Fake{jobs: map[string]*mgmt.JobStatus{}, fail: map[string]error{}}
}

// FailNext makes the next call of the named method ("StartJob") return err.
func (f *Fake) FailNext(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = err
}

// Calls lists every call so far, as "Method arg...".
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Put stores a job status as is, for tests that need a particular state.
func (f *Fake) Put(st mgmt.JobStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.jobs[st.Spec.Name]; !ok {
		f.order = append(f.order, st.Spec.Name)
	}
	f.jobs[st.Spec.Name] = &st
}

// TargetPaused reports whether PauseTarget is in effect.
func (f *Fake) TargetPaused() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.targetPaused
}

// enter records a call and returns an injected failure; the caller holds mu.
func (f *Fake) enter(method string, args ...any) error {
	call := method
	for _, a := range args {
		call += fmt.Sprint(" ", a)
	}
	f.calls = append(f.calls, call)
	if err, ok := f.fail[method]; ok {
		delete(f.fail, method)
		return err
	}
	return nil
}

func (f *Fake) job(name string) (*mgmt.JobStatus, error) {
	j, ok := f.jobs[name]
	if !ok {
		return nil, catalog.Err(catalog.CodeJobNotExist, "job %q", name)
	}
	return j, nil
}

// connected returns a job that has a connection (started).
func (f *Fake) connected(name string) (*mgmt.JobStatus, error) {
	j, err := f.job(name)
	if err != nil {
		return nil, err
	}
	if !j.Enabled {
		return nil, catalog.Err(catalog.CodeConnectionNotExist, "job %q is not started", name)
	}
	return j, nil
}

// CreateJob implements mgmt.Manager.
func (f *Fake) CreateJob(_ context.Context, spec mgmt.JobSpec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("CreateJob", spec.Name); err != nil {
		return err
	}
	if _, ok := f.jobs[spec.Name]; ok {
		return catalog.Err(catalog.CodeJobExists, "job %q", spec.Name)
	}
	f.jobs[spec.Name] = &mgmt.JobStatus{
		Spec:              spec,
		TransmitMode:      mgmt.TransmitStopped,
		MirrorStatus:      mgmt.MirrorIdle,
		ReplicationStatus: mgmt.ReplicationStopped,
		TargetDataState:   mgmt.TargetDataUnknown,
		Counters:          map[string]int64{"conOpsInRepQueue": 0, "conOpsInMirQueue": 0, "conBytesTx": 0},
	}
	f.order = append(f.order, spec.Name)
	return nil
}

// StartJob implements mgmt.Manager.
func (f *Fake) StartJob(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("StartJob", name); err != nil {
		return err
	}
	j, err := f.job(name)
	if err != nil {
		return err
	}
	if j.Enabled {
		return catalog.Err(catalog.CodeConnectionExists, "job %q", name)
	}
	f.nextConn++
	j.Enabled, j.ConnectionID, j.ConState = true, f.nextConn, mgmt.ConStateActive
	j.TransmitMode, j.ReplicationStatus = mgmt.TransmitActive, mgmt.ReplicationReplicating
	j.TargetDataState = mgmt.TargetDataMirrorRequired
	return nil
}

// StopJob implements mgmt.Manager.
func (f *Fake) StopJob(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("StopJob", name); err != nil {
		return err
	}
	j, err := f.connected(name)
	if err != nil {
		return err
	}
	j.Enabled, j.ConnectionID, j.ConState = false, 0, mgmt.ConStateNone
	j.TransmitMode, j.ReplicationStatus, j.MirrorStatus = mgmt.TransmitStopped, mgmt.ReplicationStopped, mgmt.MirrorStopped
	return nil
}

// PauseJob implements mgmt.Manager.
func (f *Fake) PauseJob(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("PauseJob", name); err != nil {
		return err
	}
	j, err := f.connected(name)
	if err != nil {
		return err
	}
	if j.ConState == mgmt.ConStatePaused {
		return catalog.Err(catalog.CodeTransmissionPaused, "job %q", name)
	}
	j.ConState, j.TransmitMode = mgmt.ConStatePaused, mgmt.TransmitPaused
	return nil
}

// ResumeJob implements mgmt.Manager.
func (f *Fake) ResumeJob(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ResumeJob", name); err != nil {
		return err
	}
	j, err := f.connected(name)
	if err != nil {
		return err
	}
	if j.ConState != mgmt.ConStatePaused {
		return catalog.Err(catalog.CodeConnectionNotPaused, "job %q", name)
	}
	j.ConState, j.TransmitMode = mgmt.ConStateActive, mgmt.TransmitActive
	return nil
}

// DeleteJob implements mgmt.Manager.
func (f *Fake) DeleteJob(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("DeleteJob", name); err != nil {
		return err
	}
	j, err := f.job(name)
	if err != nil {
		return err
	}
	if j.Enabled {
		return catalog.Err(catalog.CodeJobInUse, "job %q is started; stop it first", name)
	}
	delete(f.jobs, name)
	f.order = slices.DeleteFunc(f.order, func(n string) bool { return n == name })
	return nil
}

// ListJobs implements mgmt.Manager.
func (f *Fake) ListJobs(context.Context) ([]mgmt.JobStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ListJobs"); err != nil {
		return nil, err
	}
	var out []mgmt.JobStatus
	for _, n := range f.order {
		out = append(out, *f.jobs[n])
	}
	return out, nil
}

// JobStatus implements mgmt.Manager.
func (f *Fake) JobStatus(_ context.Context, name string) (mgmt.JobStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("JobStatus", name); err != nil {
		return mgmt.JobStatus{}, err
	}
	j, err := f.job(name)
	if err != nil {
		return mgmt.JobStatus{}, err
	}
	return *j, nil
}

// StartMirror implements mgmt.Manager.
func (f *Fake) StartMirror(_ context.Context, name, mode string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("StartMirror", name, mode); err != nil {
		return err
	}
	j, err := f.connected(name)
	if err != nil {
		return err
	}
	if j.MirrorStatus == mgmt.MirrorInProgress || j.MirrorStatus == mgmt.MirrorPaused {
		return catalog.Err(catalog.CodeMirrorAlreadyActive, "job %q", name)
	}
	j.MirrorStatus, j.TargetDataState = mgmt.MirrorInProgress, mgmt.TargetDataMirroring
	return nil
}

// StopMirror implements mgmt.Manager.
func (f *Fake) StopMirror(_ context.Context, name string) error {
	return f.mirrorChange("StopMirror", name, []string{mgmt.MirrorInProgress, mgmt.MirrorPaused}, catalog.CodeMirrorNotRunning, mgmt.MirrorStopped)
}

// PauseMirror implements mgmt.Manager.
func (f *Fake) PauseMirror(_ context.Context, name string) error {
	return f.mirrorChange("PauseMirror", name, []string{mgmt.MirrorInProgress}, catalog.CodeMirrorNotRunning, mgmt.MirrorPaused)
}

// ResumeMirror implements mgmt.Manager.
func (f *Fake) ResumeMirror(_ context.Context, name string) error {
	return f.mirrorChange("ResumeMirror", name, []string{mgmt.MirrorPaused}, catalog.CodeMirrorNotPaused, mgmt.MirrorInProgress)
}

// mirrorChange moves a started job's mirror from one of the from states to
// to, or fails with code.
func (f *Fake) mirrorChange(method, name string, from []string, code int, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter(method, name); err != nil {
		return err
	}
	j, err := f.connected(name)
	if err != nil {
		return err
	}
	if !slices.Contains(from, j.MirrorStatus) {
		return catalog.Err(code, "job %q: mirror is %s", name, j.MirrorStatus)
	}
	j.MirrorStatus = to
	return nil
}

// PauseTarget implements mgmt.Manager.
func (f *Fake) PauseTarget(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("PauseTarget"); err != nil {
		return err
	}
	if f.targetPaused {
		return catalog.Err(catalog.CodeTargetPaused, "already paused")
	}
	f.targetPaused = true
	return nil
}

// ResumeTarget implements mgmt.Manager.
func (f *Fake) ResumeTarget(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ResumeTarget"); err != nil {
		return err
	}
	f.targetPaused = false
	return nil
}

// Stats implements mgmt.Manager.
func (f *Fake) Stats(context.Context) (stats.Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("Stats"); err != nil {
		return stats.Snapshot{}, err
	}
	return f.Snapshot, nil
}
