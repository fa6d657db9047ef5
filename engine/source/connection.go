package source

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/queue"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/wire"
)

// Settings is what a connection reads of the server's settings, live.
type Settings interface {
	Int(id catalog.SettingID) int64
	String(id catalog.SettingID) string
}

// Config describes one connection.
type Config struct {
	ID         int
	Job        string // job name
	JobID      string // stable job identity; the target keys its state by it
	Set        *repset.Set
	Target     string // host:port
	TargetPath string

	Compression   int    // 0 off .. 3 high
	BandwidthKbps int64  // 0 Unlimited
	InitialMirror string // mirror mode at the first connect; "" for none

	ServerName string
	Secret     []byte
	TLS        *tls.Config // nil: plain TCP

	Settings Settings
	Hub      *events.Hub
	Stats    *stats.Set[catalog.Connection] // the connection's block
	Kernel   *stats.Set[catalog.Kernel]
	Source   *stats.Set[catalog.Source]
	Log      *slog.Logger
}

// Connection is a source connection: see the package documentation. It is
// the coordinator: it runs the connection's life (connect, auto-disconnect,
// reconnect), answers the management API, and holds the parts that do the
// work, each a type with one job that points back at the connection only to
// reach the others:
//   - b, the builder: file system -> ops in the queue (build.go)
//   - q, the queue: ops waiting to be sent and acknowledged (diskqueue.go)
//   - replicator: capture records -> ops (replicate.go), started by Run
//   - mir, the mirrorer: mirrors, the slot the activities share, the
//     remirrors a reconnect or a recovery owes (mirror.go, remirror.go)
//   - tx, the transmitter: what is sent and acknowledged, and its pause
//     (transmit.go)
//   - sched: schedules, bandwidth and transmission windows (schedule.go)
//   - tasks, the task book: task commands waiting for their outcome
//     (tasks.go)
//   - ops: the activities in the mirror slot (verification, orphan removal,
//     restore) and Restore Required (ops.go, activity.go, orphans.go,
//     restore.go)
//   - ver, the verifier: verifications and their retries (verify.go)
//   - dq: the queue's journal, overflow and recovery (diskqueue.go,
//     overflow.go)
type Connection struct {
	cfg   Config
	q     *queue.Queue
	b     *builder
	st    state
	epoch uint64 // identifies this queue's sequence space to the target

	sess atomic.Pointer[session]

	mir   mirrorer
	tx    transmitter
	sched schedState
	tasks taskBook
	cnt   connCounters
	ops   opsState
	ver   verifier
	dq    diskQueueState

	captureErr atomic.Pointer[string] // why capture stopped; nil while it runs
	life       life                   // the goroutines Run waits for (life.go)
}

// connCounters are the live counters of the connection block.
type connCounters struct {
	opsTx, bytesTx, bytesCompTx *atomic.Int64
	opsRx, bytesRx, resent      *atomic.Int64
	skipped, mirrorRemain       *atomic.Int64
	mirOps, mirBytes            *atomic.Int64 // kernel
	repOps, repBytes            *atomic.Int64 // kernel
	failedMirror, failedRep     *atomic.Int64 // kernel
	autoDis, autoRe             *atomic.Int64 // source
	sentMir, sentMirComp        *atomic.Int64 // service view: Sent (Compressed) Mirror (bytes)
	sentRep, sentRepComp        *atomic.Int64 // service view: Sent (Compressed) Replication (bytes)
}

// New prepares a connection; Run starts it.
func New(cfg Config) *Connection {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	c := &Connection{cfg: cfg}
	c.mir.c, c.tx.c, c.sched.c, c.tasks.c, c.dq.c, c.ver.c, c.ops.c = c, c, c, c, c, c, c
	c.tx.resume = make(chan struct{}, 1)
	c.life.init()
	chunk := int(cfg.Settings.Int(catalog.SettingMirrorChunkSize))
	c.b = newBuilder(cfg.Set.Root(), blockhash.NewCache(chunk, 64<<20), func(op *wire.Op) { c.q.Push(op) })
	c.b.incompressible = compressionPolicy(cfg.Settings)
	c.b.zeroK = cfg.Settings.Int(catalog.SettingMirrorZeroKFiles) != 0
	c.mir.need.Store(cfg.InitialMirror)
	c.st.s = Status{TransmitMode: TransmitStopped, MirrorStatus: MirrorIdle,
		ReplicationStatus: ReplStopped, TargetDataState: DataUnknown}
	if cfg.InitialMirror != "" {
		c.st.s.TargetDataState = DataMirrorRequired
	}
	c.initOps()
	c.dq.init()
	c.bindCounters()
	return c
}

