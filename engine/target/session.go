package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/apply"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/pathpolicy"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/wire"
)

// session serves one source connection.
type session struct {
	m        *Module
	c        *wire.Conn
	hello    wire.Hello
	a        *apply.Applier
	d        *durableRecord
	peer     *stats.Set[catalog.Target] // created once the source is admitted
	peerAddr string                     // the source's host, the block's key
	since    time.Time

	applied uint64 // highest sequence applied (not yet necessarily durable)
	state   atomic.Value
	cancel  context.CancelFunc

	// base reaches the target path through the session's own descriptor,
	// writable while the path is blocked (base_linux.go).
	base     string
	baseFile *os.File
	// root confines the source's queries (stat, hash, list, read) beneath
	// the target path, as the applier confines its writes (query.go).
	root    *os.Root
	task    wire.TaskResult // outcome of the task being applied (tasks.go)
	blocked bool            // holds a TGBlockOnConnect reference (block.go)

	opsRx, mirRx *atomic.Int64
	queued       atomic.Int64 // ops received, not yet applied (Ops Remaining)
	repairMu     sync.Mutex   // orders the changes of owed and healing (datastate.go)
	owed         atomic.Bool  // an op was dropped: Mirror Required until a later mirror completes
	healing      atomic.Bool  // a mirror started after the last drop is running
	queuedBytes  atomic.Int64
}

func (s *session) entry() Entry {
	ds, _ := s.state.Load().(string)
	if s.m.restore.has(s.hello.SetName) {
		ds = DataRestoreRequired
	}
	status := "OK"
	switch {
	case s.m.paused.Load():
		status = "Paused"
	case s.a != nil && s.a.Retrying():
		status = "Retrying"
	}
	return Entry{SourceName: s.hello.ServerName, SourceAddress: s.c.RemoteAddr().String(),
		ReplicationSet: s.hello.SetName, ConnectionID: int(s.hello.ConnectionID),
		TargetPath: s.hello.TargetPath, TargetDataState: ds, TargetStatus: status, Since: s.since}
}

func (s *session) ctx() events.Context {
	return events.Context{ConnID: int(s.hello.ConnectionID), RepSet: s.hello.SetName, Peer: s.c.RemoteAddr().String()}
}

// handle serves one accepted connection; admitted releases its handshake
// slot once the handshake has ended.
func (m *Module) handle(parent context.Context, nc net.Conn, admitted func()) {
	if m.cfg.TLS != nil {
		nc = newTLSServer(nc, m.cfg)
	}
	c := wire.NewConn(nc, wire.Options{})
	defer c.Close()
	s := &session{m: m, c: c, since: time.Now(), peerAddr: peerHost(nc.RemoteAddr())}
	s.state.Store(DataOK)

	timeout := time.Duration(max(1, m.cfg.Settings.Int(catalog.SettingNetworkTimeout))) * time.Second
	hctx, cancel := context.WithTimeout(parent, min(timeout, handshakeTimeout))
	hello, err := wire.ServerHandshake(hctx, c, wire.Hello{ServerName: m.cfg.ServerName}, wire.ServerAuth{
		Secret: m.cfg.Secret,
		Admit:  s.admit,
	})
	cancel()
	admitted()
	if err != nil {
		m.refused(nc.RemoteAddr(), err)
		s.close()
		return
	}
	m.logins.Add(1)
	s.hello = hello
	s.applied = s.d.durableFor(hello.Epoch)

	ctx, cancelSession := context.WithCancel(parent)
	s.cancel = cancelSession
	defer cancelSession()
	m.mu.Lock()
	if old := m.jobs[hello.JobID]; old != nil {
		old.cancel() // a reconnect: the old session is dead on the source's side
	}
	m.jobs[hello.JobID] = s
	m.conns[s] = struct{}{}
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.conns, s)
		if m.jobs[hello.JobID] == s {
			delete(m.jobs, hello.JobID)
		}
		m.mu.Unlock()
		if s.blocked {
			s.releaseBlock()
		}
		s.close()
	}()
	s.blocked = s.acquireBlock()

	s.peer.SetText(catalog.StatPeerAddress, s.peerAddr)
	s.peer.SetText(catalog.StatLocalAddress, peerHost(nc.LocalAddr()))
	s.opsRx = s.peer.Counter(catalog.StatOpsReceived)
	s.mirRx = s.peer.Counter(catalog.StatMirrorOpsReceived)
	s.peer.SetFunc(catalog.StatOpsRemaining, func() int64 { return s.queued.Load() })
	s.peer.SetFunc(catalog.StatBytesInTargetQueue, func() int64 { return s.queuedBytes.Load() })
	s.peer.SetFunc(catalog.StatBytesInQueue, func() int64 { return s.queuedBytes.Load() })

	if err := s.sendJobState(); err != nil {
		m.cfg.Log.Info("source connection ended", "connection", hello.ConnectionID, "source", nc.RemoteAddr(), "err", err)
		return
	}
	if err := s.run(ctx, timeout); err != nil && ctx.Err() == nil {
		if errors.Is(err, wire.ErrBadChecksum) {
			m.cfg.Hub.Raise(catalog.EventDoubleTake4071, s.ctx())
		}
		m.cfg.Log.Info("source connection ended", "connection", hello.ConnectionID, "source", nc.RemoteAddr(), "err", err)
	}
}

