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
	Int(name string) int64
	String(name string) string
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
	Stats    *stats.Set // the connection's block
	Kernel   *stats.Set
	Source   *stats.Set
	Log      *slog.Logger
}

// Connection is a source connection: see the package documentation.
type Connection struct {
	cfg   Config
	q     *queue.Queue
	b     *builder
	st    state
	epoch uint64 // identifies this queue's sequence space to the target

	sess atomic.Pointer[session]

	paused     atomic.Bool
	resumeCh   chan struct{}
	mirrorCtl  mirrorControl
	needMirror atomic.Value // string mode to run at the next connect, "" none

	cnt      connCounters
	ackedSeq atomic.Uint64 // highest sequence the target acknowledged

	ops    opsState // schedules, tasks, verification, orphans, restore (ops.go)
	opsCnt opsCounters
	dq     diskQueueState // the disk queue's overflow and recovery (overflow.go)

	captureErr atomic.Pointer[string] // why capture stopped; nil while it runs
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
	c := &Connection{cfg: cfg, resumeCh: make(chan struct{}, 1)}
	chunk := int(cfg.Settings.Int("MirrorChunkSize"))
	c.b = newBuilder(cfg.Set.Root(), blockhash.NewCache(chunk, 64<<20), func(op *wire.Op) { c.q.Push(op) })
	c.b.incompressible = compressionPolicy(cfg.Settings)
	c.b.zeroK = cfg.Settings.Int("MirrorZeroKFiles") != 0
	c.mir.need.Store(cfg.InitialMirror)
	c.st.s = Status{TransmitMode: TransmitStopped, MirrorStatus: MirrorIdle,
		ReplicationStatus: ReplStopped, TargetDataState: DataUnknown}
	if cfg.InitialMirror != "" {
		c.st.s.TargetDataState = DataMirrorRequired
	}
	c.initOps()
	c.initDiskQueue()
	c.bindCounters()
	return c
}

