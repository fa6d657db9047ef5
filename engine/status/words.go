package status

import (
	"fmt"
	"math/bits"
	"strings"
)

// conState bits of chapter 4 ("Connection, conState") and the dtconState SNMP
// object. Only Scheduled and Error coexist, so 12 is a valid state.
const (
	ConNone      = 0
	ConActive    = 1
	ConPaused    = 2
	ConScheduled = 4
	ConError     = 8
)

var conStateWords = []struct {
	bit  int
	word string
}{
	{ConActive, "Active"},
	{ConPaused, "Paused"},
	{ConScheduled, "Scheduled"},
	{ConError, "Error"},
}

// FormatConState renders a conState with its words, as `dtrep job status`
// shows it: "12 (Scheduled, Error)", "0 (None)". Bits the reference does not
// define are shown rather than dropped, so a new engine state is visible.
func FormatConState(v int) string {
	if v == ConNone {
		return "0 (None)"
	}
	var words []string
	rest := v
	for _, w := range conStateWords {
		if v&w.bit != 0 {
			words = append(words, w.word)
			rest &^= w.bit
		}
	}
	for rest != 0 {
		b := 1 << bits.TrailingZeros(uint(rest))
		words = append(words, fmt.Sprintf("bit %d", b))
		rest &^= b
	}
	return fmt.Sprintf("%d (%s)", v, strings.Join(words, ", "))
}

// Status words of chapter 4, exactly as the reference writes them; tests of
// the management API check them against the reference text.
const (
	TransmitActive    = "Active"
	TransmitPaused    = "Paused"
	TransmitScheduled = "Scheduled"
	TransmitStopped   = "Stopped"
	TransmitError     = "Error"
	TransmitUnknown   = "Unknown"

	MirrorCalculating     = "Calculating"
	MirrorInProgress      = "In Progress"
	MirrorWaiting         = "Waiting"
	MirrorIdle            = "Idle"
	MirrorPaused          = "Paused"
	MirrorStopped         = "Stopped"
	MirrorRemovingOrphans = "Removing Orphans"
	MirrorVerifying       = "Verifying"
	MirrorRestoring       = "Restoring"
	MirrorUnknown         = "Unknown"

	ReplicationReplicating = "Replicating"
	ReplicationReady       = "Ready"
	ReplicationPending     = "Pending"
	ReplicationStopped     = "Stopped"
	ReplicationOutOfMemory = "Out of Memory"
	ReplicationFailed      = "Failed"
	ReplicationUnknown     = "Unknown"

	TargetDataOK               = "OK"
	TargetDataMirroring        = "Mirroring"
	TargetDataMirrorRequired   = "Mirror Required"
	TargetDataRestoreRequired  = "Restore Required"
	TargetDataSnapshotReverted = "Snapshot Reverted"
	TargetDataBusy             = "Busy"
	TargetDataNotLoaded        = "Not Loaded"
	TargetDataNotReady         = "Not Ready"
	TargetDataUnknown          = "Unknown"
	// TargetDataDisconnected is what the reference shows for a target
	// connection left without a job.
	TargetDataDisconnected = "Disconnected"
)