func peerHost(a net.Addr) string {
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// admit runs once the source has proved it knows the secret: it checks
// the target path against this server's rules before anything is created,
// opens the stream and returns how much of it is durable.
func (s *session) admit(h wire.Hello) (uint64, error) {
	if err := pathpolicy.CheckTarget(s.m.cfg.Settings, h.TargetPath); err != nil {
		return 0, err
	}
	if err := s.open(h); err != nil {
		return 0, err
	}
	return s.d.durableFor(h.Epoch), nil
}

// open prepares the applier and durable record for the source's Hello.
func (s *session) open(h wire.Hello) error {
	if err := os.MkdirAll(h.TargetPath, 0o755); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "target path %q", h.TargetPath)
	}
	d, err := openDurable(s.m.durableDir(), h.JobID)
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "job %q", h.JobID)
	}
	// A block another session holds on the path is lifted while this one
	// opens its descriptors, so they reach the writable mount.
	defer s.m.blk.suspend(h.TargetPath)()
	opts := apply.DefaultOptions()
	st := s.m.cfg.Settings
	opts.RetryInterval = time.Duration(st.Int(catalog.SettingTGRetryLocked)) * time.Second
	opts.RetryLimit = int(st.Int(catalog.SettingTGExecutionRetryLimit))
	opts.RunTask = s.runTask
	// The applier counts straight into the peer's Target block, which
	// outlives sessions, and the Kernel's open handles, shared by all.
	s.peer = s.m.cfg.Stats.Target(s.peerAddr)
	opts.Counters = &apply.Counters{OpenHandles: &s.m.openHandles,
		Retries: s.peer.Counter(catalog.StatRetries), OpsDropped: s.peer.Counter(catalog.StatOpsDropped),
		TasksSucceeded: s.peer.Counter(catalog.StatTasksSucceeded), TasksFailed: s.peer.Counter(catalog.StatTasksFailed),
		TasksIgnored: s.peer.Counter(catalog.StatTasksIgnored)}
	opts.OnEvent = func(id catalog.EventID, args ...string) {
		s.m.cfg.Hub.Raise(id, s.ctx(), args...)
	}
	a, err := apply.New(h.TargetPath, opts)
	if err != nil {
		d.close()
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "target path %q", h.TargetPath)
	}
	if s.baseFile, s.base, err = openBase(h.TargetPath); err != nil {
		a.Close()
		d.close()
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "target path %q", h.TargetPath)
	}
	if s.root, err = os.OpenRoot(h.TargetPath); err != nil {
		s.baseFile.Close()
		a.Close()
		d.close()
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "target path %q", h.TargetPath)
	}
	s.d, s.a = d, a
	return nil
}

func (s *session) close() {
	if s.a != nil {
		_ = s.a.Close()
	}
	if s.baseFile != nil {
		_ = s.baseFile.Close()
	}
	if s.root != nil {
		_ = s.root.Close()
	}
	if s.d != nil {
		_ = s.d.close()
	}
}

// maxCommitDelay bounds how long an applied op waits for its batch to be
// made durable and acknowledged while more ops keep arriving.
const maxCommitDelay = 10 * time.Millisecond

// inbound is a message handed from the receive loop to the apply loop.
type inbound struct {
	msg wire.Message
}

// run receives on one goroutine and applies on another, so the socket is
// drained while a batch is being made durable; pings are answered by the
// receiver directly so a paused target still looks alive.
func (s *session) run(ctx context.Context, timeout time.Duration) error {
	// The receiver blocks in Recv and the applier may wait on a paused
	// target: closing the connection when the server stops ends both.
	stop := context.AfterFunc(ctx, func() { s.c.Close() })
	defer stop()
	ch := make(chan inbound, 64)
	var rerr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ch)
		for {
			_ = s.c.SetReadDeadline(time.Now().Add(timeout))
			m, err := s.c.Recv()
			if err != nil {
				rerr = err
				return
			}
			switch m := m.(type) {
			case *wire.Ping:
				if err := s.c.Send(&wire.Pong{ID: m.ID}); err != nil {
					rerr = err
					return
				}
				continue
			case *wire.Pong:
				continue
			case *wire.Ops:
				s.queued.Add(int64(len(m.Ops)))
				for i := range m.Ops {
					s.queuedBytes.Add(m.Ops[i].PayloadBytes())
				}
			}
			select {
			case ch <- inbound{m}:
			case <-ctx.Done():
				rerr = ctx.Err()
				return
			}
		}
	}()
	aerr := s.applyLoop(ctx, ch)
	s.c.Close()
	for range ch {
	}
	wg.Wait()
	if aerr != nil {
		return aerr
	}
	return rerr
}

