package elasticsearch

import (
	"context"
	"strconv"
	"testing"
	"time"
)

func bodies(t *testing.T, b *buffer) []string {
	t.Helper()
	var out []string
	for {
		d, ok := b.tryPop()
		if !ok {
			return out
		}
		out = append(out, string(d.body))
	}
}

func fill(b *buffer, n int) {
	for i := 1; i <= n; i++ {
		b.push(doc{body: []byte(strconv.Itoa(i))})
	}
}

func TestBufferDropOldest(t *testing.T) {
	b := newBuffer(3, DropOldest)
	fill(b, 5)
	if n, bytes, dropped := b.depth(); n != 3 || bytes != 3 || dropped != 2 {
		t.Errorf("depth %d bytes %d dropped %d", n, bytes, dropped)
	}
	if got := bodies(t, b); len(got) != 3 || got[0] != "3" || got[2] != "5" {
		t.Errorf("kept %v, want 3 4 5", got)
	}
}

func TestBufferDropNewest(t *testing.T) {
	b := newBuffer(3, DropNewest)
	fill(b, 5)
	if got := bodies(t, b); len(got) != 3 || got[0] != "1" || got[2] != "3" {
		t.Errorf("kept %v, want 1 2 3", got)
	}
	if _, _, dropped := b.depth(); dropped != 2 {
		t.Errorf("dropped %d", dropped)
	}
}

// A document put back goes first; on a full buffer it is the one dropped.
func TestBufferPushFront(t *testing.T) {
	b := newBuffer(3, DropOldest)
	fill(b, 2)
	if !b.pushFront(doc{body: []byte("0")}) {
		t.Fatal("pushFront refused with room left")
	}
	if b.pushFront(doc{body: []byte("x")}) {
		t.Fatal("pushFront accepted on a full buffer")
	}
	if got := bodies(t, b); len(got) != 3 || got[0] != "0" || got[1] != "1" {
		t.Errorf("order %v, want 0 1 2", got)
	}
	if n, bytes, dropped := b.depth(); n != 0 || bytes != 0 || dropped != 1 {
		t.Errorf("after drain: depth %d bytes %d dropped %d", n, bytes, dropped)
	}
}

func TestBufferPopWaits(t *testing.T) {
	b := newBuffer(2, DropOldest)
	got := make(chan string, 1)
	go func() {
		d, _ := b.pop(context.Background())
		got <- string(d.body)
	}()
	time.Sleep(10 * time.Millisecond)
	b.push(doc{body: []byte("late")})
	select {
	case s := <-got:
		if s != "late" {
			t.Errorf("popped %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("pop did not wake on push")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := b.pop(ctx); ok {
		t.Error("pop on an empty buffer with an ended context returned a document")
	}
}

// Pushing never blocks, whatever the fill: N pushes with no reader finish
// well before the deadline.
func TestBufferPushNeverBlocks(t *testing.T) {
	b := newBuffer(10, DropOldest)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fill(b, 100000)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("push blocked")
	}
	if n, _, dropped := b.depth(); n != 10 || dropped != 100000-10 {
		t.Errorf("depth %d dropped %d", n, dropped)
	}
}

func TestBackoff(t *testing.T) {
	if d := backoffFor(time.Second, 5*time.Second, 1); d != time.Second {
		t.Errorf("attempt 1: %s", d)
	}
	if d := backoffFor(time.Second, 5*time.Second, 3); d != 4*time.Second {
		t.Errorf("attempt 3: %s", d)
	}
	if d := backoffFor(time.Second, 5*time.Second, 30); d != 5*time.Second {
		t.Errorf("attempt 30: %s", d)
	}
	b := backoff{base: time.Millisecond, limit: 4 * time.Millisecond}
	for _, want := range []time.Duration{1, 2, 4, 4} {
		if got := b.fail(); got != want*time.Millisecond {
			t.Errorf("fail: %s, want %s", got, want*time.Millisecond)
		}
	}
	b.reset()
	if !b.wait(context.Background()) {
		t.Error("wait after reset")
	}
}
