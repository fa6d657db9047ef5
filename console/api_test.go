package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// apiRig is a console over a real (in-process) server, without a browser.
type apiRig struct {
	t    testing.TB
	node *node
	c    *Console
	h    http.Handler
	dir  string
}

func newAPIRig(t testing.TB, opts Options) *apiRig {
	t.Helper()
	dir := t.TempDir()
	n := startNode(t, nodeConfig{name: "local", dataPath: filepath.Join(dir, "data"), logDir: filepath.Join(dir, "logs")})
	opts.Local = n.srv
	if opts.AdminToken == "" {
		opts.AdminToken = adminToken
	}
	if opts.MonitorToken == "" {
		opts.MonitorToken = monitorToken
	}
	if opts.ServersFile == "" {
		opts.ServersFile = filepath.Join(dir, "servers.json")
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &apiRig{t: t, node: n, c: c, h: c.Handler(), dir: dir}
}

// login returns the cookie and CSRF token of a session for token.
func (r *apiRig) login(token string) (*http.Cookie, string) {
	r.t.Helper()
	w := r.do(http.MethodPost, "/api/login", fmt.Sprintf(`{"token":%q}`, token), nil, "")
	if w.Code != http.StatusOK {
		r.t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	var si sessionInfo
	if err := json.Unmarshal(w.Body.Bytes(), &si); err != nil {
		r.t.Fatal(err)
	}
	return w.Result().Cookies()[0], si.CSRF
}

func (r *apiRig) do(method, path, body string, cookie *http.Cookie, csrf string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "console.test"
	if cookie != nil {
		req.AddCookie(cookie)
	}
	if csrf != "" {
		req.Header.Set(csrfHeader, csrf)
	}
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	return w
}

func codeOf(t *testing.T, w *httptest.ResponseRecorder) int {
	t.Helper()
	var e struct {
		Code int `json:"code"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("reply %d is not a JSON error: %q", w.Code, w.Body)
	}
	return e.Code
}

func TestAPIRefusesWithoutSession(t *testing.T) {
	r := newAPIRig(t, Options{})
	for _, rq := range []struct{ method, path string }{
		{http.MethodGet, "/api/session"}, {http.MethodGet, "/api/events"}, {http.MethodGet, "/api/servers/local/logs"},
		{http.MethodGet, "/api/servers/local/jobs/x"}, {http.MethodPost, "/api/servers/local/jobs/x/start"},
		{http.MethodPost, "/api/servers"}, {http.MethodDelete, "/api/servers/x"},
	} {
		w := r.do(rq.method, rq.path, "{}", nil, "")
		if w.Code != http.StatusUnauthorized || codeOf(t, w) != catalog.CodeInsufficientSecurity {
			t.Errorf("%s %s without a session: %d %s", rq.method, rq.path, w.Code, w.Body)
		}
	}
	if w := r.do(http.MethodPost, "/api/login", `{"token":"nope"}`, nil, ""); w.Code != http.StatusUnauthorized || len(w.Result().Cookies()) != 0 {
		t.Errorf("wrong token: %d, cookies %v", w.Code, w.Result().Cookies())
	}
	if w := r.do(http.MethodPost, "/api/login", `{"token":""}`, nil, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("empty token: %d", w.Code)
	}
	// The pages themselves are public: they hold nothing secret.
	if w := r.do(http.MethodGet, "/", "", nil, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "app.js") ||
		!strings.Contains(w.Header().Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("index: %d %q", w.Code, w.Header())
	}
	if w := r.do(http.MethodPost, "/", "", nil, ""); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d", w.Code)
	}
}

func TestAPIActionsNeedAdminAndCSRF(t *testing.T) {
	r := newAPIRig(t, Options{})
	ctx := context.Background()
	if err := os.MkdirAll(filepath.Join(r.dir, "s"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.node.srv.CreateJob(ctx, mgmt.JobSpec{Name: "j", SourcePath: filepath.Join(r.dir, "s"), Target: "127.0.0.1:1",
		TargetPath: filepath.Join(r.dir, "t")}); err != nil {
		t.Fatal(err)
	}
	admin, csrf := r.login(adminToken)
	mon, monCSRF := r.login(monitorToken)
	if w := r.do(http.MethodPost, "/api/servers/local/jobs/j/start", "", admin, ""); codeOf(t, w) != catalog.CodeInsufficientSecurity {
		t.Errorf("no CSRF token: %d %s", w.Code, w.Body)
	}
	if w := r.do(http.MethodPost, "/api/servers/local/jobs/j/start", "", admin, monCSRF); codeOf(t, w) != catalog.CodeInsufficientSecurity {
		t.Errorf("another session's CSRF token: %d %s", w.Code, w.Body)
	}
	if w := r.do(http.MethodPost, "/api/servers/local/jobs/j/start", "", mon, monCSRF); w.Code != http.StatusForbidden ||
		codeOf(t, w) != catalog.CodeInsufficientSecurity {
		t.Errorf("dtmon start: %d %s", w.Code, w.Body)
	}
	if st, _ := r.node.srv.JobStatus(ctx, "j"); st.Enabled {
		t.Fatal("a refused request started the job")
	}
	if w := r.do(http.MethodPost, "/api/servers/local/jobs/j/start", "", admin, csrf); w.Code != http.StatusNoContent {
		t.Fatalf("dtadmin start: %d %s", w.Code, w.Body)
	}
	if st, _ := r.node.srv.JobStatus(ctx, "j"); !st.Enabled {
		t.Fatal("dtadmin start did not start the job")
	}
	// dtmon still reads.
	if w := r.do(http.MethodGet, "/api/servers/local/jobs/j", "", mon, ""); w.Code != http.StatusOK {
		t.Errorf("dtmon read: %d %s", w.Code, w.Body)
	}
	// Logging out ends the session.
	if w := r.do(http.MethodPost, "/api/logout", "", admin, ""); w.Code != http.StatusNoContent {
		t.Fatalf("logout: %d", w.Code)
	}
	if w := r.do(http.MethodGet, "/api/session", "", admin, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("session after logout: %d", w.Code)
	}
}

func TestAPIBadInputChangesNothing(t *testing.T) {
	r := newAPIRig(t, Options{})
	admin, csrf := r.login(adminToken)
	big := `{"name":"` + strings.Repeat("x", maxFormBytes) + `"}`
	for _, c := range []struct {
		method, path, body string
		code               int
	}{
		{http.MethodPost, "/api/servers", `not json`, catalog.CodeInvalidParameter},
		{http.MethodPost, "/api/servers", `{"url":"http://127.0.0.1:1","token":"t","extra":1}`, catalog.CodeInvalidParameter},
		{http.MethodPost, "/api/servers", `{"url":"http://127.0.0.1:1","token":"t"} {}`, catalog.CodeInvalidParameter},
		{http.MethodPost, "/api/servers", big, catalog.CodeInvalidParameter},
		{http.MethodPost, "/api/servers", `{"url":"http://192.0.2.1:1","token":"t"}`, catalog.CodeInvalidParameter},
		{http.MethodPost, "/api/servers", `{"url":"http://127.0.0.1:1","token":"t","name":"a\u0007b"}`, catalog.CodeInvalidParameter},
		{http.MethodPost, "/api/servers", `{"url":"http://127.0.0.1:1","token":"t"}`, catalog.CodeServerNotFound},
		{http.MethodDelete, "/api/servers/local", ``, catalog.CodeInvalidParameter},
		{http.MethodDelete, "/api/servers/nope", ``, catalog.CodeServerNotFound},
		{http.MethodPost, "/api/servers/local/jobs", `{"name":"a","source_path":"/x","target":"127.0.0.1:1","target_path":"/y","bogus":1}`, catalog.CodeInvalidParameter},
		{http.MethodPost, "/api/servers/local/jobs", `{"name":"a","source_path":"x","target":"127.0.0.1:1","target_path":"/y"}`, catalog.CodeSourcePathInvalid},
		{http.MethodPost, "/api/servers/local/jobs?start=maybe", `{"name":"a","source_path":"/x","target":"127.0.0.1:1","target_path":"/y"}`, catalog.CodeInvalidOption},
		{http.MethodPost, "/api/servers/nope/jobs", `{}`, catalog.CodeServerNotFound},
		{http.MethodPost, "/api/servers/local/jobs/a/explode", ``, catalog.CodeInvalidOption},
		{http.MethodPost, "/api/servers/local/jobs/a/verify-explode", ``, catalog.CodeInvalidCommand},
		{http.MethodPost, "/api/servers/local/jobs/a/mirror-start?mode=sideways", ``, catalog.CodeInvalidOption},
		{http.MethodPost, "/api/servers/local/jobs/a/start", ``, catalog.CodeJobNotExist},
		{http.MethodPost, "/api/servers/local/jobs/%2E%2E/start", ``, catalog.CodeInvalidParameter},
		{http.MethodGet, "/api/servers/local/logs?job=..", ``, catalog.CodeInvalidParameter},
		{http.MethodGet, "/api/nothing", ``, catalog.CodeInvalidCommand},
	} {
		w := r.do(c.method, c.path, c.body, admin, csrf)
		if w.Code < 400 || codeOf(t, w) != c.code {
			t.Errorf("%s %s %.60q: %d %.200s, want code %d", c.method, c.path, c.body, w.Code, w.Body, c.code)
		}
	}
	if jobs, _ := r.node.srv.ListJobs(context.Background()); len(jobs) != 0 {
		t.Errorf("refused forms created %d jobs", len(jobs))
	}
	if n := len(r.c.servers.all()); n != 1 {
		t.Errorf("refused forms left %d servers", n)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "servers.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused forms wrote the servers file: %v", err)
	}
}

// TestServersRemembered: an added server survives a restart of the console
// in a file only the server's user reads; a removed one is forgotten.
func TestServersRemembered(t *testing.T) {
	r := newAPIRig(t, Options{})
	remote := startNode(t, nodeConfig{name: "remote", dataPath: filepath.Join(r.dir, "rdata"), logDir: filepath.Join(r.dir, "rlogs"),
		mgmtAddr: "127.0.0.1:0"})
	admin, csrf := r.login(adminToken)
	w := r.do(http.MethodPost, "/api/servers", fmt.Sprintf(`{"url":"http://%s","token":%q}`, remote.mgmtAddr, targetToken), admin, csrf)
	if w.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	var added struct{ ID string }
	_ = json.Unmarshal(w.Body.Bytes(), &added)
	file := filepath.Join(r.dir, "servers.json")
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("servers file: %v %v", fi, err)
	}
	again, err := New(Options{Local: r.node.srv, AdminToken: adminToken, ServersFile: file})
	if err != nil {
		t.Fatal(err)
	}
	all := again.servers.all()
	if len(all) != 2 || all[1].Name != "remote" || all[1].URL != "http://"+remote.mgmtAddr {
		t.Fatalf("after restart: %+v", all)
	}
	if _, err := all[1].m.View(context.Background()); err != nil {
		t.Fatalf("remembered server not reachable with its token: %v", err)
	}
	if w := r.do(http.MethodDelete, "/api/servers/"+added.ID, "", admin, csrf); w.Code != http.StatusNoContent {
		t.Fatalf("remove: %d %s", w.Code, w.Body)
	}
	b, _ := os.ReadFile(file)
	if strings.Contains(string(b), remote.mgmtAddr) || strings.Contains(string(b), targetToken) {
		t.Fatalf("removed server still remembered: %s", b)
	}
	// A damaged file is refused with a clear error, not half read.
	if err := os.WriteFile(file, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{Local: r.node.srv, AdminToken: adminToken, ServersFile: file}); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Fatalf("damaged servers file: %v", err)
	}
}

// FuzzConsoleForms sends untrusted bodies to every form: whatever comes,
// the answer is a JSON error or a success, never a panic or a server error.
func FuzzConsoleForms(f *testing.F) {
	for _, s := range []string{`{}`, `{"token":"x"}`, `{"url":"http://127.0.0.1:1","token":"t"}`,
		`{"name":"a","source_path":"/x","target":"127.0.0.1:1","target_path":"/y","compression":9}`,
		`{"name":"a","include":["*.txt"],"bandwidth_kbps":-1}`, `[1,2]`, `null`, "\x00\xff", `{"name":"a"}{"name":"b"}`} {
		f.Add(s)
	}
	// Watched servers are never dialled: the fuzzer must not reach out.
	r := newAPIRig(f, Options{dial: func(string, string) (mgmt.Manager, func(), error) {
		return nil, nil, catalog.Err(catalog.CodeServerNotFound, "not dialled in the fuzz test")
	}})
	admin, csrf := r.login(adminToken)
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/api/login", "/api/servers", "/api/servers/local/jobs"} {
			w := r.do(http.MethodPost, path, body, admin, csrf)
			if w.Code >= 500 {
				t.Fatalf("%s %q: %d %s", path, body, w.Code, w.Body)
			}
			if w.Code >= 400 && !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %q: reply is not JSON: %q", path, body, w.Body)
			}
		}
	})
}