// applyLoop applies what the receiver hands it and has each batch made
// durable and acknowledged by a committer goroutine, so the disk flushes
// one batch while the next is applied (a small-file mirror spent a sixth
// of its time waiting in syncfs, a big file's an fsync per frame). A batch
// goes to the committer when it is free and nothing more is buffered, or
// the batch is large or old enough; one batch is in flight at a time, so
// acknowledgements stay in order.
func (s *session) applyLoop(ctx context.Context, ch <-chan inbound) error {
	h := &handler{s: s, ctx: ctx}
	jobs := make(chan commitJob)
	results := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := range jobs {
			results <- s.commit(j)
		}
	}()
	inflight := false
	err := func() error {
		for {
			if h.pending && !inflight && (len(ch) == 0 || h.due()) {
				jobs <- h.start()
				inflight = true
			}
			select {
			case err := <-results:
				inflight = false
				if err != nil {
					return err
				}
			case in, ok := <-ch:
				if !ok {
					if inflight {
						if err := <-results; err != nil {
							return err
						}
						inflight = false
					}
					if h.pending {
						_ = s.commit(h.start())
					}
					return nil
				}
				if err := wire.DispatchTarget(s.c, in.msg, h); err != nil {
					var pe *wire.PeerError
					if errors.As(err, &pe) {
						return fmt.Errorf("source reported: %w", err)
					}
					return err
				}
			}
		}
	}()
	close(jobs)
	wg.Wait()
	return err
}

// reply answers request reqID with rep, or with the error that kept the
// query from being answered (the source's request fails; the session goes
// on). It returns only errors of the connection itself.
func (s *session) reply(reqID uint64, rep wire.Message, err error) error {
	if err != nil {
		return s.c.Send(wire.NewError(reqID, err))
	}
	return s.c.Send(rep)
}

// applyOps applies a batch in order, skipping ops already applied before a
// reconnect.
//
// What is applied is recorded (not synced) so a target killed mid-batch
// resumes after it (durable.go). An op that only writes a file's content
// or attributes, or makes a directory, can be applied twice in a row with
// the ops after it and leave the same result, so those are recorded once
// per batch; any other op (a rename, a removal, a link, a task) is
// recorded before and after it runs, so a kill never makes it run again
// after it took effect.
func (s *session) applyOps(ctx context.Context, m *wire.Ops) (ops, bytes uint64, err error) {
	marked := s.applied
	mark := func() error {
		if s.applied == marked {
			return nil
		}
		marked = s.applied
		return s.d.markApplied(s.hello.Epoch, s.applied)
	}
	for i := range m.Ops {
		op := &m.Ops[i]
		s.queued.Add(-1)
		s.queuedBytes.Add(-op.PayloadBytes())
		if op.Seq != 0 && op.Seq <= s.applied {
			continue
		}
		s.opsRx.Add(1)
		if op.Mirror {
			s.mirRx.Add(1)
		}
		repeatable := op.Kind.KeepsNames()
		if !repeatable {
			if err := mark(); err != nil {
				return ops, bytes, err
			}
		}
		if err := s.apply(ctx, op); err != nil {
			if ctx.Err() != nil {
				return ops, bytes, err
			}
			// Event 4150 says only that the op was discarded; the log says
			// why (an unsafe path, a name too long, the error that stayed).
			s.m.cfg.Log.Warn("target op discarded", "connection", s.hello.ConnectionID, "op", op.Kind.String(),
				"path", op.Path, "reason", err)
		}
		if s.a.NeedsMirror() {
			s.a.ClearNeedsMirror()
			s.dropped()
		}
		s.applied = op.Seq
		if !repeatable {
			if err := mark(); err != nil {
				return ops, bytes, err
			}
		}
		ops++
		bytes += uint64(op.PayloadBytes())
	}
	return ops, bytes, mark()
}

// commitJob is a batch handed to the committer: the flush that makes it
// durable and what its acknowledgement says.
type commitJob struct {
	flush      func() error
	seq        uint64
	ops, bytes uint64
}

// commit makes a batch durable, records its sequence, and acks it.
func (s *session) commit(j commitJob) error {
	if err := j.flush(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err := s.d.store(s.hello.Epoch, j.seq); err != nil {
		return err
	}
	return s.c.Send(&wire.Ack{Seq: j.seq, Ops: j.ops, Bytes: j.bytes})
}

// connID is the entry's connection ID as text, for events.
func (s *session) connID() string { return strconv.Itoa(int(s.hello.ConnectionID)) }
