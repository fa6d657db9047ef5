package mgmt

import (
	"fmt"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestFormatConState(t *testing.T) {
	for v, want := range map[int]string{
		0:  "0 (None)",
		1:  "1 (Active)",
		2:  "2 (Paused)",
		4:  "4 (Scheduled)",
		8:  "8 (Error)",
		12: "12 (Scheduled, Error)",
		24: "24 (Error, bit 16)",
	} {
		if got := FormatConState(v); got != want {
			t.Errorf("FormatConState(%d) = %q, want %q", v, got, want)
		}
	}
}

// The words the API reports are an interface: they must be the reference's,
// as the catalog (itself checked against the reference) holds them.
func TestStatusWordsAreTheReferences(t *testing.T) {
	cat := catalog.Must()
	groups := map[string][]string{
		"Transmit Mode": {TransmitActive, TransmitPaused, TransmitScheduled, TransmitStopped, TransmitError, TransmitUnknown},
		"Mirror Status": {MirrorCalculating, MirrorInProgress, MirrorWaiting, MirrorIdle, MirrorPaused, MirrorStopped,
			MirrorRemovingOrphans, MirrorVerifying, MirrorRestoring, MirrorUnknown},
		"Replication Status": {ReplicationReplicating, ReplicationReady, ReplicationPending, ReplicationStopped,
			ReplicationOutOfMemory, ReplicationFailed, ReplicationUnknown},
		"Target Data State": {TargetDataOK, TargetDataMirroring, TargetDataMirrorRequired, TargetDataRestoreRequired,
			TargetDataSnapshotReverted, TargetDataBusy, TargetDataNotLoaded, TargetDataNotReady, TargetDataUnknown,
			TargetDataDisconnected},
	}
	for enum, words := range groups {
		e, ok := cat.Enum(enum)
		if !ok {
			t.Fatalf("catalog has no enum %q", enum)
		}
		names := map[string]bool{}
		for _, v := range e.Values {
			names[v.Name] = true
		}
		for _, w := range words {
			if !names[w] {
				t.Errorf("%s: %q is not one of the reference's words %v", enum, w, e.Values)
			}
		}
		if len(words) != len(e.Values) {
			t.Errorf("%s: %d constants for %d reference words", enum, len(words), len(e.Values))
		}
	}
	e, ok := cat.Enum("conState")
	if !ok {
		t.Fatal("catalog has no conState enum")
	}
	for _, v := range e.Values {
		if got, want := FormatConState(v.Value), fmt.Sprintf("%d (%s)", v.Value, v.Name); got != want {
			t.Errorf("FormatConState(%d) = %q, want %q", v.Value, got, want)
		}
	}
}

func TestFormatCompressionAndBandwidth(t *testing.T) {
	for level, want := range map[int]string{0: "Off", 1: "On / Low", 2: "On / Medium", 3: "On / High", 7: "On / level 7"} {
		if got := FormatCompression(level); got != want {
			t.Errorf("FormatCompression(%d) = %q, want %q", level, got, want)
		}
	}
	if got := FormatBandwidth(0); got != "Unlimited" {
		t.Errorf("FormatBandwidth(0) = %q", got)
	}
	if got := FormatBandwidth(512); got != "512" {
		t.Errorf("FormatBandwidth(512) = %q", got)
	}
	if got := CompressionLevels(); len(got) != MaxCompression+1 || got[0] != "off" || got[3] != "high" {
		t.Errorf("CompressionLevels() = %v", got)
	}
}
