package mgmt_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
	"github.com/dtrep/dtrep/engine/stats"
)

// These tests drive the API against mgmttest.Fake, an in-memory Manager: they
// check the HTTP layer (routes, codes, authorisation, logins). The real
// server's Manager is covered by the server's end-to-end tests.

func serveFake(t *testing.T) (*mgmttest.Fake, *mgmttest.Logins, *mgmt.Client) {
	t.Helper()
	requireRoot(t)
	fake, logins := mgmttest.NewFake(), &mgmttest.Logins{}
	path := mgmttest.ServeUnix(t, fake, logins, mgmt.Options{})
	c := mgmt.NewClient(path)
	t.Cleanup(c.Close)
	return fake, logins, c
}

func wantCode(t *testing.T, err error, code int) {
	t.Helper()
	if got := catalog.CodeOf(err); got != code {
		t.Fatalf("got %v (code %d), want code %d", err, got, code)
	}
}

func TestEveryRoute(t *testing.T) {
	fake, _, c := serveFake(t)
	ctx := context.Background()
	spec := mgmt.JobSpec{Name: "web site", SourcePath: "/srv/www", Target: "10.0.0.2:6320", TargetPath: "/b",
		Compression: 2, BandwidthKbps: 512, Include: []string{"*.html"}, Exclude: []string{"*.tmp"}}
	fake.Snapshot = stats.Snapshot{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Kernel: stats.Instance{Scope: catalog.ScopeKernel, Values: map[string]int64{"RepOpsGenerated": 42}}}

	steps := []struct {
		call string // the Fake's record of the call
		do   func() error
	}{
		{"CreateJob web site", func() error { return c.CreateJob(ctx, spec) }},
		{"StartJob web site", func() error { return c.StartJob(ctx, spec.Name) }},
		{"PauseJob web site", func() error { return c.PauseJob(ctx, spec.Name) }},
		{"ResumeJob web site", func() error { return c.ResumeJob(ctx, spec.Name) }},
		{"StartMirror web site diff", func() error { return c.StartMirror(ctx, spec.Name, mgmt.MirrorDiff) }},
		{"PauseMirror web site", func() error { return c.PauseMirror(ctx, spec.Name) }},
		{"ResumeMirror web site", func() error { return c.ResumeMirror(ctx, spec.Name) }},
		{"StopMirror web site", func() error { return c.StopMirror(ctx, spec.Name) }},
		{"StartMirror web site full", func() error { return c.StartMirror(ctx, spec.Name, "") }},
		{"PauseTarget", func() error { return c.PauseTarget(ctx) }},
		{"ResumeTarget", func() error { return c.ResumeTarget(ctx) }},
		{"JobStatus web site", func() error {
			st, err := c.JobStatus(ctx, spec.Name)
			if err == nil && (!reflect.DeepEqual(st.Spec, spec) || st.ConnectionID != 1 ||
				st.MirrorStatus != mgmt.MirrorInProgress || st.Counters == nil) {
				t.Errorf("JobStatus = %+v", st)
			}
			return err
		}},
		{"ListJobs", func() error {
			jobs, err := c.ListJobs(ctx)
			if err == nil && (len(jobs) != 1 || jobs[0].Spec.Name != spec.Name) {
				t.Errorf("ListJobs = %+v", jobs)
			}
			return err
		}},
		{"Stats", func() error {
			snap, err := c.Stats(ctx)
			if err == nil && (!snap.Time.Equal(fake.Snapshot.Time) || snap.Kernel.Values["RepOpsGenerated"] != 42) {
				t.Errorf("Stats = %+v", snap)
			}
			return err
		}},
		{"StopJob web site", func() error { return c.StopJob(ctx, spec.Name) }},
		{"DeleteJob web site", func() error { return c.DeleteJob(ctx, spec.Name) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.call, err)
		}
	}
	var want []string
	for _, s := range steps {
		want = append(want, s.call)
	}
	if got := fake.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls reaching the Manager:\n got %q\nwant %q", got, want)
	}
	if fake.TargetPaused() {
		t.Error("target still paused after ResumeTarget")
	}
	jobs, err := c.ListJobs(ctx)
	if err != nil || jobs == nil || len(jobs) != 0 {
		t.Errorf("ListJobs after delete = %#v, %v; want an empty, non-nil list", jobs, err)
	}
}

// Manager errors reach the client with code, message and detail intact.
func TestErrorRoundTrip(t *testing.T) {
	fake, _, c := serveFake(t)
	ctx := context.Background()

	err := c.PauseJob(ctx, "nope")
	wantCode(t, err, catalog.CodeJobNotExist)
	if err.Error() != `123 Job does not exist: job "nope"` {
		t.Errorf("error text %q", err)
	}

	if err := c.CreateJob(ctx, mgmt.JobSpec{Name: "a", SourcePath: "/s", Target: "h:1", TargetPath: "/t"}); err != nil {
		t.Fatal(err)
	}
	err = c.StopJob(ctx, "a")
	wantCode(t, err, catalog.CodeConnectionNotExist)
	if !strings.HasPrefix(err.Error(), "107 Connection does not exist: ") {
		t.Errorf("error text %q", err)
	}
	if !errors.Is(err, catalog.Err(catalog.CodeConnectionNotExist, "")) {
		t.Error("errors.Is does not match the code after the round trip")
	}

	fake.FailNext("Stats", errors.New("registry gone"))
	_, err = c.Stats(ctx)
	wantCode(t, err, catalog.CodeUnknown)
	if !strings.Contains(err.Error(), "registry gone") {
		t.Errorf("plain error lost its text: %v", err)
	}

	fake.FailNext("StartJob", catalog.Err(catalog.CodeTargetDiskFull, "/backup"))
	wantCode(t, c.StartJob(ctx, "a"), catalog.CodeTargetDiskFull)
}

