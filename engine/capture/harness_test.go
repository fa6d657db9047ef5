package capture

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/internal/testtool"
)

// methods are the backends every behaviour test runs against.
var methods = []Method{Fanotify, Inotify}

// eachMethod runs f once per backend. fanotify needs Linux and
// CAP_SYS_ADMIN: where they are missing its run fails under CI=true (CI runs
// as root) and skips elsewhere.
func eachMethod(t *testing.T, f func(t *testing.T, m Method)) {
	t.Helper()
	for _, m := range methods {
		t.Run(m.String(), func(t *testing.T) {
			if m == Fanotify {
				requireFanotify(t)
			}
			f(t, m)
		})
	}
}

func requireFanotify(t testing.TB) {
	t.Helper()
	root := t.TempDir()
	set, err := repset.New("probe", root, inc(""))
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(root, set, Options{Method: Fanotify})
	if err != nil {
		testtool.Missing(t, "fanotify is unavailable: %v", err)
		return
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// deadline bounds every wait on the watcher; it is a hang guard, not a
// performance expectation.
const deadline = 20 * time.Second

// harness runs a Watcher on a temp root and collects its records.
type harness struct {
	t      *testing.T
	root   string
	set    *repset.Set
	w      *Watcher
	cancel context.CancelFunc
	errc   chan error

	mu     sync.Mutex
	recs   []Change
	notify chan struct{}
	nsync  int
}

func inc(p string) repset.Rule { return repset.Rule{Path: p, Include: true, Recursive: true} }
func exc(p string) repset.Rule { return repset.Rule{Path: p, Recursive: true} }

// newHarness creates the watcher on a fresh root; collect starts a reader.
func newHarness(t *testing.T, opts Options, collect bool, rules ...repset.Rule) *harness {
	t.Helper()
	root := t.TempDir()
	return newHarnessAt(t, root, opts, collect, rules...)
}

func newHarnessAt(t *testing.T, root string, opts Options, collect bool, rules ...repset.Rule) *harness {
	t.Helper()
	if len(rules) == 0 {
		rules = []repset.Rule{inc("")}
	}
	set, err := repset.New("test", root, rules...)
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(root, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	return serveHarness(t, root, set, w, collect)
}

// serveHarness runs Serve for an existing watcher.
func serveHarness(t *testing.T, root string, set *repset.Set, w *Watcher, collect bool) *harness {
	h := &harness{t: t, root: root, set: set, w: w, errc: make(chan error, 1), notify: make(chan struct{}, 1)}
	return h.serve(collect)
}

func (h *harness) serve(collect bool) *harness {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.errc <- h.w.Serve(ctx) }()
	if collect {
		go h.collect()
	}
	h.t.Cleanup(func() {
		cancel()
		select {
		case err := <-h.errc:
			if err != nil {
				h.t.Errorf("Serve: %v", err)
			}
		case <-time.After(deadline):
			h.t.Error("Serve did not return after cancel")
		}
	})
	return h
}

// waitCounter waits until the counter reaches n.
func (h *harness) waitCounter(what string, get func() uint64, n uint64) {
	h.t.Helper()
	stop := time.Now().Add(deadline)
	for get() < n {
		if time.Now().After(stop) {
			h.t.Fatalf("timed out waiting for %s to reach %d (at %d)", what, n, get())
		}
		time.Sleep(time.Millisecond)
	}
}

func (h *harness) collect() {
	for c := range h.w.Changes() {
		h.mu.Lock()
		h.recs = append(h.recs, c)
		h.mu.Unlock()
		select {
		case h.notify <- struct{}{}:
		default:
		}
	}
}

// waitFor waits until cond holds for the records collected so far.
func (h *harness) waitFor(what string, cond func([]Change) bool) []Change {
	h.t.Helper()
	timeout := time.After(deadline)
	for {
		h.mu.Lock()
		recs := append([]Change(nil), h.recs...)
		h.mu.Unlock()
		if cond(recs) {
			return recs
		}
		select {
		case <-h.notify:
		case <-timeout:
			h.t.Fatalf("timed out waiting for %s; records so far:\n%s", what, dump(recs))
		}
	}
}

// sync creates a marker file and waits for its record: records are
// ordered, so everything caused before it has been delivered. A root
// Rescan delivered after the marker was made stands for it: the consumer
// rescans everything, the marker included. That happens when the kernel
// queue overflows again, which a fanotify group with a small queue does
// while other work writes to the same file system (a parallel test run).
// It returns the records so far without markers.
func (h *harness) sync() []Change {
	h.t.Helper()
	h.nsync++
	name := fmt.Sprintf("sync-marker-%d", h.nsync)
	h.mu.Lock()
	from := len(h.recs)
	h.mu.Unlock()
	if err := os.WriteFile(filepath.Join(h.root, name), nil, 0o644); err != nil {
		h.t.Fatal(err)
	}
	recs := h.waitFor(name, func(rs []Change) bool {
		for i, r := range rs {
			if r.Path == name || (i >= from && r.Kind == Rescan && r.Path == "") {
				return true
			}
		}
		return false
	})
	out := recs[:0]
	for _, r := range recs {
		if !strings.HasPrefix(r.Path, "sync-marker-") {
			out = append(out, r)
		}
	}
	return out
}

func (h *harness) path(rel string) string { return filepath.Join(h.root, filepath.FromSlash(rel)) }

func (h *harness) write(rel, data string) {
	h.t.Helper()
	if err := os.MkdirAll(filepath.Dir(h.path(rel)), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(h.path(rel), []byte(data), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) rename(from, to string) {
	h.t.Helper()
	if err := os.Rename(h.path(from), h.path(to)); err != nil {
		h.t.Fatal(err)
	}
}

func dump(recs []Change) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "  %v\n", r)
	}
	return b.String()
}

// covered reports whether some record makes the consumer look at rel: a
// Create or Write of it, or a Rescan of it or an ancestor.
func covered(recs []Change, rel string) bool {
	for _, r := range recs {
		switch r.Kind {
		case Create, Write:
			if r.Path == rel {
				return true
			}
		case Rescan:
			if r.Path == "" || r.Path == rel || strings.HasPrefix(rel, r.Path+"/") {
				return true
			}
		}
	}
	return false
}
