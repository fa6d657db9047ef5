package wire

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"reflect"
	"testing"
	"time"
)

// checkReencode asserts that a message the decoder accepted encodes again
// and decodes to the same value: the encoder accepts everything the decoder
// does, and decoding is a function of the message, not of its bytes.
func checkReencode(t *testing.T, m Message) {
	t.Helper()
	b, err := Marshal(m)
	if err != nil {
		t.Fatalf("decoded %T does not encode: %v", m, err)
	}
	back, err := Unmarshal(m.Type(), b)
	if err != nil {
		t.Fatalf("re-encoded %T does not decode: %v", m, err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("re-encoding changed %T:\n got %+v\nwant %+v", m, back, m)
	}
}

// frameOf frames m as Conn.Send would, optionally compressed.
func frameOf(tb testing.TB, m Message, level CompressionLevel) []byte {
	buf, err := m.AppendBinary(make([]byte, HeaderSize))
	if err != nil {
		tb.Fatal(err)
	}
	if c, ok := compress(make([]byte, HeaderSize), buf[HeaderSize:], level, 1, false); ok {
		return sealFrame(c, m.Type(), FlagCompressed)
	}
	return sealFrame(buf, m.Type(), 0)
}

func FuzzReadFrame(f *testing.F) {
	for _, g := range golden {
		f.Add(frameOf(f, g.msg, CompressionOff))
		f.Add(frameOf(f, g.msg, CompressionMedium))
	}
	f.Add(append(frameOf(f, &Ping{ID: 1}, CompressionOff), frameOf(f, &Pong{ID: 1}, CompressionOff)...))
	f.Add(frameOf(f, &Error{Text: string(compressibleText(4096))}, CompressionMaximum))
	bad := goldenFrame(f)
	bad[HeaderSize] ^= 1
	f.Add(bad)
	f.Add(goldenFrame(f)[:7])
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for range 8 {
			fr, err := readFrame(r, 0)
			if err != nil {
				if _, lost := err.(errFrameLost); lost || r.Buffered() == 0 {
					return
				}
				continue // the frame was consumed whole: the next one is readable
			}
			if len(fr.payload) > MaxPayload {
				t.Fatalf("payload of %d bytes accepted", len(fr.payload))
			}
			payload := fr.payload
			if fr.flags&FlagCompressed != 0 {
				if payload, err = decompress(payload); err != nil {
					continue
				}
			}
			if m, err := Unmarshal(fr.typ, payload); err == nil {
				checkReencode(t, m)
			}
		}
	})
}

func fuzzUnmarshal(f *testing.F, typ MsgType) {
	for _, g := range golden {
		if g.msg.Type() == typ {
			f.Add(unhex(f, g.hex))
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Unmarshal(typ, data)
		if err != nil {
			if m != nil {
				t.Fatal("a message returned with an error")
			}
			return
		}
		checkReencode(t, m)
	})
}

func FuzzUnmarshalHello(f *testing.F)       { fuzzUnmarshal(f, MsgHello) }
func FuzzUnmarshalChallenge(f *testing.F)   { fuzzUnmarshal(f, MsgChallenge) }
func FuzzUnmarshalProof(f *testing.F)       { fuzzUnmarshal(f, MsgProof) }
func FuzzUnmarshalWelcome(f *testing.F)     { fuzzUnmarshal(f, MsgWelcome) }
func FuzzUnmarshalRefuse(f *testing.F)      { fuzzUnmarshal(f, MsgRefuse) }
func FuzzUnmarshalOps(f *testing.F)         { fuzzUnmarshal(f, MsgOps) }
func FuzzUnmarshalAck(f *testing.F)         { fuzzUnmarshal(f, MsgAck) }
func FuzzUnmarshalError(f *testing.F)       { fuzzUnmarshal(f, MsgError) }
func FuzzUnmarshalPing(f *testing.F)        { fuzzUnmarshal(f, MsgPing) }
func FuzzUnmarshalPong(f *testing.F)        { fuzzUnmarshal(f, MsgPong) }
func FuzzUnmarshalControl(f *testing.F)     { fuzzUnmarshal(f, MsgControl) }
func FuzzUnmarshalStatRequest(f *testing.F) { fuzzUnmarshal(f, MsgStatRequest) }
func FuzzUnmarshalStatReply(f *testing.F)   { fuzzUnmarshal(f, MsgStatReply) }
func FuzzUnmarshalHashRequest(f *testing.F) { fuzzUnmarshal(f, MsgHashRequest) }
func FuzzUnmarshalHashReply(f *testing.F)   { fuzzUnmarshal(f, MsgHashReply) }
func FuzzUnmarshalListRequest(f *testing.F) { fuzzUnmarshal(f, MsgListRequest) }
func FuzzUnmarshalListReply(f *testing.F)   { fuzzUnmarshal(f, MsgListReply) }
func FuzzUnmarshalTaskResult(f *testing.F)  { fuzzUnmarshal(f, MsgTaskResult) }
func FuzzUnmarshalReadRequest(f *testing.F) { fuzzUnmarshal(f, MsgReadRequest) }
func FuzzUnmarshalReadReply(f *testing.F)   { fuzzUnmarshal(f, MsgReadReply) }
func FuzzUnmarshalJobState(f *testing.F)    { fuzzUnmarshal(f, MsgJobState) }

