package failover

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// fakeHost records what the manager asks of the server. The source's
// replies come from a real TCP listener the test closes.
type fakeHost struct {
	mu       sync.Mutex
	restore  map[string]bool
	reversed []string
	heard    atomic.Uint64
}

func (h *fakeHost) Heard(string) uint64 { return h.heard.Load() }
func (h *fakeHost) RequireRestore(set string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.restore[set] = true
	return nil
}
func (h *fakeHost) ClearRestore(set string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.restore, set)
	return nil
}
func (h *fakeHost) Reverse(_ context.Context, name, copyPath, target, origPath string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reversed = append(h.reversed, name+" "+copyPath+" "+target+" "+origPath)
	return nil
}

type harness struct {
	m    *Manager
	host *fakeHost
	sub  *events.Subscription
	dir  string
}

func newHarness(t *testing.T) harness {
	t.Helper()
	hub := events.NewHub(catalog.Must())
	h := harness{host: &fakeHost{restore: map[string]bool{}}, sub: hub.Subscribe(1000, nil), dir: t.TempDir()}
	m, err := NewManager(h.host, hub, slog.New(slog.NewTextHandler(io.Discard, nil)), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	h.m = m
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

// ids drains the events raised so far.
func (h harness) ids() []catalog.EventID {
	var out []catalog.EventID
	for {
		select {
		case ev := <-h.sub.C():
			out = append(out, ev.CatalogID())
		default:
			return out
		}
	}
}

func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func listener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func waitState(t *testing.T, m *Manager, want string, within time.Duration) Status {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		st := m.Statuses()[0]
		if st.State == want {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %s, want %s within %s", st.State, want, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A source that stops answering its address meets the condition and, with
// Auto, fails over; undo hands the copy back; the state survives a restart.
func TestAutoFailoverAndUndo(t *testing.T) {
	h := newHarness(t)
	ln := listener(t)
	spec := Spec{Set: "s", Source: ln.Addr().String(), Interval: Duration(100 * time.Millisecond), Missed: 3, Auto: true}
	if _, err := h.m.Monitor(spec); err != nil {
		t.Fatal(err)
	}
	waitReply(t, h.m)
	ln.Close()
	waitState(t, h.m, StateFailedOver, 5*time.Second)
	if !h.host.restore["s"] {
		t.Error("the copy was not made live")
	}
	want := []catalog.EventID{eventNotResponding, eventConditionMet, eventFailoverStart, eventFailoverDone}
	if got := h.ids(); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if err := h.m.Failover(context.Background(), "s", false); catalog.CodeOf(err) != catalog.CodeInvalidCommand {
		t.Errorf("second failover: %v", err)
	}
	reloaded, err := NewManager(h.host, events.NewHub(catalog.Must()), slog.Default(), h.dir)
	if err != nil || reloaded.Statuses()[0].State != StateFailedOver {
		t.Fatalf("after a restart: %v %v", reloaded.Statuses(), err)
	}
	if err := h.m.Undo(context.Background(), "s"); err != nil {
		t.Fatal(err)
	}
	if h.host.restore["s"] || h.m.Statuses()[0].State != StateMonitoring {
		t.Errorf("undo left restore %v state %s", h.host.restore, h.m.Statuses()[0].State)
	}
	if got := h.ids(); !slices.Equal(got[:2], []catalog.EventID{eventUndoStart, eventUndoDone}) {
		t.Errorf("undo events %v", got)
	}
}

// Frames of the replication session count as replies even when the
// independent probe fails.
func TestSessionTrafficIsAReply(t *testing.T) {
	h := newHarness(t)
	ln := listener(t)
	addr := ln.Addr().String()
	ln.Close()
	if _, err := h.m.Monitor(Spec{Set: "s", Source: addr, Interval: Duration(100 * time.Millisecond), Missed: 3}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				h.host.heard.Add(1)
			}
		}
	}()
	waitReply(t, h.m) // the probe of the address cannot have replied
	close(stop)
	wg.Wait()
	waitState(t, h.m, StateConditionMet, 3*time.Second)
}

// A failing pre-failover script stops the failover (5107, 6112); a script
// over its time limit is 223.
func TestScriptFailures(t *testing.T) {
	h := newHarness(t)
	ln := listener(t)
	base := Spec{Set: "s", Source: ln.Addr().String(), Interval: Duration(time.Minute), Missed: 3}
	spec := base
	spec.Pre = []string{script(t, "echo broken >&2; exit 3")}
	if _, err := h.m.Monitor(spec); err != nil {
		t.Fatal(err)
	}
	err := h.m.Failover(context.Background(), "s", false)
	if err == nil || h.host.restore["s"] || h.m.Statuses()[0].State != StateMonitoring {
		t.Fatalf("failed script: err %v restore %v", err, h.host.restore)
	}
	if got := h.ids(); !slices.Equal(got, []catalog.EventID{eventFailoverStart, eventScriptStart, eventScriptError, eventFailoverError}) {
		t.Errorf("events %v", got)
	}
	spec = base
	spec.Pre, spec.Timeout = []string{script(t, "sleep 30")}, Duration(time.Second)
	if _, err := h.m.Monitor(spec); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := h.m.Failover(context.Background(), "s", false); catalog.CodeOf(err) != CodeScriptTimeout {
		t.Errorf("slow script: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a 1s script limit took %s", d)
	}
	spec = base
	spec.Pre = []string{"/nonexistent/script"}
	if _, err := h.m.Monitor(spec); err != nil {
		t.Fatal(err)
	}
	if err := h.m.Failover(context.Background(), "s", false); catalog.CodeOf(err) != CodeScriptStart {
		t.Errorf("missing script: %v", err)
	}
}

func TestSpecValidation(t *testing.T) {
	for _, tc := range []struct {
		spec Spec
		code int
	}{
		{Spec{Set: "s", Source: "nohost"}, CodeInvalidSource},
		{Spec{Set: "s", Source: "h:1", Interval: Duration(time.Millisecond)}, catalog.CodeInvalidParameter},
		{Spec{Set: "s", Source: "h:1", Missed: -1}, catalog.CodeInvalidParameter},
		{Spec{Set: "s", Source: "h:1", Pre: []string{"relative.sh"}}, catalog.CodeInvalidParameter},
		{Spec{Source: "h:1"}, catalog.CodeInvalidParameter},
	} {
		if err := tc.spec.withDefaults().Validate(); catalog.CodeOf(err) != tc.code {
			t.Errorf("%+v: %v, want %d", tc.spec, err, tc.code)
		}
	}
}

// waitReply waits until the monitor recorded a reply.
func waitReply(t *testing.T, m *Manager) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for m.Statuses()[0].LastReply.IsZero() {
		if time.Now().After(deadline) {
			t.Fatalf("no reply recorded: %+v", m.Statuses()[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
