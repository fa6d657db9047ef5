package source

import (
	"sync"
	"time"
)

// conState bit values (chapter 3): only Scheduled and Error combine.
const (
	ConNone      = 0
	ConActive    = 1
	ConPaused    = 2
	ConScheduled = 4
	ConError     = 8
)

// Status words of chapter 4.
const (
	TransmitActive    = "Active"
	TransmitPaused    = "Paused"
	TransmitScheduled = "Scheduled"
	TransmitStopped   = "Stopped"
	TransmitError     = "Error"

	MirrorCalculating = "Calculating"
	MirrorInProgress  = "In Progress"
	MirrorWaiting     = "Waiting"
	MirrorIdle        = "Idle"
	MirrorPausedWord  = "Paused"
	MirrorStopped     = "Stopped"

	ReplReplicating = "Replicating"
	ReplReady       = "Ready"
	ReplPending     = "Pending"
	ReplStopped     = "Stopped"

	DataOK             = "OK"
	DataMirroring      = "Mirroring"
	DataMirrorRequired = "Mirror Required"
	DataUnknown        = "Unknown"
)

// Status is a connection's state as the service view shows it.
type Status struct {
	ConState          int
	TransmitMode      string
	MirrorStatus      string
	MirrorPercent     float64
	MirrorRemaining   int64
	ReplicationStatus string
	TargetDataState   string
	ConnectedSince    time.Time
	LastError         string
}

// state guards a connection's status; every transition goes through it so
// the status words and counters never disagree.
type state struct {
	mu sync.Mutex
	s  Status
}

func (st *state) get() Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s
}

func (st *state) update(f func(*Status)) {
	st.mu.Lock()
	f(&st.s)
	st.mu.Unlock()
}