func (c *Connection) bindCounters() {
	s, k, src := c.cfg.Stats, c.cfg.Kernel, c.cfg.Source
	c.cnt = connCounters{
		opsTx: s.Counter(catalog.StatConOpsTx), bytesTx: s.Counter(catalog.StatConBytesTx), bytesCompTx: s.Counter(catalog.StatConBytesCompressedTx),
		opsRx: s.Counter(catalog.StatConOpsRx), bytesRx: s.Counter(catalog.StatConBytesRx), resent: s.Counter(catalog.StatConResentOpCount),
		skipped: s.Counter(catalog.StatConBytesSkipped), mirrorRemain: s.Counter(catalog.StatConMirrorBytesRemain),
		mirOps: k.Counter(catalog.StatMirOpsGenerated), mirBytes: k.Counter(catalog.StatMirBytesGenerated),
		repOps: k.Counter(catalog.StatRepOpsGenerated), repBytes: k.Counter(catalog.StatRepBytesGenerated),
		failedMirror: k.Counter(catalog.StatFailedMirrorCount), failedRep: k.Counter(catalog.StatFailedRepCount),
		autoDis: src.Counter(catalog.StatAutoDisConnects), autoRe: src.Counter(catalog.StatAutoReConnects),
		sentMir: s.Counter(catalog.StatSentMirrorBytes), sentMirComp: s.Counter(catalog.StatSentCompressedMirrorBytes),
		sentRep: s.Counter(catalog.StatSentReplicationBytes), sentRepComp: s.Counter(catalog.StatSentCompressedReplicationBytes),
	}
	q := c.q
	s.SetFunc(catalog.StatConOpsInRepQueue, func() int64 { return q.Counts().OpsInRepQueue })
	s.SetFunc(catalog.StatConOpsInMirQueue, func() int64 { return q.Counts().OpsInMirQueue })
	s.SetFunc(catalog.StatConBytesInRepQueue, func() int64 { return q.Counts().BytesInRepQueue })
	s.SetFunc(catalog.StatConBytesInMirQueue, func() int64 { return q.Counts().BytesInMirQueue })
	s.SetFunc(catalog.StatConOpsInAckQueue, func() int64 { return q.Counts().OpsInAckQueue })
	s.SetFunc(catalog.StatConOpsInCmdQueue, func() int64 {
		n := q.Counts()
		return n.OpsInRepQueue + n.OpsInMirQueue
	})
	s.SetFunc(catalog.StatConState, func() int64 { return int64(c.Status().ConState) })
	s.SetFunc(catalog.StatConMirrorPercent, func() int64 { return int64(c.st.get().MirrorPercent * 10) })
	s.SetFunc(catalog.StatConBandwidthLimit, c.bandwidth)
	s.SetText(catalog.StatConPeerAddress, c.cfg.Target)
}

// ID is the connection ID.
func (c *Connection) ID() int { return c.cfg.ID }

// Status returns the connection's status words.
func (c *Connection) Status() Status { return c.overlay(c.st.get()) }

// Queue exposes the queue levels.
func (c *Connection) Queue() queue.Counts { return c.q.Counts() }

// ctxArgs are the insertion strings most connection events share:
// target name, target address, replication set, connection ID.
func (c *Connection) ctxArgs() []string {
	host, _, err := net.SplitHostPort(c.cfg.Target)
	if err != nil {
		host = c.cfg.Target
	}
	return []string{host, c.cfg.Target, c.cfg.Set.Name(), strconv.Itoa(c.cfg.ID)}
}

func (c *Connection) raise(id catalog.EventID, args ...string) {
	c.cfg.Hub.Raise(id, events.Context{ConnID: c.cfg.ID, Job: c.cfg.Job,
		RepSet: c.cfg.Set.Name(), Peer: c.cfg.Target}, args...)
}