// Bad input is refused by the API before the Manager sees it.
func TestAPIValidates(t *testing.T) {
	requireRoot(t)
	fake := mgmttest.NewFake()
	path := mgmttest.ServeUnix(t, fake, nil, mgmt.Options{})
	c := mgmt.NewClient(path)
	defer c.Close()
	ctx := context.Background()
	wantCode(t, c.CreateJob(ctx, mgmt.JobSpec{Name: "a", SourcePath: "rel", Target: "h:1", TargetPath: "/t"}),
		catalog.CodeSourcePathInvalid)
	wantCode(t, c.StartMirror(ctx, "a", "fast"), catalog.CodeInvalidOption)
	for _, req := range [][2]string{{"POST", "/v1/jobs/a%2Fb/start"}, {"POST", "/v1/mirror/%20a/stop"}, {"GET", "/v1/jobs/a%00"}} {
		status, _, body := rawRequest(t, path, req[0], req[1], nil)
		if status != http.StatusBadRequest || !strings.Contains(body, `"code":101`) {
			t.Errorf("%s %s: %d %s; want 400 with code 101", req[0], req[1], status, body)
		}
	}
	status, _, body := rawRequest(t, path, "POST", "/v1/jobs", strings.NewReader(`{"name":"x","bandwith_kbps":1}`))
	if status != http.StatusBadRequest || !strings.Contains(body, `unknown field`) {
		t.Errorf("misspelt field: %d %s", status, body)
	}
	if calls := fake.Calls(); len(calls) != 0 {
		t.Errorf("invalid requests reached the Manager: %q", calls)
	}
}

// The client refuses names that would not address one job, sending nothing.
func TestClientChecksNames(t *testing.T) {
	fake, logins, c := serveFake(t)
	for _, name := range []string{"..", ".", "a/b", ""} {
		wantCode(t, c.StartJob(context.Background(), name), catalog.CodeInvalidParameter)
	}
	if ok, failed := logins.Counts(); ok+failed != 0 || len(fake.Calls()) != 0 {
		t.Errorf("invalid names were sent: %d logins, calls %q", ok+failed, fake.Calls())
	}
}

// rawRequest sends one HTTP request over the unix socket and returns the
// status, Allow header and error body.
func rawRequest(t *testing.T, path, method, url string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequest(method, "http://dtrep"+url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestMethodMismatchAndUnknownPath(t *testing.T) {
	requireRoot(t)
	fake := mgmttest.NewFake()
	path := mgmttest.ServeUnix(t, fake, nil, mgmt.Options{})
	cases := []struct {
		method, url string
		status      int
		allow, body string
	}{
		{"POST", "/v1/stats", 405, "GET", `{"code":102,"message":"Command is not a valid or the syntax is incorrect"`},
		{"GET", "/v1/jobs/web/start", 405, "POST", `"code":102`},
		{"PUT", "/v1/jobs", 405, "GET, POST", `"code":102`},
		{"PATCH", "/v1/jobs/web", 405, "DELETE, GET", `"code":102`},
		{"GET", "/v2/jobs", 404, "", `"code":102`},
		{"GET", "/v1/jobs/", 404, "", `"code":102`},
		{"GET", "/v1/jobs/web", 404, "", `{"code":123,"message":"Job does not exist","detail":"job \"web\""}`},
		{"POST", "/v1/jobs", 400, "", `"code":101`},
	}
	for _, c := range cases {
		status, h, body := rawRequest(t, path, c.method, c.url, nil)
		if status != c.status || h.Get("Allow") != c.allow || !strings.Contains(body, c.body) {
			t.Errorf("%s %s: %d Allow=%q %s; want %d Allow=%q containing %s",
				c.method, c.url, status, h.Get("Allow"), body, c.status, c.allow, c.body)
		}
		if ct := h.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: Content-Type %q", c.method, c.url, ct)
		}
	}
	if calls := fake.Calls(); !reflect.DeepEqual(calls, []string{"JobStatus web"}) {
		t.Errorf("calls reaching the Manager: %q", calls)
	}
}

// A connection is one login however many requests it carries.
func TestLoginCountedPerConnection(t *testing.T) {
	_, logins, c := serveFake(t)
	ctx := context.Background()
	for range 5 {
		if _, err := c.ListJobs(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if ok, failed := logins.Counts(); ok != 1 || failed != 0 {
		t.Fatalf("after 5 requests on one connection: %d ok, %d failed logins; want 1, 0", ok, failed)
	}
	c.Close() // drops the idle connection: the next request is a new login
	if _, err := c.ListJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, _ := logins.Counts(); ok != 2 {
		t.Fatalf("after a second connection: %d ok logins, want 2", ok)
	}
}

func TestClientUnreachable(t *testing.T) {
	c := mgmt.NewClient(t.TempDir() + "/none.sock")
	_, err := c.ListJobs(context.Background())
	wantCode(t, err, catalog.CodeServerNotFound)
}
