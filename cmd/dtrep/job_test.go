package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

func TestJobCreateStartStopDelete(t *testing.T) {
	fake, _, sock := testServer(t)
	out, err := runCLI(t, "--socket", sock, "job", "create", "web", "--source-path", "/srv/www",
		"--target", "10.0.0.2:6320", "--target-path", "/backup/www", "--compression", "medium",
		"--bandwidth", "2048", "--include", "*.html", "--include", "a,b", "--exclude", "*.tmp")
	if err != nil {
		t.Fatal(err)
	}
	if out != "job web: created\n" {
		t.Errorf("create printed %q", out)
	}
	st, err := fake.JobStatus(t.Context(), "web")
	if err != nil {
		t.Fatal(err)
	}
	want := mgmt.JobSpec{Name: "web", SourcePath: "/srv/www", Target: "10.0.0.2:6320", TargetPath: "/backup/www",
		Compression: 2, BandwidthKbps: 2048, Include: []string{"*.html", "a,b"}, Exclude: []string{"*.tmp"}}
	if got, _ := json.Marshal(st.Spec); string(got) != mustJSON(t, want) {
		t.Errorf("created spec %s, want %s", got, mustJSON(t, want))
	}

	for _, step := range []struct{ verb, out string }{
		{"start", "job web: started\n"}, {"pause", "job web: paused\n"}, {"resume", "job web: resumed\n"},
		{"stop", "job web: stopped\n"}, {"delete", "job web: deleted\n"},
	} {
		out, err := runCLI(t, "--socket", sock, "job", step.verb, "web")
		if err != nil || out != step.out {
			t.Fatalf("job %s: %q, %v; want %q", step.verb, out, err, step.out)
		}
	}
	want2 := "CreateJob web,JobStatus web,StartJob web,PauseJob web,ResumeJob web,StopJob web,DeleteJob web"
	if got := strings.Join(fake.Calls(), ","); got != want2 {
		t.Errorf("calls %q, want %q", got, want2)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Server errors reach the user as "<code> <reference message>: <detail>".
func TestJobErrorsFromServer(t *testing.T) {
	_, _, sock := testServer(t)
	_, err := runCLI(t, "--socket", sock, "job", "start", "nope")
	wantCode(t, err, catalog.CodeJobNotExist)
	if err.Error() != `123 Job does not exist: job "nope"` {
		t.Errorf("error text %q", err)
	}
	if _, err := runCLI(t, "--socket", sock, "job", "create", "a", "--source-path", "/s", "--target", "h:1", "--target-path", "/t"); err != nil {
		t.Fatal(err)
	}
	_, err = runCLI(t, "--socket", sock, "job", "pause", "a")
	wantCode(t, err, catalog.CodeConnectionNotExist)
	if !strings.HasPrefix(err.Error(), "107 Connection does not exist: ") {
		t.Errorf("error text %q", err)
	}
	if exitCode(err) != 2 {
		t.Errorf("exit status %d, want 2", exitCode(err))
	}
	_, err = runCLI(t, "--socket", sock, "job", "create", "a", "--source-path", "/s", "--target", "h:1", "--target-path", "/t")
	wantCode(t, err, catalog.CodeJobExists)
}

func TestJobCreateValidatesLocally(t *testing.T) {
	fake, logins, sock := testServer(t)
	base := []string{"--socket", sock, "job", "create", "web"}
	good := []string{"--source-path", "/s", "--target", "h:1", "--target-path", "/t"}
	cases := []struct {
		extra []string
		code  int
	}{
		{[]string{"--compression", "max"}, catalog.CodeInvalidParameter},
		{[]string{"--compression", "4"}, catalog.CodeInvalidParameter},
		{[]string{"--compression", "-1"}, catalog.CodeInvalidParameter},
		{[]string{"--bandwidth", "fast"}, catalog.CodeInvalidParameter},
		{[]string{"--bandwidth", "-5"}, catalog.CodeInvalidParameter},
		{[]string{"--bandwidth", "1.5"}, catalog.CodeInvalidParameter},
		{[]string{"--include", "[x"}, catalog.CodeInvalidParameter},
		{[]string{"--target", "nohostport"}, catalog.CodeInvalidParameter},
		{[]string{"--source-path", "relative"}, catalog.CodeSourcePathInvalid},
	}
	for _, c := range cases {
		_, err := runCLI(t, append(append(append([]string{}, base...), good...), c.extra...)...)
		if catalog.CodeOf(err) != c.code {
			t.Errorf("%v: %v, want code %d", c.extra, err, c.code)
		}
	}
	for _, missing := range []string{"--source-path", "--target", "--target-path"} {
		var args []string
		for i := 0; i < len(good); i += 2 {
			if good[i] != missing {
				args = append(args, good[i], good[i+1])
			}
		}
		_, err := runCLI(t, append(append([]string{}, base...), args...)...)
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter || !strings.Contains(err.Error(), missing) {
			t.Errorf("without %s: %v, want code 101 naming the flag", missing, err)
		}
	}
	_, err := runCLI(t, "--socket", sock, "job", "start", "a/b")
	wantCode(t, err, catalog.CodeInvalidParameter)
	_, err = runCLI(t, "--socket", sock, "job", "list", "--format", "yaml")
	wantCode(t, err, catalog.CodeInvalidOption)
	nothingSent(t, fake, logins)
}

func TestCompressionAndBandwidthWords(t *testing.T) {
	for in, want := range map[string]int{"off": 0, "LOW": 1, "2": 2, "high": 3} {
		if got, err := parseCompression(in); err != nil || got != want {
			t.Errorf("parseCompression(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]int{"unlimited": 0, "Unlimited": 0, "0": 0, "100000": 100000} {
		if got, err := parseBandwidth(in); err != nil || got != want {
			t.Errorf("parseBandwidth(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestJobListAndStatus(t *testing.T) {
	fake, _, sock := testServer(t)
	since := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	fake.Put(mgmt.JobStatus{
		Spec:         mgmt.JobSpec{Name: "web", SourcePath: "/srv/www", Target: "10.0.0.2:6320", TargetPath: "/b", Compression: 1},
		Enabled:      true,
		ConnectionID: 3, ConState: mgmt.ConStateScheduled | mgmt.ConStateError,
		TransmitMode: mgmt.TransmitError, MirrorStatus: mgmt.MirrorInProgress, MirrorPercent: 42.5, MirrorRemaining: 1048576,
		ReplicationStatus: mgmt.ReplicationPending, TargetDataState: mgmt.TargetDataMirroring, ConnectedSince: since,
		Counters:  map[string]int64{"conOpsInRepQueue": 10, "conOpsInMirQueue": 7, "conBytesTx": 999},
		LastError: "145 Connection failed: refused", ChangeCapture: "fanotify",
	})
	fake.Put(mgmt.JobStatus{Spec: mgmt.JobSpec{Name: "idle job", SourcePath: "/a", Target: "h:1", TargetPath: "/t"},
		TransmitMode: mgmt.TransmitStopped, MirrorStatus: mgmt.MirrorIdle, ReplicationStatus: mgmt.ReplicationStopped,
		TargetDataState: mgmt.TargetDataUnknown})

	out, err := runCLI(t, "--socket", sock, "job", "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("job list:\n%s", out)
	}
	for _, want := range []string{"web", "3", "12 (Scheduled, Error)", "Error", "In Progress", "Pending", "Mirroring"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("job list row %q lacks %q", lines[1], want)
		}
	}
	for _, want := range []string{"idle job", "-", "0 (None)", "Stopped", "Idle", "Unknown"} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("job list row %q lacks %q", lines[2], want)
		}
	}

	out, err = runCLI(t, "--socket", sock, "job", "status", "web")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][2]string{
		{"Connection ID", "3"},
		{"conState", `12 \(Scheduled, Error\)`},
		{"Transmit mode", "Error"},
		{"Mirror status", "In Progress"},
		{"Mirror percent complete", `42\.5%`},
		{`Mirror remaining \(bytes\)`, "1048576"},
		{"Replication status", "Pending"},
		{"Target data state", "Mirroring"},
		{"Compression", "On / Low"},
		{`Bandwidth limit \(Kbps\)`, "Unlimited"},
		{"Connected since", `2026-03-04 \d\d:06:07 \S+`},
		{"Change capture", "fanotify"},
		{"Last error", "145 Connection failed: refused"},
		{"Queues", ""},
		{"  conOpsInMirQueue", "7"},
		{"  conOpsInRepQueue", "10"},
	} {
		re := regexp.MustCompile(`(?m)^` + row[0] + ` *` + row[1] + `$`)
		if !re.MatchString(out) {
			t.Errorf("job status lacks %s:\n%s", re, out)
		}
	}
	if strings.Contains(out, "conBytesTx") {
		t.Errorf("job status shows a non-queue counter in Queues:\n%s", out)
	}

	out, err = runCLI(t, "--socket", sock, "job", "status", "web", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var st mgmt.JobStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status JSON: %v\n%s", err, out)
	}
	if st.ConState != 12 || st.Counters["conBytesTx"] != 999 || !st.ConnectedSince.Equal(since) {
		t.Errorf("status JSON decoded to %+v", st)
	}

	out, err = runCLI(t, "--socket", sock, "job", "list", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var jobs []mgmt.JobStatus
	if err := json.Unmarshal([]byte(out), &jobs); err != nil || len(jobs) != 2 || jobs[1].Spec.Name != "idle job" {
		t.Errorf("list JSON: %v %+v", err, jobs)
	}
}

func TestJobListEmptyJSON(t *testing.T) {
	_, _, sock := testServer(t)
	out, err := runCLI(t, "--socket", sock, "job", "list", "--format", "json")
	if err != nil || strings.TrimSpace(out) != "[]" {
		t.Errorf("empty list JSON %q, %v; want []", out, err)
	}
}
