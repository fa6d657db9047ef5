package agentx

import (
	"encoding/binary"
	"testing"

	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

func TestDecodeHeaderBothOrders(t *testing.T) {
	for _, order := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		b := pduBytes(order, pdu.TypeGetNext, 0, 0x01020304, 0x0a0b0c0d, make([]byte, 8))
		h, err := decodeHeader(b)
		if err != nil {
			t.Fatal(err)
		}
		if h.Type != pdu.TypeGetNext || h.SessionID != 0x01020304 || h.PacketID != 0x0a0b0c0d ||
			h.TransactionID != 0x0a0b0c0d || h.PayloadLength != 8 || h.order != order {
			t.Errorf("%v: decoded %+v", order, h)
		}
	}
}

func TestDecodeHeaderRefuses(t *testing.T) {
	good := pduBytes(binary.LittleEndian, pdu.TypeGet, 0, 1, 1, nil)
	if _, err := decodeHeader(good[:19]); err == nil {
		t.Error("short header accepted")
	}
	bad := append([]byte{}, good...)
	bad[0] = 2
	if _, err := decodeHeader(bad); err == nil {
		t.Error("version 2 accepted")
	}
	huge := pduBytes(binary.BigEndian, pdu.TypeGet, 0, 1, 1, nil)
	binary.BigEndian.PutUint32(huge[16:], maxPayload+1)
	if _, err := decodeHeader(huge); err == nil {
		t.Error("payload over the bound accepted")
	}
}

// A GetBulk in network byte order with a non-default context, a
// prefix-compressed OID and an unbounded range decodes field by field.
func TestDecodeRequestGetBulk(t *testing.T) {
	order := binary.BigEndian
	var p []byte
	p = order.AppendUint32(p, 3)
	p = append(p, 'a', 'b', 'c', 0) // context "abc", padded
	p = order.AppendUint16(p, 1)
	p = order.AppendUint16(p, 10)
	p = append(p, rangesBytes(order,
		searchRange{From: value.OID{1, 3, 6, 1, 4, 1, 32473, 1}, Include: true, To: value.OID{1, 3, 6, 1, 4, 1, 32473, 2}},
		searchRange{From: value.OID{1, 3}},
	)...)
	b := pduBytes(order, pdu.TypeGetBulk, pdu.FlagNonDefaultContext, 1, 2, p)
	h, err := decodeHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	req, err := decodeRequest(h, b[headerSize:])
	if err != nil {
		t.Fatal(err)
	}
	if req.NonRepeaters != 1 || req.MaxRepetitions != 10 || len(req.Ranges) != 2 {
		t.Fatalf("decoded %+v", req)
	}
	r0, r1 := req.Ranges[0], req.Ranges[1]
	if r0.From.String() != "1.3.6.1.4.1.32473.1" || !r0.Include || r0.To.String() != "1.3.6.1.4.1.32473.2" {
		t.Errorf("range 0: %+v", r0)
	}
	if r1.From.String() != "1.3" || r1.Include || len(r1.To) != 0 {
		t.Errorf("range 1: %+v", r1)
	}
	// Every truncation is an error, never a panic or a shorter request,
	// except the cuts between whole ranges, which are requests themselves.
	whole := map[int]bool{12: true, 12 + len(rangesBytes(order, r0)): true}
	for n := 0; n < len(p); n++ {
		if _, err := decodeRequest(h, p[:n]); (err == nil) != whole[n] {
			t.Errorf("truncated to %d bytes: err %v", n, err)
		}
	}
}

func TestDecodeOIDBounds(t *testing.T) {
	r := &reader{b: []byte{129, 0, 0, 0}, order: binary.LittleEndian}
	if _, _, err := r.oid(); err == nil {
		t.Error("OID of 129 sub-identifiers accepted")
	}
	r = &reader{b: []byte{2, 0, 0, 0, 1, 0, 0, 0}, order: binary.LittleEndian}
	if _, _, err := r.oid(); err == nil {
		t.Error("OID shorter than its count accepted")
	}
	r = &reader{b: []byte{0xff, 0xff, 0xff, 0xff}, order: binary.LittleEndian}
	if _, err := r.octets(); err == nil {
		t.Error("octet string longer than the payload accepted")
	}
}

func TestDecodeResponse(t *testing.T) {
	b := responseBytes(binary.BigEndian, 9, 4, pdu.ErrorDuplicateRegistration)
	h, _ := decodeHeader(b)
	r, err := decodeResponse(h, b[headerSize:])
	if err != nil || r.Error != pdu.ErrorDuplicateRegistration || r.SessionID != 9 {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := decodeResponse(h, b[headerSize:headerSize+6]); err == nil {
		t.Error("truncated response accepted")
	}
}

// Whatever the master sends, decoding returns an error or a value; it
// never panics or allocates past the bound.
func FuzzDecode(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	f.Add(pduBytes(le, pdu.TypeGetNext, 0, 1, 1, rangesBytes(le, searchRange{From: value.OID{1, 3, 6, 1, 4, 1, 1}})))
	f.Add(pduBytes(be, pdu.TypeGet, 0, 1, 1, rangesBytes(be, searchRange{From: value.OID{1, 3, 6, 1, 2, 1, 1, 1, 0}})))
	f.Add(pduBytes(be, pdu.TypeGetBulk, pdu.FlagNonDefaultContext, 1, 1, []byte{0, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 5}))
	f.Add(responseBytes(le, 1, 1, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeHeader(b)
		if err != nil {
			return
		}
		p := b[headerSize:]
		if int(h.PayloadLength) < len(p) {
			p = p[:h.PayloadLength]
		}
		if req, err := decodeRequest(h, p); err == nil {
			for _, r := range req.Ranges {
				if len(r.From) > maxSubids+5 || len(r.To) > maxSubids+5 {
					t.Fatalf("OID past the bound: %d, %d", len(r.From), len(r.To))
				}
			}
		}
		decodeResponse(h, p)
	})
}
