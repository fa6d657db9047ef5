package wire

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"
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
			fr, err := readFrame(r)
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
