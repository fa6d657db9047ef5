package source

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/queue"
	"github.com/dtrep/dtrep/engine/wire"
)

// session is one established wire connection to the target. It ends at the
// first error of either loop; the connection then decides whether to
// reconnect.
type session struct {
	c    *wire.Conn
	peer wire.Hello

	mu     sync.Mutex
	nextID uint64
	reqs   map[uint64]chan wire.Message
	err    error
	done   chan struct{}
	once   sync.Once

	// Socket counters already added to the connection's totals; touched
	// only by the send loop.
	lastRaw, lastWire int64
}

func newSession(c *wire.Conn, peer wire.Hello) *session {
	return &session{c: c, peer: peer, reqs: map[uint64]chan wire.Message{}, done: make(chan struct{})}
}

// fail ends the session with err (the first error wins).
func (s *session) fail(err error) {
	s.once.Do(func() {
		s.mu.Lock()
		s.err = err
		for id, ch := range s.reqs {
			close(ch)
			delete(s.reqs, id)
		}
		s.mu.Unlock()
		close(s.done)
		s.c.Close()
	})
}

// Err is why the session ended.
func (s *session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

var errSessionClosed = errors.New("session closed")

// request sends a query and waits for its reply. Replies arrive in order
// with the ops sent before the query, so a reply reflects every op queued
// before it was sent.
func (s *session) request(ctx context.Context, build func(id uint64) wire.Message) (wire.Message, error) {
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return nil, errSessionClosed
	}
	s.nextID++
	id := s.nextID
	ch := make(chan wire.Message, 1)
	s.reqs[id] = ch
	s.mu.Unlock()
	if err := s.c.Send(build(id)); err != nil {
		s.fail(fmt.Errorf("sending request: %w", err))
		return nil, err
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return nil, errSessionClosed
		}
		if e, isErr := m.(*wire.Error); isErr {
			return nil, e.Err()
		}
		return m, nil
	case <-ctx.Done():
		s.mu.Lock()
		delete(s.reqs, id)
		s.mu.Unlock()
		return nil, ctx.Err()
	}
}

func (s *session) deliver(id uint64, m wire.Message) {
	s.mu.Lock()
	ch, ok := s.reqs[id]
	delete(s.reqs, id)
	s.mu.Unlock()
	if ok {
		ch <- m
	}
}

// acker is told about what the target sends beyond replies: the
// transmitter of acknowledgements, the task book of task outcomes, the
// connection of the target's standing facts about the job.
type acker struct {
	acked      func(a *wire.Ack)
	taskResult func(m *wire.TaskResult)
	jobState   func(m *wire.JobState)
}

// receive reads what the target sends until the session fails, handing
// each message to the session's wire.SourceHandler.
func (s *session) receive(q *queue.Queue, a acker) {
	h := &received{s: s, q: q, a: a}
	for {
		m, err := s.c.Recv()
		if err != nil {
			s.fail(fmt.Errorf("receiving: %w", err))
			return
		}
		if err := wire.DispatchSource(s.c, m, h); err != nil {
			var pe *wire.PeerError
			if errors.As(err, &pe) {
				err = targetError{pe}
			}
			s.fail(err)
			return
		}
	}
}

// received is the source's wire.SourceHandler for one session:
// acknowledgements release the queue, replies go to their request.
type received struct {
	s *session
	q *queue.Queue
	a acker
}

func (h *received) Ack(m *wire.Ack) error {
	h.q.Ack(m.Seq)
	h.a.acked(m)
	return nil
}

func (h *received) Reply(reqID uint64, m wire.Message) error {
	h.s.deliver(reqID, m)
	return nil
}

func (h *received) TaskResult(m *wire.TaskResult) error { h.a.taskResult(m); return nil }
func (h *received) JobState(m *wire.JobState) error     { h.a.jobState(m); return nil }

// sendLimits bound one Ops frame.
type sendLimits struct {
	maxOps   int
	maxBytes func() int64 // payload of one frame, read live (frameBytes)
	window   func() int   // SourcePendingAcks, read live
	paused   *atomic.Bool
	held     *atomic.Bool // transmission held by the schedule
	resume   <-chan struct{}
}

// send takes batches from the queue and sends them until the session fails
// or ctx ends.
func (s *session) send(ctx context.Context, q *queue.Queue, lim sendLimits, sent func(batch []*wire.Op)) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	msg := &wire.Ops{}
	// sendable waits while transmission is paused or held by the schedule.
	sendable := func() bool {
		for lim.paused.Load() || (lim.held != nil && lim.held.Load()) {
			select {
			case <-ctx.Done():
				return false
			case <-lim.resume:
			}
		}
		return true
	}
	for {
		if !sendable() {
			return
		}
		batch, err := q.Take(ctx, lim.maxOps, lim.maxBytes(), lim.window())
		if err != nil {
			return
		}
		// Paused or held while Take waited for ops: the batch waits too
		// (a lost session resends it from the acknowledgement queue).
		if !sendable() {
			return
		}
		msg.Ops = msg.Ops[:0]
		for _, op := range batch {
			msg.Ops = append(msg.Ops, *op)
		}
		if err := s.c.Send(msg); err != nil {
			s.fail(fmt.Errorf("sending ops: %w", err))
			return
		}
		sent(batch)
	}
}
