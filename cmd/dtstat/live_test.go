package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/internal/syncbuf"
)

// scripted serves a fixed sequence of snapshots, then the last forever.
type scripted struct {
	mu    sync.Mutex
	snaps []stats.Snapshot
	calls int
}

func (s *scripted) Stats(context.Context) (stats.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := min(s.calls, len(s.snaps)-1)
	s.calls++
	snap := s.snaps[i]
	snap.Time = time.Now()
	return snap, nil
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// While the statistics do not change, DTStat writes nothing.
func TestLiveWritesOnlyChanges(t *testing.T) {
	a := sampleSnapshot()
	b := sampleSnapshot()
	b.Kernel.Values = map[string]int64{"RepOpsGenerated": 436846}
	src := &scripted{snaps: []stats.Snapshot{a, a, a, b, b}}
	old := newSource
	newSource = func(options) (statsSource, func(), error) { return src, func() {}, nil }
	defer func() { newSource = old }()

	var out syncbuf.Buffer
	s, err := openSink(options{}, catalog.Must(), &out)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- live(ctx, options{interval: 5 * time.Millisecond}, s) }()
	deadline := time.Now().Add(10 * time.Second)
	for src.count() < 8 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "SYSTEMALLOCATOR::"); n != 2 {
		t.Fatalf("%d blocks for two distinct snapshots over %d polls", n, src.count())
	}
}

func TestLiveEndsAfterStop(t *testing.T) {
	src := &scripted{snaps: []stats.Snapshot{sampleSnapshot()}}
	old := newSource
	newSource = func(options) (statsSource, func(), error) { return src, func() {}, nil }
	defer func() { newSource = old }()
	var out syncbuf.Buffer
	s, _ := openSink(options{}, catalog.Must(), &out)
	err := live(context.Background(), options{interval: time.Millisecond, stop: time.Now().Add(-time.Minute)}, s)
	if err != nil || out.String() != "" {
		t.Fatalf("%v, printed %q", err, out.String())
	}
}
