//go:build linux

package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

const wait = 30 * time.Second

// watch subscribes to srv's events with the given IDs before anything
// raises them.
type watch struct {
	t   *testing.T
	sub *events.Subscription
	got []events.Event
}

func watchEvents(t *testing.T, srv *server.Server, ids ...int) *watch {
	t.Helper()
	want := map[int]bool{}
	for _, id := range ids {
		want[id] = true
	}
	sub := srv.Subscribe(1024, func(e events.Event) bool { return want[e.ID] })
	t.Cleanup(sub.Close)
	return &watch{t: t, sub: sub}
}

// next waits for event id and returns it; events before it stay seen.
func (w *watch) next(id int) events.Event {
	w.t.Helper()
	for i, e := range w.got {
		if e.ID == id {
			w.got = append(w.got[:i], w.got[i+1:]...)
			return e
		}
	}
	deadline := time.After(wait)
	for {
		select {
		case e := <-w.sub.C():
			if e.ID == id {
				return e
			}
			w.got = append(w.got, e)
		case <-deadline:
			w.t.Fatalf("event %d not raised; seen %v", id, w.ids())
			return events.Event{}
		}
	}
}

// count drains what arrived and counts event id.
func (w *watch) count(id int) int {
	for {
		select {
		case e := <-w.sub.C():
			w.got = append(w.got, e)
			continue
		default:
		}
		break
	}
	n := 0
	for _, e := range w.got {
		if e.ID == id {
			n++
		}
	}
	return n
}

func (w *watch) ids() []int {
	var out []int
	for _, e := range w.got {
		out = append(out, e.ID)
	}
	return out
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// sameTrees returns "" when b holds what a holds: the same paths and types,
// and for files the same contents, permissions and modification times.
// Paths skip accepts are left out on both sides.
func sameTrees(a, b string, skip func(rel string) bool) string {
	scan := func(root string) map[string]fs.FileInfo {
		out := map[string]fs.FileInfo{}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || p == root {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			if skip != nil && skip(filepath.ToSlash(rel)) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if fi, err := d.Info(); err == nil {
				out[rel] = fi
			}
			return nil
		})
		return out
	}
	ea, eb := scan(a), scan(b)
	var names []string
	for n := range ea {
		names = append(names, n)
	}
	for n := range eb {
		if ea[n] == nil {
			return n + ": only on " + b
		}
	}
	sort.Strings(names)
	for _, n := range names {
		x, y := ea[n], eb[n]
		switch {
		case y == nil:
			return n + ": missing on " + b
		case x.Mode().Type() != y.Mode().Type():
			return n + ": types differ"
		case x.Mode().IsRegular() && (x.Mode() != y.Mode() || !x.ModTime().Equal(y.ModTime())):
			return fmt.Sprintf("%s: %v %v vs %v %v", n, x.Mode(), x.ModTime(), y.Mode(), y.ModTime())
		case x.Mode().IsRegular():
			ca, _ := os.ReadFile(filepath.Join(a, n))
			cb, _ := os.ReadFile(filepath.Join(b, n))
			if !bytes.Equal(ca, cb) {
				return n + ": contents differ"
			}
		}
	}
	return ""
}

// waitSame waits until sameTrees reports nothing.
func waitSame(t *testing.T, a, b string, skip func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	last := ""
	for time.Now().Before(deadline) {
		if last = sameTrees(a, b, skip); last == "" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("trees differ: %s", last)
}

// startJob starts a pair with the given settings (on both servers) and one
// synced job "j" over a few files.
func startJob(t *testing.T, over map[string]string, mut func(*mgmt.JobSpec)) *servertest.Pair {
	t.Helper()
	return startJobLogged(t, over, nil, mut)
}

// startJobLogged is startJob with the source's log lines sent to srcLog.
func startJobLogged(t *testing.T, over map[string]string, srcLog *slog.Logger, mut func(*mgmt.JobSpec)) *servertest.Pair {
	t.Helper()
	src, tgt := map[string]string{}, map[string]string{}
	for k, v := range over {
		src[k], tgt[k] = v, v
	}
	p := servertest.StartPair(t, servertest.Config{Source: src, Target: tgt, SourceLog: srcLog})
	writeFile(t, filepath.Join(p.SrcDir, "a.txt"), "alpha")
	writeFile(t, filepath.Join(p.SrcDir, "d/b.txt"), strings.Repeat("beta ", 1000))
	writeFile(t, filepath.Join(p.SrcDir, "d/e/c.txt"), "gamma")
	p.CreateJob(t, "j", mut)
	p.WaitIdle(t, "j", wait)
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	return p
}

// counter reads a counter of the job's connection block.
func counter(t *testing.T, p *servertest.Pair, name string) int64 {
	t.Helper()
	st, err := p.Src.JobStatus(context.Background(), "j")
	if err != nil {
		t.Fatal(err)
	}
	return st.Counters[name]
}

// targetCounter reads a counter of the target's block for the source.
func targetCounter(p *servertest.Pair, name string) int64 {
	var n int64
	for _, b := range p.Tgt.Snapshot().Targets {
		n += b.Values[name]
	}
	return n
}

// waitFor polls cond until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached after %s", what, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// servertestPair starts a pair with per-side settings and a synced job "j".
func servertestPair(t *testing.T, src, tgt map[string]string) *servertest.Pair {
	t.Helper()
	p := servertest.StartPair(t, servertest.Config{Source: src, Target: tgt})
	writeFile(t, filepath.Join(p.SrcDir, "a.txt"), "alpha")
	p.CreateJob(t, "j", nil)
	p.WaitIdle(t, "j", wait)
	return p
}

// logSignal is a slog.Handler that closes Seen once a record with message
// msg has been handled: the log line is the event that proves a decision
// the engine makes without raising a catalog event.
type logSignal struct {
	msg  string
	once *sync.Once
	seen chan struct{}
}

func newLogSignal(msg string) logSignal {
	return logSignal{msg: msg, once: new(sync.Once), seen: make(chan struct{})}
}

func (l logSignal) Enabled(context.Context, slog.Level) bool { return true }
func (l logSignal) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l logSignal) WithGroup(string) slog.Handler            { return l }
func (l logSignal) Handle(_ context.Context, r slog.Record) error {
	if r.Message == l.msg {
		l.once.Do(func() { close(l.seen) })
	}
	return nil
}

// wait waits for the message.
func (l logSignal) wait(t *testing.T) {
	t.Helper()
	select {
	case <-l.seen:
	case <-time.After(wait):
		t.Fatalf("no log line %q within %s", l.msg, wait)
	}
}
