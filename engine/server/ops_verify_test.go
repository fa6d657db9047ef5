//go:build linux

package server_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

// Verification events.
const (
	evVerifyStart  = 4058
	evVerifyPause  = 4059
	evVerifyResume = 4060
	evVerifyStop   = 4061
	evVerifyDone   = 4062
)

func verifyLog(t *testing.T, p *servertest.Pair) string {
	t.Helper()
	return readFile(t, filepath.Join(p.SrcSettings.String(catalog.SettingLogDir), p.SrcSettings.String(catalog.SettingVerifyLogName)))
}

func verify(t *testing.T, p *servertest.Pair, w *watch, o mgmt.ActivityOptions) string {
	t.Helper()
	if err := p.Src.StartActivity(context.Background(), "j", mgmt.ActivityVerify, o); err != nil {
		t.Fatal(err)
	}
	w.next(evVerifyStart)
	w.next(evVerifyDone)
	return verifyLog(t, p)
}

// tamper changes a target file's data but not its size or time: only a
// checksum verification can tell.
func tamper(t *testing.T, p string) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(p, b, fi.Mode()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// Verification compares by attributes or checksums, logs every difference
// to the verification log, and fixes what differs when asked.
func TestVerifyFindsAndFixesDifferences(t *testing.T) {
	p := startJob(t, map[string]string{"VerifyLogAppend": "0"}, nil)
	w := watchEvents(t, p.Src, evVerifyStart, evVerifyDone)

	log := verify(t, p, w, mgmt.ActivityOptions{})
	if !strings.Contains(log, "--- VERIFICATION OF CONNECTION 1, CHECKSUM DISABLED") ||
		!strings.Contains(log, "Verified 3 files and 2 directories (5010 bytes): 0 different, 0 missing on target") {
		t.Fatalf("log of an equal pair:\n%s", log)
	}

	tamper(t, filepath.Join(p.TgtDir, "d/b.txt"))
	if err := os.Remove(filepath.Join(p.TgtDir, "a.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(p.TgtDir, "d/e/c.txt"), 0o600); err != nil {
		t.Fatal(err)
	}

	log = verify(t, p, w, mgmt.ActivityOptions{})
	for _, want := range []string{"File: a.txt MISSING ON TARGET", "File: d/e/c.txt DIFFERENT ON TARGET",
		"Differs in: permissions", "1 different, 1 missing on target"} {
		if !strings.Contains(log, want) {
			t.Errorf("attribute verification log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "d/b.txt") {
		t.Errorf("attributes alone reported the tampered data:\n%s", log)
	}

	log = verify(t, p, w, mgmt.ActivityOptions{Checksum: true, Fix: true})
	for _, want := range []string{"CHECKSUM ENABLED", "File: d/b.txt DIFFERENT ON TARGET", "Differs in: data",
		"BYTES OUT OF SYNC", "SYNCHRONIZED", "2 different, 1 missing on target, 0 orphans on target, 3 synchronized"} {
		if !strings.Contains(log, want) {
			t.Errorf("checksum verification log lacks %q:\n%s", want, log)
		}
	}
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	log = verify(t, p, w, mgmt.ActivityOptions{Checksum: true})
	if !strings.Contains(log, "0 different, 0 missing on target") {
		t.Fatalf("differences left after fixing:\n%s", log)
	}
}

// While it runs the Mirror Status is "Verifying"; it pauses, resumes and
// stops with its own events.
func TestVerifyPauseResumeStop(t *testing.T) {
	p := startJob(t, nil, nil)
	w := watchEvents(t, p.Src, evVerifyStart, evVerifyPause, evVerifyResume, evVerifyStop, evVerifyDone)
	ctx := context.Background()
	// A paused target holds an op, and the verification's queries queue
	// behind it: the verification stays running until the target resumes.
	if err := p.Tgt.PauseTarget(ctx); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(p.SrcDir, "held.txt"), "held")
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.Counters["conOpsInAckQueue"] > 0 })
	if err := p.Src.StartActivity(ctx, "j", mgmt.ActivityVerify, mgmt.ActivityOptions{}); err != nil {
		t.Fatal(err)
	}
	w.next(evVerifyStart)
	if st, _ := p.Src.JobStatus(ctx, "j"); st.MirrorStatus != "Verifying" {
		t.Fatalf("Mirror Status %q while verifying", st.MirrorStatus)
	}
	if err := p.Src.StartMirror(ctx, "j", mgmt.MirrorFull); err == nil {
		t.Fatal("a mirror started during a verification")
	}
	if err := p.Src.ControlActivity(ctx, "j", mgmt.ActivityVerify, mgmt.ActionPause); err != nil {
		t.Fatal(err)
	}
	w.next(evVerifyPause)
	if st, _ := p.Src.JobStatus(ctx, "j"); st.MirrorStatus != "Paused" {
		t.Fatalf("Mirror Status %q while paused", st.MirrorStatus)
	}
	if err := p.Src.ControlActivity(ctx, "j", mgmt.ActivityVerify, mgmt.ActionResume); err != nil {
		t.Fatal(err)
	}
	w.next(evVerifyResume)
	if err := p.Src.ControlActivity(ctx, "j", mgmt.ActivityVerify, mgmt.ActionStop); err != nil {
		t.Fatal(err)
	}
	w.next(evVerifyStop)
	if err := p.Tgt.ResumeTarget(ctx); err != nil {
		t.Fatal(err)
	}
	p.WaitIdle(t, "j", wait)
	if n := w.count(evVerifyDone); n != 0 {
		t.Fatalf("a stopped verification completed (%d)", n)
	}
	if err := p.Src.ControlActivity(ctx, "j", mgmt.ActivityVerify, mgmt.ActionPause); err == nil {
		t.Fatal("paused a verification that is not running")
	}
}

// A verification that cannot complete is retried VerifyRetryLimit times,
// VerifyRetryInterval minutes apart.
func TestVerifyRetries(t *testing.T) {
	// A log name that is not a file name makes every attempt fail.
	gaveUp := newLogSignal("verification failed; no retries left")
	p := startJobLogged(t, map[string]string{"VerifyLogName": "no/such.log", "VerifyRetryInterval": "0",
		"VerifyRetryLimit": "2"}, slog.New(gaveUp), nil)
	w := watchEvents(t, p.Src, evVerifyStart, evVerifyStop, evVerifyDone)
	if err := p.Src.StartActivity(context.Background(), "j", mgmt.ActivityVerify, mgmt.ActivityOptions{}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		w.next(evVerifyStart)
		w.next(evVerifyStop)
	}
	gaveUp.wait(t) // the source decided: no attempt is scheduled after this
	if n := w.count(evVerifyStart); n != 0 {
		t.Fatalf("%d attempts beyond VerifyRetryLimit", n)
	}
}

// ForceVerifyOnMirror verifies after every difference mirror.
func TestForceVerifyOnMirror(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{Source: map[string]string{"ForceVerifyOnMirror": "1"}})
	w := watchEvents(t, p.Src, evVerifyStart, evVerifyDone)
	writeFile(t, filepath.Join(p.SrcDir, "a.txt"), "alpha")
	p.CreateJob(t, "j", nil) // starts with a difference mirror
	w.next(evVerifyStart)
	w.next(evVerifyDone)
	if log := verifyLog(t, p); !strings.Contains(log, "Verified 1 files and 0 directories (5 bytes): 0 different") {
		t.Fatalf("log:\n%s", log)
	}
}
