package console

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// pair is a replicating source and target with job "web" running, the
// source's management socket (what the CLI uses) and its console.
type pair struct {
	src, tgt       *node
	tgtCfg         nodeConfig
	srcDir, tgtDir string
	cli            *mgmt.Client
	console        *Console
	base           string
}

func startPair(t *testing.T) *pair {
	t.Helper()
	dir := t.TempDir()
	p := &pair{srcDir: filepath.Join(dir, "protected"), tgtDir: filepath.Join(dir, "replica")}
	if err := os.MkdirAll(p.srcDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.srcDir, "first.txt"), []byte("first file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.tgtCfg = nodeConfig{name: "target", dataPath: filepath.Join(dir, "tdata"), logDir: filepath.Join(dir, "tlogs"), mgmtAddr: "127.0.0.1:0"}
	p.tgt = startNode(t, p.tgtCfg)
	p.tgtCfg.addr, p.tgtCfg.mgmtAddr = p.tgt.addr, p.tgt.mgmtAddr // a restart comes back on the same ports
	p.src = startNode(t, nodeConfig{name: "source", dataPath: filepath.Join(dir, "sdata"), logDir: filepath.Join(dir, "slogs"),
		sock: filepath.Join(dir, "source.sock")})
	p.cli = mgmt.NewClient(p.src.sock)
	t.Cleanup(p.cli.Close)
	ctx := context.Background()
	spec := mgmt.JobSpec{Name: "web", SourcePath: p.srcDir, Target: p.tgt.addr, TargetPath: p.tgtDir}
	if err := p.src.srv.CreateJob(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := p.src.srv.StartJob(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	p.console, p.base = startConsole(t, p.src.srv, dir)
	return p
}

// cliStatus is the job as `dtrep job status` sees it, through the socket.
func (p *pair) cliStatus(t *testing.T, job string) mgmt.JobStatus {
	t.Helper()
	st, err := p.cli.JobStatus(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (p *pair) jobCount(t *testing.T) int {
	t.Helper()
	jobs, err := p.cli.ListJobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(jobs)
}

// act selects a job row on Manage Jobs, presses an action and confirms it.
func act(b *browser, job, action string) {
	b.t.Helper()
	b.js(fmt.Sprintf(`document.querySelector('#jobs-table tr[data-name=%s]').click()`, jsString(job)))
	b.wait("the "+action+" button enabled", fmt.Sprintf(`!document.querySelector('#job-actions button[data-action=%s]').disabled`, jsString(action)), 10*time.Second)
	b.js(fmt.Sprintf(`document.querySelector('#job-actions button[data-action=%s]').click()`, jsString(action)))
	b.wait("the confirmation", `!document.querySelector('#modal').classList.contains('hidden')`, 10*time.Second)
	b.js(`document.querySelector('#modal-ok').click()`)
}

func TestConsoleInBrowser(t *testing.T) {
	p := startPair(t)
	outer := t // the restarted target lives as long as the test
	b := newBrowser(t)

	// Nothing is served to a browser that has not logged in.
	b.navigate(p.base)
	b.wait("the login page", `document.querySelector('#login-form') !== null`, 20*time.Second)
	b.js(`document.querySelector('#token').value = 'wrong'; document.querySelector('#login-form').requestSubmit();`)
	b.wait("the refusal", `document.querySelector('#login-err').textContent.includes('138')`, 10*time.Second)
	b.screenshot("login")

	b.login(p.base, adminToken)

	t.Run("manage servers lists the local server and an added one", func(t *testing.T) {
		b.t = t
		b.wait("the local server OK", `[...document.querySelectorAll('#servers-table tr[data-id=local] td.health')].some(td => td.textContent === 'OK')`, 30*time.Second)
		// Bad input first: each is refused with a reason and adds nothing.
		for _, bad := range []struct{ url, token, want string }{
			{"", "x", "management URL is empty"},
			{"ftp://" + p.tgt.mgmtAddr, targetToken, "scheme must be http or https"},
			{"http://" + p.tgt.mgmtAddr, "wrong-token", "138"},
			{"http://" + p.tgt.mgmtAddr, "", "token is empty"},
		} {
			b.js(`document.querySelector('#server-err').textContent = ''; document.querySelector('#server-form').classList.remove('hidden')`)
			b.js(fmt.Sprintf(`const f = document.querySelector('#server-form'); f.elements.url.value = %s; f.elements.token.value = %s; f.requestSubmit();`,
				jsString(bad.url), jsString(bad.token)))
			b.wait("the error "+bad.want, fmt.Sprintf(`document.querySelector('#server-err').textContent.includes(%s)`, jsString(bad.want)), 15*time.Second)
		}
		if n := evalIn[int](b, `document.querySelectorAll('#servers-table tbody tr').length`); n != 1 {
			t.Fatalf("%d servers after refused forms, want 1", n)
		}
		b.js(fmt.Sprintf(`const f = document.querySelector('#server-form'); f.elements.name.value = 'target'; f.elements.url.value = %s; f.elements.token.value = %s; f.requestSubmit();`,
			jsString("http://"+p.tgt.mgmtAddr), jsString(targetToken)))
		b.wait("the target server row", `[...document.querySelectorAll('#servers-table tbody tr')].some(tr => tr.textContent.includes('target') && tr.querySelector('td.health').textContent === 'OK' && tr.querySelector('td.conns').textContent === '0 out, 1 in')`, 30*time.Second)
		// The page holds no token: not the console's, not the target's.
		html := evalIn[string](b, `document.documentElement.outerHTML + location.href`)
		for _, secret := range []string{adminToken, targetToken} {
			if strings.Contains(html, secret) {
				t.Fatalf("page or URL holds a secret")
			}
		}
		b.screenshot("servers")
	})

	t.Run("manage jobs shows chapter 4's words", func(t *testing.T) {
		b.t = t
		b.navigate(p.base + "#/jobs")
		b.wait("job web mirrored", cell("web", "transmit")+` === 'Active' && `+cell("web", "mirror")+` === 'Idle' && `+
			cell("web", "tds")+` === 'OK' && `+cell("web", "constate")+` === '1 (Active)'`, 60*time.Second)
		// The words are the CLI's, for the same job at the same moment.
		st := p.cliStatus(t, "web")
		b.wait("the CLI's words", cell("web", "transmit")+` === `+jsString(st.TransmitMode)+` && `+cell("web", "mirror")+` === `+jsString(st.MirrorStatus)+
			` && `+cell("web", "replication")+` === `+jsString(st.ReplicationStatus)+` && `+cell("web", "tds")+` === `+jsString(st.TargetDataState), 10*time.Second)
		b.screenshot("jobs")
	})

	t.Run("an action in the browser changes the job and the CLI sees it", func(t *testing.T) {
		b.t = t
		act(b, "web", "pause")
		b.wait("job web paused", cell("web", "transmit")+` === 'Paused'`, 20*time.Second)
		if st := p.cliStatus(t, "web"); st.TransmitMode != mgmt.TransmitPaused {
			t.Fatalf("CLI sees transmit mode %q after Pause in the browser", st.TransmitMode)
		}
		act(b, "web", "resume")
		b.wait("job web active", cell("web", "transmit")+` === 'Active'`, 20*time.Second)
		if st := p.cliStatus(t, "web"); st.TransmitMode != mgmt.TransmitActive {
			t.Fatalf("CLI sees transmit mode %q after Resume in the browser", st.TransmitMode)
		}
	})

	t.Run("a change on disk shows in the live view and the log tail", func(t *testing.T) {
		b.t = t
		b.navigate(p.base + "#/job/local/web")
		b.wait("the job page", `document.querySelector('#job-words [data-item="Transmit Mode"]')?.textContent === 'Active'`, 20*time.Second)
		b.wait("the service view", `document.querySelector('#job-view').textContent.includes('Source Path')`, 20*time.Second)
		b.wait("the job log", `document.querySelectorAll('#log-table tbody tr').length > 0`, 20*time.Second)
		sent := evalIn[string](b, `document.querySelector('#job-words [data-item="Sent (bytes)"]').textContent`)
		logLines := evalIn[int](b, `document.querySelectorAll('#log-table tbody tr').length`)
		payload := strings.Repeat("live change\n", 20000)
		if err := os.WriteFile(filepath.Join(p.srcDir, "changed.txt"), []byte(payload), 0o644); err != nil {
			t.Fatal(err)
		}
		b.wait("the sent bytes to grow", fmt.Sprintf(`document.querySelector('#job-words [data-item="Sent (bytes)"]').textContent !== %s`, jsString(sent)), 30*time.Second)
		// A pause from the job page is a new line of the job log's live tail.
		b.js(`document.querySelector('#job-actions button[data-action=pause]').click()`)
		b.wait("the confirmation", `!document.querySelector('#modal').classList.contains('hidden')`, 10*time.Second)
		b.js(`document.querySelector('#modal-ok').click()`)
		b.wait("a new job log line", fmt.Sprintf(`document.querySelectorAll('#log-table tbody tr').length > %d`, logLines), 20*time.Second)
		b.js(`document.querySelector('#job-actions button[data-action=resume]').click()`)
		b.wait("the confirmation", `!document.querySelector('#modal').classList.contains('hidden')`, 10*time.Second)
		b.js(`document.querySelector('#modal-ok').click()`)
		b.wait("job web active", `document.querySelector('#job-words [data-item="Transmit Mode"]')?.textContent === 'Active'`, 20*time.Second)
		b.wait("the chart to have samples", `document.querySelector('#chart-tx').toDataURL().length > 3000`, 20*time.Second)
		b.screenshot("job")
		got, err := os.ReadFile(filepath.Join(p.tgtDir, "changed.txt"))
		for i := 0; err == nil && string(got) != payload && i < 100; i++ {
			time.Sleep(100 * time.Millisecond)
			got, err = os.ReadFile(filepath.Join(p.tgtDir, "changed.txt"))
		}
		if string(got) != payload {
			t.Fatalf("the change did not reach the target: %v", err)
		}
	})

	t.Run("server log window: Start, Pause, Copy, Clear, Filter", func(t *testing.T) {
		b.t = t
		b.navigate(p.base + "#/logs/local")
		b.wait("engine log lines", `[...document.querySelectorAll('#log-table tbody tr')].some(tr => tr.cells[2].textContent === 'Double-Take')`, 20*time.Second)
		head := evalIn[[]string](b, `[...document.querySelectorAll('#log-table thead th')].map(th => th.textContent)`)
		if strings.Join(head, ",") != "Time,Description,Service" {
			t.Fatalf("columns %q", head)
		}
		// Pause: new lines are held, not shown, until Start.
		b.js(`document.querySelector('#log-pause').click()`)
		before := evalIn[int](b, `document.querySelectorAll('#log-table tbody tr').length`)
		if err := p.src.srv.PauseJob(context.Background(), "web"); err != nil {
			t.Fatal(err)
		}
		b.wait("held lines", `document.querySelector('#log-status').textContent.includes('new')`, 20*time.Second)
		if n := evalIn[int](b, `document.querySelectorAll('#log-table tbody tr').length`); n != before {
			t.Fatalf("paused window grew from %d to %d lines", before, n)
		}
		b.js(`document.querySelector('#log-start').click()`)
		b.wait("the held lines shown", fmt.Sprintf(`document.querySelectorAll('#log-table tbody tr').length > %d`, before), 10*time.Second)
		if err := p.src.srv.ResumeJob(context.Background(), "web"); err != nil {
			t.Fatal(err)
		}
		// Filter: the Management Service only hides every engine line.
		b.js(`const s = document.querySelector('#log-filter'); s.value = 'Double-Take'; s.dispatchEvent(new Event('change'))`)
		b.wait("only engine lines", `[...document.querySelectorAll('#log-table tbody tr:not(.hidden)')].every(tr => tr.cells[2].textContent === 'Double-Take')`, 5*time.Second)
		b.screenshot("server-logs")
		b.js(`document.querySelector('#log-copy').click()`)
		b.wait("lines copied", `Number(document.querySelector('#log-panel').dataset.copied) > 0`, 10*time.Second)
		b.js(`document.querySelector('#log-clear').click()`)
		if n := evalIn[int](b, `document.querySelectorAll('#log-table tbody tr').length`); n != 0 {
			t.Fatalf("%d lines after Clear", n)
		}
	})

	t.Run("create job: bad input changes nothing, good input creates it", func(t *testing.T) {
		b.t = t
		b.navigate(p.base + "#/jobs")
		b.wait("job web", cell("web", "transmit")+` === 'Active'`, 20*time.Second)
		jobs := p.jobCount(t)
		fill := func(name, src, bw string) {
			b.js(`document.querySelector('#create-job').click(); document.querySelector('#create-err').textContent = ''`)
			b.js(fmt.Sprintf(`const f = document.querySelector('#create-form'); f.classList.remove('hidden');
				f.elements.server.value = 'local'; f.elements.name.value = %s; f.elements.source_path.value = %s;
				f.elements.target.value = %s; f.elements.target_path.value = %s; f.elements.bandwidth_kbps.value = %s;
				f.elements.start.checked = false; f.requestSubmit();`,
				jsString(name), jsString(src), jsString(p.tgt.addr), jsString(filepath.Join(p.tgtDir, "second")), jsString(bw)))
		}
		for _, bad := range []struct{ name, src, bw, want string }{
			{"second", "relative/path", "0", "140"},
			{"second", p.srcDir, "fast", "bandwidth_kbps"},
			{"second", p.srcDir, "-5", "101"},
			{"../x", p.srcDir, "0", "101"},
			{"web", p.srcDir, "0", "122"},
		} {
			fill(bad.name, bad.src, bad.bw)
			b.wait("the error "+bad.want, fmt.Sprintf(`document.querySelector('#create-err').textContent.includes(%s)`, jsString(bad.want)), 15*time.Second)
			if n := p.jobCount(t); n != jobs {
				t.Fatalf("refused form %+v changed the job count to %d", bad, n)
			}
		}
		fill("second", p.srcDir, "512")
		b.wait("job second listed", cell("second", "transmit")+` === 'Stopped'`, 20*time.Second)
		if st := p.cliStatus(t, "second"); st.Spec.BandwidthKbps != 512 {
			t.Fatalf("created job: %+v", st.Spec)
		}
	})

	t.Run("security: CSRF token and origin are required", func(t *testing.T) {
		b.t = t
		// From the page itself but without the CSRF header.
		code := evalIn[int](b, `fetch('/api/servers/local/jobs/web/pause', {method: 'POST'}).then(r => r.json()).then(j => j.code)`)
		if code != catalog.CodeInsufficientSecurity {
			t.Fatalf("POST without CSRF token: code %d", code)
		}
		// A cross-site form post carries the cookie? SameSite=Strict keeps
		// it home; even with it, a foreign Origin is refused.
		cookie := sessionCookieFromLogin(t, p.base, adminToken)
		req, _ := http.NewRequest(http.MethodPost, p.base+"api/servers/local/jobs/web/pause", nil)
		req.AddCookie(cookie)
		req.Header.Set("Origin", "http://evil.example")
		req.Header.Set(csrfHeader, "whatever")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-origin POST: %s", resp.Status)
		}
		if st := p.cliStatus(t, "web"); st.TransmitMode != mgmt.TransmitActive {
			t.Fatalf("refused requests changed the job: %s", st.TransmitMode)
		}
	})

	t.Run("a killed target shows as an error on the job row and recovers", func(t *testing.T) {
		b.t = t
		b.navigate(p.base + "#/jobs")
		b.wait("job web active", cell("web", "transmit")+` === 'Active'`, 20*time.Second)
		p.tgt.stop()
		b.wait("job web in error", cell("web", "transmit")+` === 'Error' || `+cell("web", "constate")+`.includes('Error')`, 60*time.Second)
		b.wait("the error text", cell("web", "error")+` !== ''`, 20*time.Second)
		b.screenshot("jobs-target-down")
		b.navigate(p.base + "#/servers")
		b.wait("the target server unreachable", `[...document.querySelectorAll('#servers-table tbody tr')].some(tr => tr.querySelector('td.health').textContent === 'Unreachable')`, 30*time.Second)
		b.screenshot("servers-target-down")
		p.tgt = startNode(outer, p.tgtCfg)
		b.wait("every server OK again", `[...document.querySelectorAll('#servers-table td.health')].every(td => td.textContent === 'OK') && document.querySelectorAll('#servers-table td.health').length === 2`, 60*time.Second)
		b.navigate(p.base + "#/jobs")
		b.wait("job web connected again", cell("web", "transmit")+` === 'Active' && `+cell("web", "constate")+` === '1 (Active)' && `+cell("web", "error")+` === ''`, 60*time.Second)
	})

	t.Run("a dtmon user can look but not act", func(t *testing.T) {
		b.t = t
		b.js(`fetch('/api/logout', {method: 'POST'})`)
		b.login(p.base, monitorToken)
		b.navigate(p.base + "#/jobs")
		b.wait("job web", cell("web", "transmit")+` === 'Active'`, 20*time.Second)
		b.js(`document.querySelector('#jobs-table tr[data-name="web"]').click()`)
		b.wait("the row selected", `document.querySelector('#jobs-table tr.sel') !== null && !document.querySelector('#job-log').disabled`, 10*time.Second)
		if n := evalIn[int](b, `[...document.querySelectorAll('#job-actions button[data-action]')].filter(b => !b.disabled).length`); n != 0 {
			t.Fatalf("%d action buttons enabled for dtmon", n)
		}
		if !evalIn[bool](b, `document.querySelector('#create-job').disabled`) {
			t.Fatal("Create Job enabled for dtmon")
		}
		b.screenshot("jobs-dtmon")
		// Forcing it with the session's own CSRF token is refused too.
		code := evalIn[int](b, `fetch('/api/session').then(r => r.json()).then(s => fetch('/api/servers/local/jobs/web/stop',
			{method: 'POST', headers: {'X-CSRF-Token': s.csrf}})).then(r => r.json()).then(j => j.code)`)
		if code != catalog.CodeInsufficientSecurity {
			t.Fatalf("dtmon stop: code %d", code)
		}
		if st := p.cliStatus(t, "web"); !st.Enabled || st.TransmitMode != mgmt.TransmitActive {
			t.Fatalf("dtmon changed the job: %+v", st)
		}
	})
}

// sessionCookieFromLogin logs in over plain HTTP and returns the cookie.
func sessionCookieFromLogin(t *testing.T, base, token string) *http.Cookie {
	t.Helper()
	resp, err := http.Post(base+"api/login", "application/json", strings.NewReader(fmt.Sprintf(`{"token":%q}`, token)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				t.Fatalf("session cookie not HttpOnly and SameSite=Strict: %+v", c)
			}
			return c
		}
	}
	t.Fatalf("no session cookie: %s", resp.Status)
	return nil
}