// Run runs the connection until ctx ends (the job is stopped).
func (c *Connection) Run(ctx context.Context) error {
	defer c.dq.close()
	defer c.ops.stop()
	// Whatever Run started ends with it, and is waited for, whether ctx
	// ended or the connection gave up.
	defer c.life.end()
	stop := context.AfterFunc(ctx, c.life.cancel)
	defer stop()
	ctx = c.life.ctx
	repl := newReplicator(c)
	if err := repl.start(); err != nil {
		return err
	}
	c.life.spawn(c.sched.run)
	c.st.update(func(s *Status) { s.ReplicationStatus = ReplPending })
	c.life.spawn(repl.run)

	retry := func() time.Duration {
		return time.Duration(max(1, c.cfg.Settings.Int(catalog.SettingNetworkRetry))) * time.Second
	}
	// reconnecting is set once a session was lost: only then are attempts
	// auto-reconnects (events 4009-4011, autoReConnects).
	reconnecting := false
	for ctx.Err() == nil {
		if c.dq.recover(true) {
			reconnecting = true
		}
		if reconnecting {
			c.raise(catalog.EventDoubleTake4009, c.cfg.Set.Name(), c.ctxArgs()[0], c.cfg.Target)
		}
		sess, err := c.connect(ctx, reconnecting)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			c.st.update(func(s *Status) {
				s.ConState = ConError
				s.TransmitMode = TransmitError
				s.LastError = err.Error()
			})
			if reconnecting {
				c.raise(catalog.EventDoubleTake4011, c.cfg.Set.Name(), c.ctxArgs()[0], c.cfg.Target)
			}
			c.cfg.Log.Warn("connect failed", "connection", c.cfg.ID, "target", c.cfg.Target, "err", err)
			if reconnecting && c.cfg.Settings.Int(catalog.SettingAutoRetransmit) == 0 {
				return err
			}
			if !sleepCtx(ctx, retry()) {
				break
			}
			continue
		}
		if reconnecting {
			c.cnt.autoRe.Add(1)
			c.raise(catalog.EventDoubleTake4010, c.cfg.Set.Name(), c.ctxArgs()[0], c.cfg.Target)
			if mode := remirrorMode(c.cfg.Settings.Int(catalog.SettingAutoRemirror)); mode != "" && c.mir.need.Load().(string) == "" {
				c.mir.need.Store(mode)
			}
		} else {
			c.raise(catalog.EventDoubleTake4016, c.ctxArgs()...)
		}
		c.serve(ctx, sess)
		if ctx.Err() != nil {
			break
		}
		// The session failed: auto-disconnect, keep capturing, reconnect.
		reason := disconnectReason(sess.Err())
		c.cnt.autoDis.Add(1)
		c.raise(catalog.EventDoubleTake4007, append(c.ctxArgs(), reason)...)
		c.raise(catalog.EventDoubleTake4008, c.ctxArgs()...)
		c.st.update(func(s *Status) {
			s.ConState = ConError
			s.TransmitMode = TransmitError
			s.ConnectedSince = time.Time{}
			s.LastError = reason
		})
		c.dq.recover(false)
		if c.cfg.Settings.Int(catalog.SettingAutoRetransmit) == 0 {
			return errors.New(reason)
		}
		reconnecting = true
		if !sleepCtx(ctx, time.Second) {
			break
		}
	}
	c.raise(catalog.EventDoubleTake4025, c.ctxArgs()...)
	c.raise(catalog.EventDoubleTake4017, c.ctxArgs()...)
	c.st.update(func(s *Status) {
		s.ConState = ConNone
		s.TransmitMode = TransmitStopped
		s.ReplicationStatus = ReplStopped
		s.MirrorStatus = MirrorIdle
		s.ConnectedSince = time.Time{}
	})
	return nil
}

