package wire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Conn. The zero value sends uncompressed and unlimited.
type Options struct {
	// Compression is the initial level; SetCompression changes it.
	Compression CompressionLevel
	// MinCompressSize is the encoded payload size below which a frame is
	// never compressed (after MinCompressionFileSize); 0 means
	// DefaultMinCompressSize.
	MinCompressSize int
	// BandwidthKbps is the initial send limit in kilobits per second;
	// 0 means Unlimited. SetBandwidth changes it.
	BandwidthKbps int64
}

// Conn sends and receives messages over a net.Conn (see the package
// documentation for the layers). Send may be called from many goroutines;
// Recv from one. Close unblocks both.
type Conn struct {
	nc       net.Conn
	counters Counters
	bw       *bandwidth
	level    atomic.Uint32
	minComp  int
	version  atomic.Uint32

	ctx    context.Context // cancelled by Close, to end bandwidth waits
	cancel context.CancelFunc
	// writeDeadline mirrors the socket's write deadline (unix ns, 0 = none)
	// so a Send waiting for bandwidth gives up when the socket would.
	writeDeadline atomic.Int64

	wmu  sync.Mutex
	w    countingConn
	wbuf []byte // frame under construction, reused between sends
	cbuf []byte // compressed frame under construction
	werr error  // set once a frame was half written: the stream is broken

	br    *bufio.Reader
	rerr  error // set once the reader lost frame alignment
	limit int   // payload limit of received frames, 0 = MaxPayload; set during the handshake
}

// readBufferSize amortises socket reads over several small frames.
const readBufferSize = 64 << 10

// retainMax bounds the send buffers a Conn keeps between sends, so one huge
// frame does not pin its memory for the connection's life. It holds the
// largest Ops frame a source sends (4 MiB of data, plus its ops' headers),
// so a mirror's frames reuse one buffer.
const retainMax = 4<<20 + 256<<10

// NewConn wraps nc. For TLS, wrap nc with crypto/tls first (ClientTLSConfig,
// ServerTLSConfig). Call ClientHandshake or ServerHandshake before anything
// else.
func NewConn(nc net.Conn, opts Options) *Conn {
	c := &Conn{nc: nc, bw: newBandwidth(opts.BandwidthKbps), minComp: opts.MinCompressSize}
	if c.minComp <= 0 {
		c.minComp = DefaultMinCompressSize
	}
	if opts.Compression.Valid() {
		c.level.Store(uint32(opts.Compression))
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.w = countingConn{nc: nc, c: &c.counters}
	c.br = bufio.NewReaderSize(countingConn{nc: nc, c: &c.counters}, readBufferSize)
	return c
}

// Send encodes m, compresses it when worthwhile, frames it and writes it,
// waiting for the bandwidth limit. Frames of concurrent Sends never
// interleave. An error that left part of a frame on the wire breaks the
// stream: every later Send returns it.
func (c *Conn) Send(m Message) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if c.wbuf == nil {
		c.wbuf = make([]byte, HeaderSize, 4<<10)
	}
	// A message that knows about how large it encodes gets a buffer of
	// that size at once: grown by append, a 4 MiB Ops frame cost twice its
	// size in copies and clears (a third of a big file's mirror CPU).
	if h, ok := m.(interface{ sizeHint() int }); ok && cap(c.wbuf) < HeaderSize+h.sizeHint() {
		c.wbuf = make([]byte, HeaderSize, HeaderSize+h.sizeHint())
	}
	buf, err := m.AppendBinary(c.wbuf[:HeaderSize])
	if err != nil {
		return fmt.Errorf("encoding %s: %w", m.Type(), err)
	}
	payload := len(buf) - HeaderSize
	if payload > MaxPayload {
		return fmt.Errorf("sending %s: %w: payload of %d bytes, limit %d", m.Type(), ErrFrameTooLarge, payload, MaxPayload)
	}

	level := CompressionLevel(c.level.Load())
	cbuf, compressed := compress(append(c.cbuf[:0], make([]byte, HeaderSize)...), buf[HeaderSize:], level, c.minComp, incompressible(m))
	out, flags := buf, uint8(0)
	if compressed {
		out, flags = cbuf, FlagCompressed
	}
	out = sealFrame(out, m.Type(), flags)
	if compressed {
		cbuf = out
	} else {
		buf = out
	}
	c.wbuf, c.cbuf = retain(buf), retain(cbuf)

	if n, err := c.write(out); err != nil {
		err = fmt.Errorf("sending %s: %w", m.Type(), err)
		if n > 0 {
			c.werr = err
		}
		return err
	}
	c.counters.FramesSent.Add(1)
	c.counters.BytesSent.Add(uint64(HeaderSize + payload + TrailerSize))
	if ops, ok := m.(*Ops); ok {
		c.counters.OpsSent.Add(uint64(len(ops.Ops)))
	}
	return nil
}

func retain(b []byte) []byte {
	if cap(b) > retainMax {
		return nil
	}
	return b[:0]
}

