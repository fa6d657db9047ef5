package main

import (
	"context"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

func TestMirrorCommands(t *testing.T) {
	fake, _, sock := testServer(t)
	ctx := context.Background()
	if err := fake.CreateJob(ctx, mgmt.JobSpec{Name: "web", SourcePath: "/s", Target: "h:1", TargetPath: "/t"}); err != nil {
		t.Fatal(err)
	}
	_, err := runCLI(t, "--socket", sock, "mirror", "start", "web")
	wantCode(t, err, catalog.CodeConnectionNotExist) // not started
	if err := fake.StartJob(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		args []string
		out  string
	}{
		{[]string{"start", "web", "--mode", "checksum"}, "mirror web: started (checksum)\n"},
		{[]string{"pause", "web"}, "mirror web: mirror paused\n"},
		{[]string{"resume", "web"}, "mirror web: mirror resumed\n"},
		{[]string{"stop", "web"}, "mirror web: mirror stopped\n"},
		{[]string{"start", "web"}, "mirror web: started (full)\n"},
	} {
		out, err := runCLI(t, append([]string{"--socket", sock, "mirror"}, step.args...)...)
		if err != nil || out != step.out {
			t.Fatalf("mirror %v: %q, %v; want %q", step.args, out, err, step.out)
		}
	}
	_, err = runCLI(t, "--socket", sock, "mirror", "start", "web", "--mode", "diff")
	wantCode(t, err, catalog.CodeMirrorAlreadyActive)

	want := "CreateJob web,StartMirror web full,StartJob web,StartMirror web checksum,PauseMirror web," +
		"ResumeMirror web,StopMirror web,StartMirror web full,StartMirror web diff"
	if got := strings.Join(fake.Calls(), ","); got != want {
		t.Errorf("calls\n got %q\nwant %q", got, want)
	}
}

func TestMirrorModeValidatedLocally(t *testing.T) {
	fake, logins, sock := testServer(t)
	for _, mode := range []string{"fast", "FULL", ""} {
		_, err := runCLI(t, "--socket", sock, "mirror", "start", "web", "--mode", mode)
		if mode == "" {
			// An explicit empty mode is the default, as in the API.
			wantCode(t, err, catalog.CodeJobNotExist)
			continue
		}
		wantCode(t, err, catalog.CodeInvalidOption)
	}
	if calls := fake.Calls(); len(calls) != 1 {
		t.Errorf("calls %q: only the valid command may be sent", calls)
	}
	if ok, _ := logins.Counts(); ok != 1 {
		t.Errorf("%d logins, want 1", ok)
	}
}