// remirrorMode maps AutoRemirror (0..4) to a mirror mode.
func remirrorMode(v int64) string {
	switch v {
	case 1, 4:
		return MirrorChecksumMode
	case 2:
		return MirrorFullMode
	case 3:
		return MirrorDiffMode
	}
	return ""
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// connect dials the target and runs the handshake.
func (c *Connection) connect(ctx context.Context, reconnect bool) (*session, error) {
	timeout := time.Duration(max(1, c.cfg.Settings.Int(catalog.SettingNetworkTimeout))) * time.Second
	dctx, cancel := context.WithTimeout(ctx, min(timeout, 30*time.Second))
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(dctx, "tcp", c.cfg.Target)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeConnectionFailed, err, "target %s", c.cfg.Target)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
		if n := c.cfg.Settings.Int(catalog.SettingTCPBufferSize); n > 0 {
			_ = tc.SetWriteBuffer(int(n) * 4)
			_ = tc.SetReadBuffer(int(n))
		}
	}
	if c.cfg.TLS != nil {
		nc = tls.Client(nc, c.cfg.TLS)
	}
	wc := wire.NewConn(nc, wire.Options{
		Compression:     wire.CompressionLevel(c.cfg.Compression),
		MinCompressSize: int(c.cfg.Settings.Int(catalog.SettingMinCompressionFileSize)),
		BandwidthKbps:   c.bandwidth(),
	})
	hello := wire.Hello{ServerName: c.cfg.ServerName, SetName: c.cfg.Set.Name(),
		ConnectionID: uint32(c.cfg.ID), SourceAddr: nc.LocalAddr().String(),
		JobID: c.cfg.JobID, Epoch: c.epoch, TargetPath: c.cfg.TargetPath}
	if reconnect {
		hello.Flags |= wire.HelloReconnect
	}
	peer, err := wire.ClientHandshake(dctx, wc, hello, c.cfg.Secret)
	if err != nil {
		wc.Close()
		return nil, catalog.Wrap(catalog.CodeConnectionFailed, err, "handshake with %s", c.cfg.Target)
	}
	return newSession(wc, peer), nil
}

// serve runs one session until it fails or ctx ends.
func (c *Connection) serve(ctx context.Context, s *session) {
	// Whatever the target already made durable is released; the rest is
	// sent again, in order.
	if n := c.q.Rewind(s.peer.Durable); n > 0 {
		c.cnt.resent.Add(int64(n))
	}
	if s.peer.Durable > c.tx.ackedSeq.Load() {
		c.tx.ackedSeq.Store(s.peer.Durable)
	}
	c.sess.Store(s)
	defer c.sess.Store(nil)
	// The target's entry starts each session at OK: tell it when its
	// copy still needs a remirror.
	if c.st.get().TargetDataState == DataMirrorRequired {
		tellDataState(s, DataMirrorRequired)
	}
	c.st.update(func(st *Status) {
		st.ConState = ConActive
		st.TransmitMode = TransmitActive
		st.ConnectedSince = time.Now()
		st.LastError = ""
		if c.tx.paused.Load() {
			st.ConState = ConPaused
			st.TransmitMode = TransmitPaused
		}
	})
	c.cfg.Stats.SetText(catalog.StatConnectTime, time.Now().Format(time.ANSIC))
	c.dq.sessionStarted()

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(4)
	go func() {
		defer wg.Done()
		s.receive(c.q, acker{acked: c.tx.acked, taskResult: c.tasks.result, jobState: c.jobState})
	}()
	go func() {
		defer wg.Done()
		s.send(sctx, c.q, sendLimits{
			maxOps: 256, maxBytes: func() int64 { return frameBytes(c.bandwidth()) },
			window: func() int { return int(max(1, c.cfg.Settings.Int(catalog.SettingSourcePendingAcks))) },
			paused: &c.tx.paused, held: &c.sched.held, resume: c.tx.resume,
		}, c.tx.sent)
	}()
	go func() { defer wg.Done(); c.keepAlive(sctx, s) }()
	go func() { defer wg.Done(); c.mir.retryLoop(sctx) }()

	if mode := c.mir.forSession(); mode != "" {
		c.mir.start(mode)
	}

	c.dq.waitSession(ctx, s)
	cancel()
	wg.Wait()
	c.mir.ctl.wait()
}

// Idle reports whether everything queued has been acknowledged.
func (c *Connection) Idle() bool { return c.q.Idle() }
