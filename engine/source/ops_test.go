package source

import (
	"io/fs"
	"testing"

	"github.com/dtrep/dtrep/engine/fsinfo"
)

// The schedule and the target's state change the status words as the
// reference defines them: only Scheduled and Error combine (12).
func TestOverlay(t *testing.T) {
	var c Connection
	base := Status{ConState: ConActive, TransmitMode: TransmitActive, TargetDataState: DataOK}
	if got := c.overlay(base); got != base {
		t.Fatalf("nothing held or required changed the status: %+v", got)
	}
	c.sched.held.Store(true)
	for _, tc := range []struct {
		in       Status
		state    int
		transmit string
	}{
		{base, ConScheduled, TransmitScheduled},
		{Status{ConState: ConError, TransmitMode: TransmitError}, ConScheduled | ConError, TransmitError},
		{Status{ConState: ConPaused, TransmitMode: TransmitPaused}, ConPaused, TransmitPaused},
		{Status{ConState: ConNone, TransmitMode: TransmitStopped}, ConNone, TransmitStopped},
	} {
		got := c.overlay(tc.in)
		if got.ConState != tc.state || got.TransmitMode != tc.transmit {
			t.Errorf("held %d/%s: got %d/%s, want %d/%s", tc.in.ConState, tc.in.TransmitMode,
				got.ConState, got.TransmitMode, tc.state, tc.transmit)
		}
	}
	c.ops.restoreReq.Store(true)
	if got := c.overlay(Status{TargetDataState: DataOK}); got.TargetDataState != DataRestoreRequired {
		t.Fatalf("target data state %q", got.TargetDataState)
	}
}

func TestFileModeRoundTrip(t *testing.T) {
	for _, bits := range []uint32{0o644, 0o755, 0o4755, 0o2750, 0o1777, 0} {
		if got := fsinfo.ModeBits(fileMode(bits)); got != bits {
			t.Errorf("%o -> %v -> %o", bits, fileMode(bits), got)
		}
	}
	if fileMode(0o4000)&fs.ModeSetuid == 0 {
		t.Fatal("setuid lost")
	}
}

func TestKbpsText(t *testing.T) {
	if kbpsText(0) != "Unlimited" || kbpsText(-1) != "Unlimited" || kbpsText(512) != "512 Kbps" {
		t.Fatal(kbpsText(0), kbpsText(512))
	}
}
