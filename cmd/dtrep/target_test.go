package main

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestTargetPauseResume(t *testing.T) {
	fake, _, sock := testServer(t)
	out, err := runCLI(t, "--socket", sock, "target", "pause")
	if err != nil || out != "target: paused\n" || !fake.TargetPaused() {
		t.Fatalf("target pause: %q, %v (paused %v)", out, err, fake.TargetPaused())
	}
	_, err = runCLI(t, "--socket", sock, "target", "pause")
	wantCode(t, err, catalog.CodeTargetPaused)
	out, err = runCLI(t, "--socket", sock, "target", "resume")
	if err != nil || out != "target: resumed\n" || fake.TargetPaused() {
		t.Fatalf("target resume: %q, %v (paused %v)", out, err, fake.TargetPaused())
	}
}
