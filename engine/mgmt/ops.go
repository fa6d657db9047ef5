package mgmt

import (
	"context"

	"github.com/dtrep/dtrep/engine/schedule"
)

// Activities of a connection beyond its mirror, and what the API can do to
// a running one.
const (
	ActivityVerify  = "verify"
	ActivityOrphans = "orphans"
	ActivityRestore = "restore"

	ActionStart  = "start"
	ActionPause  = "pause"
	ActionResume = "resume"
	ActionStop   = "stop"
)

// ActivityOptions tune a started activity. Verification uses all three,
// restore Checksum; orphan removal none.
type ActivityOptions struct {
	Checksum bool `json:"checksum,omitempty"` // compare block checksums, not attributes alone
	Fix      bool `json:"fix,omitempty"`      // verification: synchronise what differs
	Orphans  bool `json:"orphans,omitempty"`  // verification: report (with Fix, remove) orphans too
}

// TaskSpec is a task command submitted to a job (`dtrep task submit`).
type TaskSpec struct {
	Name    string   `json:"name,omitempty"`
	By      string   `json:"by,omitempty"`      // the submitting user
	Timeout *int64   `json:"timeout,omitempty"` // seconds; nil: TaskCmdTimeout; 0: do not wait
	Argv    []string `json:"argv"`
}

// TaskReceipt tells what was queued.
type TaskReceipt struct {
	ID      uint64 `json:"id"`
	Name    string `json:"name"`
	Timeout int64  `json:"timeout"`
}

// Operations is what a server offers beyond Manager: verification, orphan
// removal and restore of a job's connection, task commands, the job's
// schedule, and marking a copy this server holds as a target Restore
// Required. A Manager that does not implement it answers those routes
// with 161 (Operation or command is not supported).
type Operations interface {
	StartActivity(ctx context.Context, name, activity string, o ActivityOptions) error
	ControlActivity(ctx context.Context, name, activity, action string) error
	SubmitTask(ctx context.Context, name string, t TaskSpec) (TaskReceipt, error)
	SetSchedule(ctx context.Context, name string, spec *schedule.Spec) error
	Schedule(ctx context.Context, name string) (*schedule.Spec, error)
	RequireRestore(ctx context.Context, set string) error
}
