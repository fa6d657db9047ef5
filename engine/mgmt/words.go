package mgmt

import (
	"fmt"
	"strings"

	"github.com/dtrep/dtrep/engine/status"
)

// conState bits and the status words of chapter 4 live in engine/status;
// the management API names them as it always has.
const (
	ConStateNone               = status.ConNone
	ConStateActive             = status.ConActive
	ConStatePaused             = status.ConPaused
	ConStateScheduled          = status.ConScheduled
	ConStateError              = status.ConError
	TransmitActive             = status.TransmitActive
	TransmitPaused             = status.TransmitPaused
	TransmitScheduled          = status.TransmitScheduled
	TransmitStopped            = status.TransmitStopped
	TransmitError              = status.TransmitError
	TransmitUnknown            = status.TransmitUnknown
	MirrorCalculating          = status.MirrorCalculating
	MirrorInProgress           = status.MirrorInProgress
	MirrorWaiting              = status.MirrorWaiting
	MirrorIdle                 = status.MirrorIdle
	MirrorPaused               = status.MirrorPaused
	MirrorStopped              = status.MirrorStopped
	MirrorRemovingOrphans      = status.MirrorRemovingOrphans
	MirrorVerifying            = status.MirrorVerifying
	MirrorRestoring            = status.MirrorRestoring
	MirrorUnknown              = status.MirrorUnknown
	ReplicationReplicating     = status.ReplicationReplicating
	ReplicationReady           = status.ReplicationReady
	ReplicationPending         = status.ReplicationPending
	ReplicationStopped         = status.ReplicationStopped
	ReplicationOutOfMemory     = status.ReplicationOutOfMemory
	ReplicationFailed          = status.ReplicationFailed
	ReplicationUnknown         = status.ReplicationUnknown
	TargetDataOK               = status.TargetDataOK
	TargetDataMirroring        = status.TargetDataMirroring
	TargetDataMirrorRequired   = status.TargetDataMirrorRequired
	TargetDataRestoreRequired  = status.TargetDataRestoreRequired
	TargetDataSnapshotReverted = status.TargetDataSnapshotReverted
	TargetDataBusy             = status.TargetDataBusy
	TargetDataNotLoaded        = status.TargetDataNotLoaded
	TargetDataNotReady         = status.TargetDataNotReady
	TargetDataUnknown          = status.TargetDataUnknown
	TargetDataDisconnected     = status.TargetDataDisconnected
)

// FormatConState renders a conState with its words, as `dtrep job status`
// shows it: "12 (Scheduled, Error)", "0 (None)".
func FormatConState(v int) string { return status.FormatConState(v) }

// compressionNames are the levels of JobSpec.Compression.
var compressionNames = []string{"Off", "Low", "Medium", "High"}

// CompressionLevels lists the level names, lower case, index = level; the CLI
// accepts them in place of numbers.
func CompressionLevels() []string {
	out := make([]string, len(compressionNames))
	for i, n := range compressionNames {
		out[i] = strings.ToLower(n)
	}
	return out
}

// FormatCompression renders a level as the reference's Compression column
// does: "Off" or "On / <level>".
func FormatCompression(level int) string {
	switch {
	case level == 0:
		return "Off"
	case level > 0 && level < len(compressionNames):
		return "On / " + compressionNames[level]
	}
	return fmt.Sprintf("On / level %d", level)
}

// FormatBandwidth renders a limit as the reference's "Bandwidth limit (Kbps)"
// does: 0 is "Unlimited".
func FormatBandwidth(kbps int) string {
	if kbps == 0 {
		return "Unlimited"
	}
	return fmt.Sprint(kbps)
}