func incompressible(m Message) bool {
	h, ok := m.(interface{ incompressible() bool })
	return ok && h.incompressible()
}

// write sends p in chunks the bandwidth limit allows and reports how many
// bytes reached the socket.
func (c *Conn) write(p []byte) (int, error) {
	ctx := c.ctx
	if dl := c.writeDeadline.Load(); dl != 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Unix(0, dl))
		defer cancel()
	}
	written := 0
	for written < len(p) {
		n, err := c.bw.take(ctx, len(p)-written)
		if err != nil {
			if c.ctx.Err() != nil {
				return written, net.ErrClosed
			}
			return written, fmt.Errorf("%w: %w", os.ErrDeadlineExceeded, err)
		}
		m, err := c.w.Write(p[written : written+n])
		written += m
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// Recv reads the next message. Messages own their memory (an Op's Data
// points into a buffer no later Recv reuses). After ErrBadChecksum,
// ErrUnknownType, ErrUnknownFlags, ErrDecompress and ErrMalformed the next
// frame can still be read; after other framing or I/O errors mid-frame every
// later Recv returns the same error. A read deadline that expires before a
// frame's header has fully arrived loses nothing.
func (c *Conn) Recv() (Message, error) {
	if c.rerr != nil {
		return nil, c.rerr
	}
	f, err := readFrame(c.br, c.limit)
	if err != nil {
		err = fmt.Errorf("receiving: %w", err)
		if lost := (errFrameLost{}); errors.As(err, &lost) {
			c.rerr = err
		}
		return nil, err
	}
	payload := f.payload
	if f.flags&FlagCompressed != 0 {
		if c.limit != 0 {
			// Handshake messages are never compressed: no decoder runs for
			// a peer that has proved nothing.
			return nil, fmt.Errorf("receiving %s: %w: compressed frame during the handshake", f.typ, ErrUnknownFlags)
		}
		payload, err = decompress(payload)
		putPayload(f.pooled) // decompressed into a buffer of its own
		f.pooled = nil
		if err != nil {
			return nil, fmt.Errorf("receiving %s: %w", f.typ, err)
		}
	}
	m, err := Unmarshal(f.typ, payload)
	if err != nil {
		putPayload(f.pooled)
		return nil, fmt.Errorf("receiving: %w", err)
	}
	if ops, ok := m.(*Ops); ok {
		ops.buf = f.pooled // what the ops' data points into, given back by Release
	}
	c.counters.FramesRecv.Add(1)
	c.counters.BytesRecv.Add(uint64(HeaderSize + len(payload) + TrailerSize))
	if ops, ok := m.(*Ops); ok {
		c.counters.OpsRecv.Add(uint64(len(ops.Ops)))
	}
	return m, nil
}

// Close closes the connection and ends any Send waiting for bandwidth.
func (c *Conn) Close() error {
	c.cancel()
	return c.nc.Close()
}

// Counters returns the connection's live counters.
func (c *Conn) Counters() *Counters { return &c.counters }

// SetBandwidth changes the send limit, in kilobits per second; 0 means
// Unlimited. It takes effect for the next chunk written.
func (c *Conn) SetBandwidth(kbps int64) error {
	if kbps < 0 {
		return fmt.Errorf("bandwidth %d Kbps: must be 0 (Unlimited) or more", kbps)
	}
	c.bw.set(kbps)
	return nil
}

// Bandwidth returns the send limit in Kbps, 0 for Unlimited
// (conBandwidthLimit).
func (c *Conn) Bandwidth() int64 { return c.bw.kbps.Load() }

// SetCompression changes the compression level for the next frames.
func (c *Conn) SetCompression(l CompressionLevel) error {
	if !l.Valid() {
		return fmt.Errorf("compression level %d: unknown", uint8(l))
	}
	c.level.Store(uint32(l))
	return nil
}

// Compression returns the current compression level.
func (c *Conn) Compression() CompressionLevel { return CompressionLevel(c.level.Load()) }

// Version returns the protocol version the handshake negotiated, 0 before.
func (c *Conn) Version() uint16 { return uint16(c.version.Load()) }

// SetDeadline sets the read and write deadlines of the socket.
func (c *Conn) SetDeadline(t time.Time) error {
	c.storeWriteDeadline(t)
	return c.nc.SetDeadline(t)
}

// SetReadDeadline sets the socket's read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.nc.SetReadDeadline(t) }

// SetWriteDeadline sets the socket's write deadline; it also bounds a
// Send's wait for bandwidth.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.storeWriteDeadline(t)
	return c.nc.SetWriteDeadline(t)
}

func (c *Conn) storeWriteDeadline(t time.Time) {
	if t.IsZero() {
		c.writeDeadline.Store(0)
	} else {
		c.writeDeadline.Store(t.UnixNano())
	}
}

// LocalAddr returns the socket's local address.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// RemoteAddr returns the socket's remote address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// NetConn returns the wrapped connection, a *tls.Conn for TLS connections.
func (c *Conn) NetConn() net.Conn { return c.nc }
