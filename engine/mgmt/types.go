package mgmt

import (
	"context"
	"time"

	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/view"
)

// JobSpec is what `dtrep job create` asks for.
type JobSpec struct {
	Name       string `json:"name"`
	SourcePath string `json:"source_path"`
	Target     string `json:"target"` // host:port
	TargetPath string `json:"target_path"`
	// Compression level: 0 off, 1 low, 2 medium, 3 high.
	Compression int `json:"compression"`
	// BandwidthKbps: 0 is Unlimited.
	BandwidthKbps int      `json:"bandwidth_kbps"`
	Include       []string `json:"include,omitempty"`
	Exclude       []string `json:"exclude,omitempty"`
}

// JobStatus is one job as `dtrep job status` and `job list` show it. The
// status words are the reference's (chapter 4).
type JobStatus struct {
	Spec              JobSpec   `json:"spec"`
	Enabled           bool      `json:"enabled"` // started and not stopped
	ConnectionID      int       `json:"connection_id"`
	ConState          int       `json:"con_state"` // bit values 0/1/2/4/8, 12 = 4+8
	TransmitMode      string    `json:"transmit_mode"`
	MirrorStatus      string    `json:"mirror_status"`
	MirrorPercent     float64   `json:"mirror_percent"`
	MirrorRemaining   int64     `json:"mirror_bytes_remaining"`
	ReplicationStatus string    `json:"replication_status"`
	TargetDataState   string    `json:"target_data_state"`
	ConnectedSince    time.Time `json:"connected_since,omitzero"`
	// Counters is the connection's statistics block by catalog name
	// (conOpsInRepQueue, conBytesTx, ...).
	Counters  map[string]int64 `json:"counters"`
	LastError string           `json:"last_error,omitempty"`
	// ChangeCapture is which kernel interface captures the job's changes
	// (fanotify or inotify), and why capture fell back to inotify.
	ChangeCapture string `json:"change_capture,omitempty"`
}

// Mirror modes of `dtrep mirror start --mode`.
const (
	MirrorFull     = "full"     // send every file whole
	MirrorDiff     = "diff"     // compare size and mtime, send files that differ
	MirrorChecksum = "checksum" // compare block checksums, send blocks that differ
)

// Manager is what the management API drives: the server implements it. Every
// error it returns is a *catalog.Error where a chapter 5 code fits.
type Manager interface {
	CreateJob(ctx context.Context, spec JobSpec) error
	StartJob(ctx context.Context, name string) error
	StopJob(ctx context.Context, name string) error
	PauseJob(ctx context.Context, name string) error  // pauses transmission
	ResumeJob(ctx context.Context, name string) error // resumes transmission
	DeleteJob(ctx context.Context, name string) error
	ListJobs(ctx context.Context) ([]JobStatus, error)
	JobStatus(ctx context.Context, name string) (JobStatus, error)

	StartMirror(ctx context.Context, name, mode string) error
	StopMirror(ctx context.Context, name string) error
	PauseMirror(ctx context.Context, name string) error
	ResumeMirror(ctx context.Context, name string) error

	PauseTarget(ctx context.Context) error
	ResumeTarget(ctx context.Context) error

	Stats(ctx context.Context) (stats.Snapshot, error)

	// View is the replication service view (chapter 4).
	View(ctx context.Context) (view.View, error)
	// DeleteConnection deletes a connection that is not in use; one in use
	// is refused with 130 (Job is in use).
	DeleteConnection(ctx context.Context, id int) error
	// DeleteReplicationSet deletes a replication set no connection uses;
	// one in use is refused with 130.
	DeleteReplicationSet(ctx context.Context, name string) error

	// ReadLogs reads the server's logs (chapter 2) for `dtrep logs`.
	ReadLogs(ctx context.Context, q LogQuery) (LogPage, error)
}

// Security is told about every login, so the server's Security counters
// (Logins, FailedLogins) count the management API's callers.
type Security interface {
	Login(ok bool)
}
