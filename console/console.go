package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

//go:embed assets
var assets embed.FS

// Options configure a Console.
type Options struct {
	// Local is the server the console runs in; LocalName names its row.
	Local     mgmt.Manager
	LocalName string
	// ServersFile remembers the watched servers and their tokens (written
	// 0600); empty remembers nothing across restarts.
	ServersFile string
	// AdminToken and MonitorToken log users in as dtadmin and dtmon. At
	// least one must be set.
	AdminToken, MonitorToken string
	// Secure marks the session cookie Secure: set it when served over TLS.
	Secure bool
	// PollInterval is how often each server is read; 0 means one second.
	PollInterval time.Duration
	// PollTimeout bounds one server's read; 0 means five seconds.
	PollTimeout time.Duration
	// Log receives refused logins and failed actions; nil discards them.
	Log *slog.Logger
	// dial reaches a watched server; nil means its management TCP listener.
	dial func(url, token string) (mgmt.Manager, func(), error)
}

// Console is the web console of one dtrep server.
type Console struct {
	opts     Options
	tokens   tokens
	sessions *sessions
	servers  *servers
	live     *live
	kick     chan struct{} // asks for a polling round now

	mu          sync.Mutex
	lastContact map[string]time.Time
	busy        map[string]bool // servers being polled
}

// New builds a console; it loads the remembered servers.
func New(opts Options) (*Console, error) {
	if opts.Local == nil {
		return nil, errors.New("console: no local server")
	}
	if opts.AdminToken == "" && opts.MonitorToken == "" {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "console: no login token (ConsoleAdminToken or ConsoleMonitorToken)")
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 5 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.LocalName == "" {
		opts.LocalName = "local"
	}
	if opts.dial == nil {
		opts.dial = dialTCP
	}
	c := &Console{opts: opts, tokens: newTokens(opts.AdminToken, opts.MonitorToken), sessions: newSessions(),
		live: newLive(), kick: make(chan struct{}, 1), lastContact: map[string]time.Time{}, busy: map[string]bool{}}
	c.servers = &servers{file: opts.ServersFile, dial: opts.dial,
		list: []*watched{{ID: LocalID, Name: opts.LocalName, m: opts.Local, close: func() {}}}}
	if err := c.servers.load(); err != nil {
		return nil, err
	}
	for _, w := range c.servers.all() {
		c.live.server(ServerRow{ID: w.ID, Name: w.Name, URL: w.URL, Local: w.ID == LocalID, Health: HealthConnecting}, nil)
	}
	return c, nil
}

// pollSoon asks for a polling round without waiting for the interval, so
// an action shows on the pages at once.
func (c *Console) pollSoon() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// poll runs polling rounds until ctx ends. A server still being read from
// the last round (an unreachable one waiting for its timeout) is skipped,
// so one slow server never delays the others.
func (c *Console) poll(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(c.opts.PollInterval)
	defer t.Stop()
	for {
		for _, w := range c.servers.all() {
			c.mu.Lock()
			busy := c.busy[w.ID]
			c.busy[w.ID] = true
			c.mu.Unlock()
			if busy {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.pollServer(ctx, w)
				c.mu.Lock()
				delete(c.busy, w.ID)
				c.mu.Unlock()
			}()
		}
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.live.tick(now)
		case <-c.kick:
		}
	}
}

// Serve serves the console on ln until ctx ends.
func (c *Console) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           c.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(c.opts.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	pctx, pcancel := context.WithCancel(ctx)
	polled := make(chan struct{})
	go func() { defer close(polled); c.poll(pctx) }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
		cancel()
		err = <-errc
	}
	pcancel()
	<-polled
	for _, w := range c.servers.all() {
		w.close()
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("console on %s: %w", ln.Addr(), err)
}

func staticFiles() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic("BUG: console: embedded assets: " + err.Error())
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		files.ServeHTTP(w, r)
	})
}