func (c *Connection) bindCounters() {
	s, k, src := c.cfg.Stats, c.cfg.Kernel, c.cfg.Source
	c.cnt = connCounters{
		opsTx: s.Counter("conOpsTx"), bytesTx: s.Counter("conBytesTx"), bytesCompTx: s.Counter("conBytesCompressedTx"),
		opsRx: s.Counter("conOpsRx"), bytesRx: s.Counter("conBytesRx"), resent: s.Counter("conResentOpCount"),
		skipped: s.Counter("conBytesSkipped"), mirrorRemain: s.Counter("conMirrorBytesRemain"),
		mirOps: k.Counter("MirOpsGenerated"), mirBytes: k.Counter("MirBytesGenerated"),
		repOps: k.Counter("RepOpsGenerated"), repBytes: k.Counter("RepBytesGenerated"),
		failedMirror: k.Counter("FailedMirrorCount"), failedRep: k.Counter("FailedRepCount"),
		autoDis: src.Counter("autoDisConnects"), autoRe: src.Counter("autoReConnects"),
		sentMir: s.Counter("SentMirrorBytes"), sentMirComp: s.Counter("SentCompressedMirrorBytes"),
		sentRep: s.Counter("SentReplicationBytes"), sentRepComp: s.Counter("SentCompressedReplicationBytes"),
	}
	q := c.q
	s.SetFunc("conOpsInRepQueue", func() int64 { return q.Counts().OpsInRepQueue })
	s.SetFunc("conOpsInMirQueue", func() int64 { return q.Counts().OpsInMirQueue })
	s.SetFunc("conBytesInRepQueue", func() int64 { return q.Counts().BytesInRepQueue })
	s.SetFunc("conBytesInMirQueue", func() int64 { return q.Counts().BytesInMirQueue })
	s.SetFunc("conOpsInAckQueue", func() int64 { return q.Counts().OpsInAckQueue })
	s.SetFunc("conOpsInCmdQueue", func() int64 {
		n := q.Counts()
		return n.OpsInRepQueue + n.OpsInMirQueue
	})
	s.SetFunc("conState", func() int64 { return int64(c.Status().ConState) })
	s.SetFunc("conMirrorPercent", func() int64 { return int64(c.st.get().MirrorPercent * 10) })
	s.SetFunc("conBandwidthLimit", c.bandwidth)
	s.SetText("conPeerAddress", c.cfg.Target)
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

func (c *Connection) raise(id int, args ...string) {
	c.cfg.Hub.Raise(events.SourceEngine, id, events.Context{ConnID: c.cfg.ID, Job: c.cfg.Job,
		RepSet: c.cfg.Set.Name(), Peer: c.cfg.Target}, args...)
}

// Run runs the connection until ctx ends (the job is stopped).
func (c *Connection) Run(ctx context.Context) error {
	defer c.closeQueue()
	defer c.stopOps()
	go c.runSchedules(ctx)
	repl := newReplicator(c)
	if err := repl.start(); err != nil {
		return err
	}
	c.st.update(func(s *Status) { s.ReplicationStatus = ReplPending })
	go repl.run(ctx)

	retry := func() time.Duration { return time.Duration(max(1, c.cfg.Settings.Int("NetworkRetry"))) * time.Second }
	// reconnecting is set once a session was lost: only then are attempts
	// auto-reconnects (events 4009-4011, autoReConnects).
	reconnecting := false
	for ctx.Err() == nil {
		if c.recoverOverflow(true) {
			reconnecting = true
		}
		if reconnecting {
			c.raise(4009, c.cfg.Set.Name(), c.ctxArgs()[0], c.cfg.Target)
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
				c.raise(4011, c.cfg.Set.Name(), c.ctxArgs()[0], c.cfg.Target)
			}
			c.cfg.Log.Warn("connect failed", "connection", c.cfg.ID, "target", c.cfg.Target, "err", err)
			if reconnecting && c.cfg.Settings.Int("AutoRetransmit") == 0 {
				return err
			}
			if !sleepCtx(ctx, retry()) {
				break
			}
			continue
		}
		if reconnecting {
			c.cnt.autoRe.Add(1)
			c.raise(4010, c.cfg.Set.Name(), c.ctxArgs()[0], c.cfg.Target)
			if mode := remirrorMode(c.cfg.Settings.Int("AutoRemirror")); mode != "" && c.mir.need.Load().(string) == "" {
				c.mir.need.Store(mode)
			}
		} else {
			c.raise(4016, c.ctxArgs()...)
		}
		c.serve(ctx, sess)
		if ctx.Err() != nil {
			break
		}
		// The session failed: auto-disconnect, keep capturing, reconnect.
		reason := disconnectReason(sess.Err())
		c.cnt.autoDis.Add(1)
		c.raise(4007, append(c.ctxArgs(), reason)...)
		c.raise(4008, c.ctxArgs()...)
		c.st.update(func(s *Status) {
			s.ConState = ConError
			s.TransmitMode = TransmitError
			s.ConnectedSince = time.Time{}
			s.LastError = reason
		})
		c.recoverOverflow(false)
		if c.cfg.Settings.Int("AutoRetransmit") == 0 {
			return errors.New(reason)
		}
		reconnecting = true
		if !sleepCtx(ctx, time.Second) {
			break
		}
	}
	c.raise(4025, c.ctxArgs()...)
	c.raise(4017, c.ctxArgs()...)
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
	timeout := time.Duration(max(1, c.cfg.Settings.Int("NetworkTimeout"))) * time.Second
	dctx, cancel := context.WithTimeout(ctx, min(timeout, 30*time.Second))
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(dctx, "tcp", c.cfg.Target)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeConnectionFailed, err, "target %s", c.cfg.Target)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
		if n := c.cfg.Settings.Int("TCPBufferSize"); n > 0 {
			_ = tc.SetWriteBuffer(int(n) * 4)
			_ = tc.SetReadBuffer(int(n))
		}
	}
	if c.cfg.TLS != nil {
		nc = tls.Client(nc, c.cfg.TLS)
	}
	wc := wire.NewConn(nc, wire.Options{
		Compression:     wire.CompressionLevel(c.cfg.Compression),
		MinCompressSize: int(c.cfg.Settings.Int("MinCompressionFileSize")),
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
	c.cfg.Stats.SetText("connectTime", time.Now().Format(time.ANSIC))
	c.sessionStarted()

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(4)
	go func() { defer wg.Done(); s.receive(c.q, c) }()
	go func() {
		defer wg.Done()
		s.send(sctx, c.q, sendLimits{
			maxOps: 256, maxBytes: func() int64 { return frameBytes(c.bandwidth()) },
			window: func() int { return int(max(1, c.cfg.Settings.Int("SourcePendingAcks"))) },
			paused: &c.tx.paused, held: &c.sched.held, resume: c.tx.resume,
		}, c.sent)
	}()
	go func() { defer wg.Done(); c.keepAlive(sctx, s) }()
	go func() { defer wg.Done(); c.remirrorRetry(sctx) }()

	if mode := c.sessionMirror(); mode != "" {
		go c.runMirror(sctx, mode)
	}

	c.waitSession(ctx, s)
	cancel()
	wg.Wait()
	c.mir.ctl.wait()
}

// frameBytes bounds the payload of one Ops frame. Everything else sent on
// the session (a mirror's stat request, a control, a stop's effect) waits
// for the frame being written, so under a bandwidth limit a frame carries
// at most a quarter second of traffic: a stop or pause then takes effect
// within about a second however slow the link. Unlimited, 4 MiB.
func frameBytes(kbps int64) int64 {
	const most = 4 << 20
	if kbps <= 0 {
		return most
	}
	return min(most, max(4<<10, kbps*1000/8/4))
}

// sent updates the transmit counters after a batch left.
func (c *Connection) sent(batch []*wire.Op) {
	var mir, all int64
	for _, op := range batch {
		all += op.PayloadBytes()
		if op.Mirror {
			mir += op.PayloadBytes()
		}
	}
	c.cnt.opsTx.Add(int64(len(batch)))
	s := c.sess.Load()
	if s == nil {
		return
	}
	cn := s.c.Counters()
	raw, onWire := int64(cn.BytesSent.Load()), int64(cn.WireBytesSent.Load())
	dRaw, dWire := raw-s.lastRaw, onWire-s.lastWire
	s.lastRaw, s.lastWire = raw, onWire
	c.cnt.bytesTx.Add(dRaw)
	c.cnt.bytesCompTx.Add(dWire)
	// The service view splits sent bytes into mirror and replication: a
	// frame mixes both, so its bytes are shared by payload.
	mRaw, mWire := dRaw, dWire
	if all > 0 {
		mRaw, mWire = dRaw*mir/all, dWire*mir/all
	} else if !batch[0].Mirror {
		mRaw, mWire = 0, 0
	}
	c.cnt.sentMir.Add(mRaw)
	c.cnt.sentMirComp.Add(mWire)
	c.cnt.sentRep.Add(dRaw - mRaw)
	c.cnt.sentRepComp.Add(dWire - mWire)
}

// acked counts what the target acknowledged.
func (c *Connection) acked(a *wire.Ack) {
	c.tx.ackedSeq.Store(a.Seq)
	c.tasksAcked(a.Seq)
	c.cnt.opsRx.Add(int64(a.Ops))
	c.cnt.bytesRx.Add(int64(a.Bytes))
}

// Pause pauses transmission (events 4015; conState Paused).
func (c *Connection) Pause() error {
	if c.tx.paused.Swap(true) {
		return nil
	}
	c.st.update(func(s *Status) {
		if s.ConState == ConActive {
			s.ConState = ConPaused
			s.TransmitMode = TransmitPaused
		}
	})
	c.raise(4015)
	return nil
}

// Resume resumes transmission (event 4014).
func (c *Connection) Resume() error {
	if !c.tx.paused.Swap(false) {
		return catalog.Err(catalog.CodeConnectionNotPaused, "connection %d", c.cfg.ID)
	}
	select {
	case c.tx.resume <- struct{}{}:
	default:
	}
	c.st.update(func(s *Status) {
		if s.ConState == ConPaused {
			s.ConState = ConActive
			s.TransmitMode = TransmitActive
		}
	})
	c.raise(4014)
	return nil
}

// Idle reports whether everything queued has been acknowledged.
func (c *Connection) Idle() bool { return c.q.Idle() }
