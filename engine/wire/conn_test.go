package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

func goldenMessages() []Message {
	ms := make([]Message, len(golden))
	for i, g := range golden {
		ms[i] = g.msg
	}
	return ms
}

func TestConnRoundTrip(t *testing.T) {
	transports := map[string]func(testing.TB, Options, Options) (*Conn, *Conn){
		"pipe": pipeConns, "tcp": tcpConns,
	}
	for name, mk := range transports {
		for _, level := range []CompressionLevel{CompressionOff, CompressionMaximum} {
			t.Run(fmt.Sprintf("%s/%s", name, level), func(t *testing.T) {
				a, b := mk(t, Options{Compression: level, MinCompressSize: 1}, Options{})
				msgs := goldenMessages()
				errc := sendAsync(a, msgs...)
				within(t, 10*time.Second, "receive", func() {
					for i, want := range msgs {
						got, err := b.Recv()
						if err != nil {
							t.Errorf("message %d: %v", i, err)
							return
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("message %d:\n got %+v\nwant %+v", i, got, want)
						}
					}
				})
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestCountersUncompressed(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	ops := &Ops{Ops: []Op{{Seq: 1, Kind: OpWrite, Path: "f", Data: []byte("abc")}, {Seq: 2, Kind: OpDelete, Path: "g"}}}
	errc := sendAsync(a, &Ping{ID: 1}, ops)
	within(t, 5*time.Second, "receive", func() {
		for range 2 {
			if _, err := b.Recv(); err != nil {
				t.Error(err)
			}
		}
	})
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	opsPayload, _ := Marshal(ops)
	wantBytes := uint64(2*(HeaderSize+TrailerSize) + 1 + len(opsPayload))
	s, r := a.Counters(), b.Counters()
	checks := []struct {
		name      string
		got, want uint64
	}{
		{"FramesSent", s.FramesSent.Load(), 2},
		{"BytesSent", s.BytesSent.Load(), wantBytes},
		{"WireBytesSent", s.WireBytesSent.Load(), wantBytes}, // equal with compression off
		{"OpsSent", s.OpsSent.Load(), 2},
		{"FramesRecv", r.FramesRecv.Load(), 2},
		{"BytesRecv", r.BytesRecv.Load(), wantBytes},
		{"WireBytesRecv", r.WireBytesRecv.Load(), wantBytes},
		{"OpsRecv", r.OpsRecv.Load(), 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}

// compressibleText is log-like data with varying fields, which zstd
// shrinks a few times, like real text files.
func compressibleText(n int) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, "2026-01-02 %02d:%02d:%02d.%06d replicated /data/set/dir%03d/file%05d.dat bytes=%d crc=%08x ok\n",
			r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e6), r.IntN(50), r.IntN(100000), r.IntN(1<<20), r.Uint32())
	}
	return b.Bytes()[:n]
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// The compression rule, case by case, as seen on the wire.
func TestCompressionRule(t *testing.T) {
	text, noise := compressibleText(64<<10), randomBytes(64<<10)
	write := func(data []byte, incompressible bool) *Ops {
		return &Ops{Ops: []Op{{Seq: 1, Kind: OpWrite, Path: "f", Data: data, Incompressible: incompressible}}}
	}
	cases := []struct {
		name     string
		opts     Options
		msg      Message
		compress bool
	}{
		{"off", Options{}, write(text, false), false},
		{"minimum", Options{Compression: CompressionMinimum}, write(text, false), true},
		{"medium", Options{Compression: CompressionMedium}, write(text, false), true},
		{"maximum", Options{Compression: CompressionMaximum}, write(text, false), true},
		{"below default threshold", Options{Compression: CompressionMedium}, write(text[:1000], false), false},
		{"above lowered threshold", Options{Compression: CompressionMedium, MinCompressSize: 100}, write(text[:1000], false), true},
		{"below raised threshold", Options{Compression: CompressionMedium, MinCompressSize: 100 << 10}, write(text, false), false},
		{"marked incompressible", Options{Compression: CompressionMedium}, write(text, true), false},
		{"random data saves too little", Options{Compression: CompressionMaximum}, write(noise, false), false},
		{"mostly compressible batch", Options{Compression: CompressionMedium}, &Ops{Ops: []Op{
			{Kind: OpWrite, Path: "a.txt", Data: text},
			{Kind: OpWrite, Path: "b.zip", Data: text[:1000], Incompressible: true},
		}}, true},
		{"mostly incompressible batch", Options{Compression: CompressionMedium}, &Ops{Ops: []Op{
			{Kind: OpWrite, Path: "a.txt", Data: text[:1000]},
			{Kind: OpWrite, Path: "b.zip", Data: text, Incompressible: true},
		}}, false},
		{"non-ops message", Options{Compression: CompressionMedium},
			&Error{Text: string(text[:8000])}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, y := net.Pipe()
			defer x.Close()
			defer y.Close()
			a := NewConn(x, c.opts)
			errc := sendAsync(a, c.msg)
			var f frame
			within(t, 5*time.Second, "read", func() {
				var err error
				if f, err = readFrame(rawFrames(y), 0); err != nil {
					t.Error(err)
				}
			})
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			if got := f.flags&FlagCompressed != 0; got != c.compress {
				t.Fatalf("compressed = %v, want %v", got, c.compress)
			}
			raw, _ := Marshal(c.msg)
			payload := f.payload
			if c.compress {
				if len(payload) > len(raw)-len(raw)/32 {
					t.Errorf("compressed %d of %d bytes: saves under 3.125%%", len(payload), len(raw))
				}
				var err error
				if payload, err = decompress(payload); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(payload, raw) {
				t.Fatal("payload does not match the encoding")
			}
			s := a.Counters()
			if want := uint64(HeaderSize + len(raw) + TrailerSize); s.BytesSent.Load() != want {
				t.Errorf("BytesSent = %d, want %d", s.BytesSent.Load(), want)
			}
			if want := uint64(HeaderSize + len(f.payload) + TrailerSize); s.WireBytesSent.Load() != want {
				t.Errorf("WireBytesSent = %d, want %d", s.WireBytesSent.Load(), want)
			}
		})
	}
}

func TestSetCompressionAtRunTime(t *testing.T) {
	x, y := net.Pipe()
	defer x.Close()
	defer y.Close()
	a := NewConn(x, Options{})
	r := rawFrames(y)
	msg := &Error{Text: string(compressibleText(8 << 10))}
	for _, level := range []CompressionLevel{CompressionOff, CompressionMaximum, CompressionOff} {
		if err := a.SetCompression(level); err != nil {
			t.Fatal(err)
		}
		if a.Compression() != level {
			t.Fatalf("Compression() = %v, want %v", a.Compression(), level)
		}
		errc := sendAsync(a, msg)
		f, err := readFrame(r, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if got := f.flags&FlagCompressed != 0; got != (level != CompressionOff) {
			t.Errorf("level %v: compressed = %v", level, got)
		}
	}
	if err := a.SetCompression(CompressionMaximum + 1); err == nil {
		t.Error("an unknown level was accepted")
	}
}

// Many goroutines send at once: every frame arrives whole and each sender's
// messages keep their order.
func TestConcurrentSend(t *testing.T) {
	const senders, each = 8, 200
	a, b := tcpConns(t, Options{Compression: CompressionMinimum, MinCompressSize: 64}, Options{})
	var wg sync.WaitGroup
	errc := make(chan error, senders)
	for g := range senders {
		wg.Go(func() {
			for i := range each {
				data := bytes.Repeat([]byte{byte(g)}, 100+i)
				op := Op{Seq: uint64(g)<<32 | uint64(i), Kind: OpWrite, Path: "f", Data: data}
				if err := a.Send(&Ops{Ops: []Op{op}}); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	next := make([]uint64, senders)
	within(t, 20*time.Second, "receive", func() {
		for range senders * each {
			m, err := b.Recv()
			if err != nil {
				t.Error(err)
				return
			}
			op := m.(*Ops).Ops[0]
			g, i := op.Seq>>32, op.Seq&(1<<32-1)
			if i != next[g] {
				t.Errorf("sender %d: got message %d, want %d", g, i, next[g])
				return
			}
			if len(op.Data) != 100+int(i) || op.Data[0] != byte(g) {
				t.Errorf("sender %d message %d: bad data", g, i)
				return
			}
			next[g]++
		}
	})
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if got := a.Counters().FramesSent.Load(); got != senders*each {
		t.Errorf("FramesSent = %d", got)
	}
}

// rawSend writes bytes on the far end of a pipe in the background.
func rawSend(t *testing.T, nc net.Conn, chunks ...[]byte) {
	t.Helper()
	go func() {
		for _, c := range chunks {
			if _, err := nc.Write(c); err != nil {
				return
			}
		}
	}()
}

func TestRecvAfterRecoverableErrors(t *testing.T) {
	badCRC := goldenFrame(t)
	badCRC[HeaderSize] ^= 1
	unknownType := goldenFrame(t)
	unknownType[5] = 99
	reseal(unknownType)
	garbage := sealFrame(append(make([]byte, HeaderSize), "not zstd"...), MsgPing, FlagCompressed)
	bomb := sealFrame(zstdOf(t, make([]byte, MaxPayload+1)), MsgOps, FlagCompressed)
	malformed := sealFrame(append(make([]byte, HeaderSize), 0xff), MsgPing, 0)

	cases := []struct {
		name  string
		frame []byte
		want  error
	}{
		{"bad checksum", badCRC, ErrBadChecksum},
		{"unknown type", unknownType, ErrUnknownType},
		{"garbage compressed payload", garbage, ErrDecompress},
		{"decompression bomb", bomb, ErrDecompress},
		{"malformed payload", malformed, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, y := net.Pipe()
			defer x.Close()
			defer y.Close()
			b := NewConn(y, Options{})
			rawSend(t, x, c.frame, goldenFrame(t))
			within(t, 10*time.Second, "receive", func() {
				if _, err := b.Recv(); !errors.Is(err, c.want) {
					t.Errorf("first Recv: %v, want %v", err, c.want)
				}
				m, err := b.Recv()
				if err != nil || m.Type() != MsgPing {
					t.Errorf("second Recv: %v, %v", m, err)
				}
			})
		})
	}
}

// zstdOf returns a frame buffer (header space reserved) holding src
// compressed, as a hostile peer could send it.
func zstdOf(t *testing.T, src []byte) []byte {
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(src, make([]byte, HeaderSize))
}

func TestRecvStopsAfterLostAlignment(t *testing.T) {
	x, y := net.Pipe()
	defer x.Close()
	b := NewConn(y, Options{})
	defer b.Close()
	bad := goldenFrame(t)
	bad[0] = 'X'
	rawSend(t, x, bad, goldenFrame(t))
	within(t, 5*time.Second, "receive", func() {
		_, err1 := b.Recv()
		_, err2 := b.Recv()
		if !errors.Is(err1, ErrBadMagic) || !errors.Is(err2, ErrBadMagic) {
			t.Errorf("Recv errors %v, %v; want ErrBadMagic twice", err1, err2)
		}
	})
}

// A read deadline that expires while only part of a header has arrived
// loses nothing: the next Recv gets the whole frame.
func TestReadDeadlineBeforeHeaderKeepsAlignment(t *testing.T) {
	x, y := net.Pipe()
	defer x.Close()
	b := NewConn(y, Options{})
	defer b.Close()
	f := goldenFrame(t)
	go x.Write(f[:5])
	within(t, 5*time.Second, "receive", func() {
		b.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := b.Recv(); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Recv: %v, want a timeout", err)
			return
		}
		b.SetReadDeadline(time.Time{})
		go x.Write(f[5:])
		m, err := b.Recv()
		if err != nil || m.Type() != MsgPing {
			t.Errorf("Recv after timeout: %v, %v", m, err)
		}
	})
}

func TestRecvEOF(t *testing.T) {
	x, y := net.Pipe()
	b := NewConn(y, Options{})
	defer b.Close()
	x.Close()
	if _, err := b.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("Recv: %v, want io.EOF", err)
	}
}

func TestSendTooLarge(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	err := a.Send(&Ops{Ops: []Op{{Kind: OpWrite, Path: "f", Data: make([]byte, MaxPayload)}}})
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("Send: %v, want ErrFrameTooLarge", err)
	}
	if n := a.Counters().WireBytesSent.Load(); n != 0 {
		t.Fatalf("%d bytes written for a refused frame", n)
	}
	// The connection is still usable: nothing reached the wire.
	errc := sendAsync(a, &Ops{Ops: []Op{{Kind: OpWrite, Path: "f", Data: make([]byte, 1<<20)}}})
	within(t, 5*time.Second, "receive", func() {
		if m, err := b.Recv(); err != nil || len(m.(*Ops).Ops[0].Data) != 1<<20 {
			t.Errorf("Recv after a refused frame: %v", err)
		}
	})
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestSendEncodingError(t *testing.T) {
	a, _ := pipeConns(t, Options{}, Options{})
	err := a.Send(&Error{Text: strings.Repeat("x", maxString+1)})
	if !errors.Is(err, ErrFieldTooLong) {
		t.Fatalf("Send: %v, want ErrFieldTooLong", err)
	}
}

func TestCloseUnblocksRecvAndSend(t *testing.T) {
	a, b := pipeConns(t, Options{}, Options{})
	recvErr := make(chan error, 1)
	go func() { _, err := b.Recv(); recvErr <- err }()
	sendErr := make(chan error, 1)
	go func() { sendErr <- b.Send(&Ping{}) }() // nobody reads a: blocks
	time.Sleep(10 * time.Millisecond)
	b.Close()
	within(t, 5*time.Second, "unblock", func() {
		if err := <-recvErr; !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("Recv after Close: %v", err)
		}
		if err := <-sendErr; err == nil {
			t.Error("Send after Close succeeded")
		}
	})
	_ = a
}

func TestWriteErrorBreaksStream(t *testing.T) {
	x, y := net.Pipe()
	a := NewConn(x, Options{})
	defer a.Close()
	go func() { // read a few bytes, then hang up mid-frame
		buf := make([]byte, 5)
		io.ReadFull(y, buf)
		y.Close()
	}()
	var err error
	within(t, 5*time.Second, "send", func() { err = a.Send(&Ops{Ops: []Op{{Kind: OpWrite, Data: make([]byte, 4096)}}}) })
	if err == nil {
		t.Fatal("Send succeeded on a closed pipe")
	}
	if err2 := a.Send(&Ping{}); err2 == nil || err2.Error() != err.Error() {
		t.Fatalf("second Send: %v, want the first error %v", err2, err)
	}
}

func TestConnAccessors(t *testing.T) {
	x, y := tcpPair(t)
	c := NewConn(x, Options{BandwidthKbps: 64, Compression: CompressionMedium})
	if c.Bandwidth() != 64 || c.Compression() != CompressionMedium || c.Version() != 0 {
		t.Errorf("Bandwidth %d, Compression %v, Version %d", c.Bandwidth(), c.Compression(), c.Version())
	}
	if c.LocalAddr().String() != x.LocalAddr().String() || c.RemoteAddr().String() != y.LocalAddr().String() {
		t.Error("addresses do not match the socket")
	}
	if c.NetConn() != x {
		t.Error("NetConn is not the wrapped conn")
	}
	if err := c.SetBandwidth(-1); err == nil || c.Bandwidth() != 64 {
		t.Errorf("negative bandwidth: %v, Bandwidth() = %d", err, c.Bandwidth())
	}
	if d := NewConn(y, Options{BandwidthKbps: -5}); d.Bandwidth() != 0 {
		t.Errorf("a negative option gives Bandwidth() = %d, want 0 (Unlimited)", d.Bandwidth())
	}
	if err := c.SetDeadline(time.Now().Add(time.Hour)); err != nil {
		t.Error(err)
	}
	if err := c.SetWriteDeadline(time.Time{}); err != nil {
		t.Error(err)
	}
}

// Large received batches lie in pooled buffers: one not yet released keeps
// its data however many frames follow, and released ones serve later frames
// whole.
func TestReceivedBatchesKeepTheirBuffersUntilReleased(t *testing.T) {
	a, b := tcpConns(t, Options{}, Options{})
	batch := func(fill byte) *Ops {
		return &Ops{Ops: []Op{{Seq: uint64(fill), Kind: OpWrite, Path: "f", Data: bytes.Repeat([]byte{fill}, 3<<19)}}}
	}
	errc := make(chan error, 1)
	go func() {
		for fill := byte(1); fill <= 6; fill++ {
			if err := a.Send(batch(fill)); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	recv := func() *Ops {
		t.Helper()
		m, err := b.Recv()
		if err != nil {
			t.Fatal(err)
		}
		return m.(*Ops)
	}
	held := recv()
	for fill := byte(2); fill <= 6; fill++ {
		m := recv()
		if !bytes.Equal(m.Ops[0].Data, batch(fill).Ops[0].Data) {
			t.Fatalf("batch %d arrived changed", fill)
		}
		m.Release()
	}
	if !bytes.Equal(held.Ops[0].Data, batch(1).Ops[0].Data) {
		t.Fatal("an unreleased batch's data was overwritten by a later frame")
	}
	held.Release()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