// scriptedConn is a net.Conn whose peer's bytes are fixed in advance and
// whose writes are discarded: the handshake fuzzers play a peer with it.
type scriptedConn struct {
	net.Conn // nil: only the methods below are used
	r        *bytes.Reader
}

func (c *scriptedConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *scriptedConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c *scriptedConn) Close() error                     { return nil }
func (c *scriptedConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptedConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptedConn) SetWriteDeadline(time.Time) error { return nil }
func (c *scriptedConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scriptedConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func scripted(data []byte) *Conn                         { return NewConn(&scriptedConn{r: bytes.NewReader(data)}, Options{}) }
func framesOf(tb testing.TB, ms ...Message) (out []byte) {
	for _, m := range ms {
		out = append(out, frameOf(tb, m, CompressionOff)...)
	}
	return out
}

// handshakeSeeds are plausible peer flights: the right messages with
// proofs the fuzzer must not be able to turn into a success.
func handshakeSeeds(f *testing.F) {
	h := defaultSetup().client
	h.Versions = SupportedVersions
	f.Add(framesOf(f, &h, &Challenge{}, &Proof{}))
	f.Add(framesOf(f, &h, &Challenge{}, &Proof{}, &Welcome{Version: ProtocolVersion}))
	f.Add(framesOf(f, &h, &Challenge{}, &Refuse{Code: 138, Reason: "no"}))
	f.Add(framesOf(f, &h, &Proof{}, &Challenge{}))
	f.Add(framesOf(f, &Welcome{Version: ProtocolVersion, Durable: 1 << 40}))
	f.Add(frameOf(f, &h, CompressionMaximum))
	f.Add([]byte{})
}

// FuzzServerHandshake plays an unauthenticated source against the target
// side: whatever it sends, the handshake fails without panicking, never
// admits the source and never accepts a frame beyond HandshakeMaxPayload.
func FuzzServerHandshake(f *testing.F) {
	handshakeSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := scripted(data)
		_, err := ServerHandshake(context.Background(), c, Hello{ServerName: "beta"}, ServerAuth{
			Secret: secretFor("job1", testSecret),
			Admit: func(h Hello) (uint64, error) {
				t.Fatalf("admitted an unproved source: %+v", h)
				return 0, nil
			}})
		if err == nil {
			t.Fatal("a scripted source completed the handshake")
		}
		if c.Counters().FramesRecv.Load() > 3 || c.Version() != 0 {
			t.Fatalf("%d frames received, version %d", c.Counters().FramesRecv.Load(), c.Version())
		}
	})
}

// FuzzClientHandshake plays a target that does not know the secret against
// the source side: the handshake fails without panicking.
func FuzzClientHandshake(f *testing.F) {
	handshakeSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := scripted(data)
		if _, err := ClientHandshake(context.Background(), c, defaultSetup().client, testSecret); err == nil {
			t.Fatal("a scripted target completed the handshake")
		}
		if c.Version() != 0 {
			t.Fatalf("version %d after a failed handshake", c.Version())
		}
	})
}
