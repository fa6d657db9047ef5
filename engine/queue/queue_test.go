package queue

import (
	"context"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/wire"
)

func op(mirror bool, n int) *wire.Op {
	return &wire.Op{Kind: wire.OpWrite, Mirror: mirror, Data: make([]byte, n)}
}

func TestTakeAckRewind(t *testing.T) {
	q := New(1)
	for i := 0; i < 5; i++ {
		q.Push(op(i%2 == 0, 10))
	}
	c := q.Counts()
	if c.OpsInMirQueue != 3 || c.OpsInRepQueue != 2 || c.BytesInMirQueue != 30 || c.BytesInRepQueue != 20 {
		t.Fatalf("counts after push: %+v", c)
	}
	ctx := context.Background()
	b, err := q.Take(ctx, 10, 1<<20, 3)
	if err != nil || len(b) != 3 || b[0].Seq != 1 || b[2].Seq != 3 {
		t.Fatalf("take: %v %v", len(b), err)
	}
	if c := q.Counts(); c.OpsInAckQueue != 3 {
		t.Fatalf("ack queue %d", c.OpsInAckQueue)
	}
	// The window is full: Take must wait.
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	if _, err := q.Take(tctx, 10, 1<<20, 3); err == nil {
		t.Fatal("take beyond the window returned")
	}
	cancel()
	q.Ack(2)
	if c := q.Counts(); c.OpsInAckQueue != 1 {
		t.Fatalf("after ack: %+v", c)
	}
	// Reconnect: the target holds nothing beyond 2, so 3 is resent first.
	if n := q.Rewind(2); n != 1 {
		t.Fatalf("rewind resent %d", n)
	}
	b, _ = q.Take(ctx, 10, 1<<20, 10)
	if len(b) != 3 || b[0].Seq != 3 || b[2].Seq != 5 {
		t.Fatalf("after rewind got %d ops starting %d", len(b), b[0].Seq)
	}
	q.Ack(5)
	if !q.Idle() || q.Resent() != 1 {
		t.Fatalf("idle=%v resent=%d", q.Idle(), q.Resent())
	}
}

func TestTakeRespectsByteLimitButTakesOne(t *testing.T) {
	q := New(1)
	q.Push(op(false, 100))
	q.Push(op(false, 100))
	b, _ := q.Take(context.Background(), 10, 50, 10)
	if len(b) != 1 {
		t.Fatalf("got %d ops", len(b))
	}
}

func TestDropPending(t *testing.T) {
	q := New(1)
	q.Push(op(true, 1))
	q.Push(op(false, 1))
	q.Push(op(true, 1))
	if n := q.DropPending(func(o *wire.Op) bool { return !o.Mirror }); n != 2 {
		t.Fatalf("dropped %d", n)
	}
	if c := q.Counts(); c.OpsInMirQueue != 0 || c.OpsInRepQueue != 1 {
		t.Fatalf("%+v", c)
	}
}
