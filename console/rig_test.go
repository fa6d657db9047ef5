package console

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dtrep/dtrep/engine/logfile"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
	"github.com/dtrep/dtrep/internal/testrun"
	"github.com/dtrep/dtrep/internal/testtool"
)

const (
	adminToken   = "admin-token-for-tests-0123456789"
	monitorToken = "monitor-token-for-tests-0123456789"
	targetToken  = "target-management-token-0123456789"
)

// node is one dtrep server of the rig in this process: its replication
// listener, its logs (as `dtrep serve` writes them) and its management API.
type node struct {
	srv      *server.Server
	addr     string // replication address
	mgmtAddr string // management TCP listener, when served
	sock     string // management unix socket, when served
	stop     func()
}

type nodeConfig struct {
	name, dataPath, logDir string
	addr, mgmtAddr, sock   string // "" picks a free port / serves none
}

func startNode(t testing.TB, c nodeConfig) *node {
	t.Helper()
	st := settingstest.With(t, map[string]string{"DataPath": c.dataPath, "LogDir": c.logDir,
		"ConnectionSecret": "test-secret", "NetworkRetry": "1", "AutoRemirrorRetry": "1"})
	if c.addr == "" {
		c.addr = "127.0.0.1:0"
	}
	ln, err := listenRetry(c.addr)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Options{Settings: st, Name: c.name, Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	router, err := logfile.OpenRouter(logfile.RouterOptions{Settings: st, JobID: srv.JobID})
	if err != nil {
		t.Fatal(err)
	}
	sub := srv.Hub().Subscribe(4096, nil)
	ctx, cancel := context.WithCancel(context.Background())
	n := &node{srv: srv, addr: ln.Addr().String()}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); router.Serve(ctx, sub) }()
	go func() { defer wg.Done(); _ = srv.Serve(ctx) }()
	listening := map[string]chan struct{}{"tcp": make(chan struct{}), "unix": make(chan struct{})}
	api := mgmt.NewServer(srv, srv, mgmt.Options{Listening: func(network string, _ net.Addr) { close(listening[network]) }})
	if c.mgmtAddr != "" {
		mln, err := listenRetry(c.mgmtAddr) // the port, then freed for ServeTCP
		if err != nil {
			t.Fatal(err)
		}
		n.mgmtAddr = mln.Addr().String()
		mln.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := api.ServeTCP(ctx, n.mgmtAddr, nil, mgmt.Tokens{Admin: targetToken}); err != nil && ctx.Err() == nil {
				t.Errorf("management TCP: %v", err)
			}
		}()
	}
	if c.sock != "" {
		n.sock = c.sock
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := api.ServeUnix(ctx, c.sock); err != nil && ctx.Err() == nil {
				t.Errorf("management socket: %v", err)
			}
		}()
	}
	if c.mgmtAddr != "" {
		<-listening["tcp"]
	}
	if c.sock != "" {
		<-listening["unix"]
	}
	var once sync.Once
	n.stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(n.stop)
	srv.Addr() // serving once Addr returns
	return n
}

// listenRetry listens on addr, retrying briefly while a just-stopped server
// releases it.
func listenRetry(addr string) (net.Listener, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil || time.Now().After(deadline) {
			return ln, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startConsole serves a console over the local server on loopback.
func startConsole(t *testing.T, local mgmt.Manager, dir string) (*Console, string) {
	t.Helper()
	c, err := New(Options{Local: local, LocalName: "source", ServersFile: filepath.Join(dir, "servers.json"),
		AdminToken: adminToken, MonitorToken: monitorToken, PollInterval: 250 * time.Millisecond, PollTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, "http://" + testrun.Listen(t, c.Serve) + "/"
}

// browser is one headless Chromium with a fresh profile, and a tab in it.
type browser struct {
	t     *testing.T
	ctx   context.Context
	loads int
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(testtool.Path(t, "chromium")),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1500, 950),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })
	b := &browser{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v\npage: %s", err, b.text())
	}
}

func (b *browser) navigate(url string) { b.t.Helper(); b.do(chromedp.Navigate(url)) }

// js runs a script in the page.
func (b *browser) js(script string) {
	b.t.Helper()
	b.do(chromedp.Steps(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		// A block, so each script's const and let are its own.
		_, err := chromedp.Evaluate[chromedp.Void]("{"+script+"\n}", chromedp.EvalAwaitPromise)(ctx, t)
		return chromedp.Void{}, err
	}))
}

// eval returns a script's value.
func evalIn[T any](b *browser, script string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %s: %v", script, err)
	}
	return v
}

// wait waits until the page's expression is truthy.
func (b *browser) wait(what, expr string, timeout time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(timeout))); err != nil {
		b.t.Fatalf("waiting for %s: %v\npage: %s", what, err, b.text())
	}
}

// text is the page's visible text, for failure messages.
func (b *browser) text() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return fmt.Sprintf("(unreadable: %v)", err)
	}
	if len(s) > 4000 { // the toolbars come first, the rows that matter last
		s = "..." + s[len(s)-4000:]
	}
	return s
}

// screenshotDir holds the pages the tests photograph, for a person to look
// at (not committed): DTREP_CONSOLE_SCREENSHOTS or screenshots/ here.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("DTREP_CONSOLE_SCREENSHOTS")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(screenshotDir(b.t), name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// login logs the browser in with token through the login form.
func (b *browser) login(base, token string) {
	b.t.Helper()
	b.loads++ // a new query string loads a fresh page, whatever was loaded
	b.navigate(fmt.Sprintf("%s?load=%d#/servers", base, b.loads))
	b.wait("the login form", `document.querySelector('#login-form') !== null`, 20*time.Second)
	b.js(fmt.Sprintf(`document.querySelector('#token').value = %q; document.querySelector('#login-form').requestSubmit();`, token))
	b.wait("logged in", `document.querySelector('#servers-table') !== null && document.querySelector('#live').textContent === 'live'`, 20*time.Second)
}

// jsString quotes s for a script.
func jsString(s string) string { return fmt.Sprintf("%q", s) }

// cell is the expression of a job row's cell text.
func cell(job, class string) string {
	return fmt.Sprintf(`(document.querySelector('#jobs-table tr[data-name=%s] td.%s') || {}).textContent`, jsString(job), class)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
