package wire

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestGoldenMessages(t *testing.T) {
	seen := map[MsgType]bool{}
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			want := unhex(t, g.hex)
			got, err := Marshal(g.msg)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Marshal:\n got %x\nwant %x", got, want)
			}
			back, err := Unmarshal(g.msg.Type(), want)
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !reflect.DeepEqual(back, g.msg) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", back, g.msg)
			}
		})
		seen[g.msg.Type()] = true
	}
	for typ := MsgType(1); typ.Valid(); typ++ {
		if !seen[typ] {
			t.Errorf("no golden message for %s", typ)
		}
		if m := New(typ); m == nil || m.Type() != typ {
			t.Errorf("New(%s) = %v", typ, m)
		}
	}
}

// Every strict prefix of a valid payload is malformed, and a byte appended
// to one is trailing data: nothing panics, nothing is accepted.
func TestTruncatedAndTrailing(t *testing.T) {
	for _, g := range golden {
		full := unhex(t, g.hex)
		for n := 0; n < len(full); n++ {
			_, err := Unmarshal(g.msg.Type(), full[:n])
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s truncated to %d bytes: err = %v, want ErrMalformed", g.name, n, err)
			}
		}
		_, err := Unmarshal(g.msg.Type(), append(full, 0))
		if !errors.Is(err, ErrTrailingData) {
			t.Errorf("%s with a trailing byte: err = %v, want ErrTrailingData", g.name, err)
		}
	}
}

// Malformed payloads built by hand, one per class the decoder checks.
func TestMalformedPayloads(t *testing.T) {
	cases := []struct {
		name string
		typ  MsgType
		hex  string
		want error
	}{
		{"ops count beyond payload", MsgOps, "05 0102", ErrCountTooLarge},
		{"ops huge count", MsgOps, "ffffffffffffffff7f", ErrCountTooLarge},
		{"hello versions beyond payload", MsgHello, "03 0001 0002", ErrCountTooLarge},
		{"hello too many versions", MsgHello, "41" + string(bytes.Repeat([]byte("0001"), 65)) + "0000000000", ErrFieldTooLong},
		{"stat paths beyond payload", MsgStatRequest, "01 03 0161", ErrCountTooLarge},
		{"stat too many paths", MsgStatRequest, "01 8120" + strings.Repeat("00", MaxStatPaths+1), ErrFieldTooLong},
		{"hash block size 0", MsgHashRequest, "0a 01 66 01 00 02 20", ErrBadValue},
		{"hash block size over the limit", MsgHashRequest, "0a 01 66 01 81808002 00 01", ErrBadValue},
		{"hash count over the limit", MsgHashRequest, "0a 01 66 01 01 00 818004", ErrBadValue},
		{"hash offset beyond int64", MsgHashRequest, "0a 01 66 01 02 ffffffffffffffff7f 01", ErrBadValue},
		{"stat entries beyond payload", MsgStatReply, "01 05 00", ErrCountTooLarge},
		{"hashes beyond payload", MsgHashReply, "01 01 01 00 00 02 101112131415161718191a1b1c1d1e1f", ErrCountTooLarge},
		{"list entries beyond payload", MsgListReply, "01 03 0178 01 00", ErrCountTooLarge},
		{"string longer than payload", MsgError, "00 00 05 6162", ErrTruncated},
		{"string over the limit", MsgError, "00 00 808004", ErrFieldTooLong},
		{"data longer than payload", MsgOps, "01 01 02 00 08 0161 7f 00", ErrTruncated},
		{"varint overflow", MsgPing, "ffffffffffffffffff7f", ErrBadValue},
		{"varint cut", MsgPing, "ff", ErrTruncated},
		{"code over 32 bits", MsgError, "00 8080808010 00", ErrBadValue},
		{"unknown op kind", MsgOps, "01 01 63 00 00 00", ErrBadValue},
		{"unknown op flag", MsgOps, "01 01 02 02 00 00", ErrBadValue},
		{"unknown op field", MsgOps, "01 01 02 00 8008 00", ErrBadValue},
		{"bool not 0 or 1", MsgListReply, "01 00 02", ErrBadValue},
		{"unknown file type", MsgListReply, "01 01 0178 09 00", ErrBadValue},
		{"unknown hash algorithm", MsgHashRequest, "01 0166 02 00 00 00", ErrBadValue},
		{"unknown control action", MsgControl, "0b 00", ErrBadValue},
		{"unknown task outcome", MsgTaskResult, "01 04 00", ErrBadValue},
		{"zero task outcome", MsgTaskResult, "01 00 00", ErrBadValue},
		{"read over the limit", MsgReadRequest, "01 01 66 00 8080c002", ErrBadValue},
		{"read at a negative offset", MsgReadRequest, "01 01 66 01 01", ErrBadValue},
		{"read data over the limit", MsgReadReply, "01 01 00 00 8080c002", ErrFieldTooLong},
		{"unknown job flag", MsgJobState, "04", ErrBadValue},
		{"zero control action", MsgControl, "00 00", ErrBadValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Unmarshal(c.typ, unhex(t, c.hex))
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
	if _, err := Unmarshal(0, nil); !errors.Is(err, ErrUnknownType) {
		t.Errorf("type 0: err = %v, want ErrUnknownType", err)
	}
	if _, err := Unmarshal(msgTypeEnd, nil); !errors.Is(err, ErrUnknownType) {
		t.Errorf("type %d: err = %v, want ErrUnknownType", msgTypeEnd, err)
	}
}

// The encoder refuses what the decoder would refuse, so a peer never
// receives a message this package cannot send back.
func TestMarshalLimits(t *testing.T) {
	long := string(make([]byte, maxString+1))
	cases := []struct {
		name string
		msg  Message
		want error
	}{
		{"long path", &Ops{Ops: []Op{{Kind: OpCreate, Path: long}}}, ErrFieldTooLong},
		{"long text", &Error{Text: long}, ErrFieldTooLong},
		{"many versions", &Hello{Versions: make([]uint16, maxVersions+1)}, ErrFieldTooLong},
		{"bad control", &Control{Action: 0}, ErrBadValue},
		{"many stat paths", &StatRequest{Paths: make([]string, MaxStatPaths+1)}, ErrFieldTooLong},
		{"huge hash request", &HashRequest{Algo: HashXXH3x128, BlockSize: 1, Count: 1<<32 - 1}, ErrBadValue},
	}
	for _, c := range cases {
		if _, err := Marshal(c.msg); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	// Exactly at the limit is fine.
	if _, err := Marshal(&Error{Text: long[:maxString]}); err != nil {
		t.Errorf("text at the limit: %v", err)
	}
}

// An Op survives the wire with every field set to awkward values.
func TestOpRoundTripExtremes(t *testing.T) {
	op := Op{Seq: 1<<64 - 1, Kind: OpHardlink, Mirror: true, Path: "d/é/f", NewPath: "n",
		Offset: -1 << 63, Size: 1<<63 - 1, Data: []byte{0, 1, 2}, Mode: 1<<32 - 1,
		UID: -1 << 63, GID: 1<<63 - 1, Atime: -1, Mtime: 1, LinkTarget: "../x"}
	b, err := Marshal(&Ops{Ops: []Op{op}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Unmarshal(MsgOps, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*Ops).Ops[0]; !reflect.DeepEqual(got, op) {
		t.Fatalf("got %+v\nwant %+v", got, op)
	}
	// Incompressible is a local hint and does not travel.
	op.Incompressible = true
	b2, _ := Marshal(&Ops{Ops: []Op{op}})
	if !bytes.Equal(b, b2) {
		t.Error("Incompressible changed the encoding")
	}
}

func TestStringers(t *testing.T) {
	checks := map[string]string{
		MsgHello.String(): "hello", MsgListReply.String(): "list-reply", MsgType(99).String(): "msg(99)",
		ControlMirrorStop.String(): "mirror-stop", ControlAction(0).String(): "control(0)",
		FileDir.String(): "dir", FileType(9).String(): "filetype(9)",
		CompressionMedium.String(): "Medium", CompressionLevel(7).String(): "level(7)",
	}
	for got, want := range checks {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
