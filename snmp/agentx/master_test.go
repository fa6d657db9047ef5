package agentx

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

// fakeMaster is the master side of AgentX, enough to drive a sub-agent:
// it writes PDUs in either byte order and reads the sub-agent's back.
type fakeMaster struct {
	t  *testing.T
	nc net.Conn
}

type rawPDU struct {
	h       header
	payload []byte
}

func (m *fakeMaster) read() rawPDU {
	m.t.Helper()
	m.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	hb := make([]byte, headerSize)
	if _, err := io.ReadFull(m.nc, hb); err != nil {
		m.t.Fatalf("master read: %v", err)
	}
	h, err := decodeHeader(hb)
	if err != nil {
		m.t.Fatal(err)
	}
	p := make([]byte, h.PayloadLength)
	if _, err := io.ReadFull(m.nc, p); err != nil {
		m.t.Fatalf("master read payload: %v", err)
	}
	return rawPDU{h, p}
}

// expect reads a PDU of type t.
func (m *fakeMaster) expect(t pdu.Type) rawPDU {
	m.t.Helper()
	p := m.read()
	if p.h.Type != t {
		m.t.Fatalf("master got %s, want %s", p.h.Type, t)
	}
	return p
}

// pduBytes builds a PDU in the given byte order.
func pduBytes(order byteOrder, t pdu.Type, flags pdu.Flags, session, packet uint32, payload []byte) []byte {
	if order == binary.BigEndian {
		flags |= pdu.FlagNetworkByteOrder
	}
	b := []byte{1, byte(t), byte(flags), 0}
	b = order.AppendUint32(b, session)
	b = order.AppendUint32(b, packet)
	b = order.AppendUint32(b, packet)
	b = order.AppendUint32(b, uint32(len(payload)))
	return append(b, payload...)
}

// oidBytes encodes an OID, compressing 1.3.6.1.x into the prefix field.
func oidBytes(order byteOrder, o value.OID, include bool) []byte {
	var prefix byte
	if len(o) > 4 && o[0] == 1 && o[1] == 3 && o[2] == 6 && o[3] == 1 && o[4] < 256 {
		prefix, o = byte(o[4]), o[5:]
	}
	inc := byte(0)
	if include {
		inc = 1
	}
	b := []byte{byte(len(o)), prefix, inc, 0}
	for _, n := range o {
		b = order.AppendUint32(b, n)
	}
	return b
}

func rangesBytes(order byteOrder, ranges ...searchRange) []byte {
	var b []byte
	for _, r := range ranges {
		b = append(b, oidBytes(order, r.From, r.Include)...)
		b = append(b, oidBytes(order, r.To, false)...)
	}
	return b
}

func responseBytes(order byteOrder, session, packet uint32, e pdu.Error) []byte {
	p := order.AppendUint32(nil, 0)
	p = order.AppendUint16(p, uint16(e))
	p = order.AppendUint16(p, 0)
	return pduBytes(order, pdu.TypeResponse, 0, session, packet, p)
}

func (m *fakeMaster) write(b []byte) {
	m.t.Helper()
	if _, err := m.nc.Write(b); err != nil {
		m.t.Fatalf("master write: %v", err)
	}
}

// reply answers a sub-agent's PDU.
func (m *fakeMaster) reply(p rawPDU, session uint32, e pdu.Error) {
	m.write(responseBytes(binary.LittleEndian, session, p.h.PacketID, e))
}

// handshake accepts an Open and a Register.
func (m *fakeMaster) handshake(session uint32) {
	m.t.Helper()
	m.reply(m.expect(pdu.TypeOpen), session, pdu.ErrorNone)
	m.reply(m.expect(pdu.TypeRegister), session, pdu.ErrorNone)
}

// varbind is a decoded varbind of a sub-agent's response.
type varbind struct {
	Type  pdu.VariableType
	OID   value.OID
	Value any
}

func (v varbind) String() string { return fmt.Sprintf("%s %s=%v", v.Type, v.OID, v.Value) }

// decodeResponseVarbinds reads a Response's error and varbinds (test
// only: the sub-agent never reads varbinds).
func decodeResponseVarbinds(p rawPDU) (pdu.Error, uint16, []varbind, error) {
	r := &reader{b: p.payload, order: p.h.order}
	if _, err := r.uint32(); err != nil {
		return 0, 0, nil, err
	}
	e, _ := r.uint16()
	idx, _ := r.uint16()
	var out []varbind
	for len(r.b) > 0 {
		t, err := r.uint16()
		if err != nil {
			return 0, 0, nil, err
		}
		r.uint16()
		oid, _, err := r.oid()
		if err != nil {
			return 0, 0, nil, err
		}
		vb := varbind{Type: pdu.VariableType(t), OID: oid}
		switch vb.Type {
		case pdu.VariableTypeInteger:
			v, err := r.uint32()
			vb.Value = int32(v)
			if err != nil {
				return 0, 0, nil, err
			}
		case pdu.VariableTypeCounter32, pdu.VariableTypeGauge32, pdu.VariableTypeTimeTicks:
			vb.Value, err = r.uint32()
		case pdu.VariableTypeCounter64:
			hi, lo := uint32(0), uint32(0)
			if r.order == binary.LittleEndian {
				lo, _ = r.uint32()
				hi, err = r.uint32()
			} else {
				hi, _ = r.uint32()
				lo, err = r.uint32()
			}
			vb.Value = uint64(hi)<<32 | uint64(lo)
		case pdu.VariableTypeOctetString:
			var s []byte
			s, err = r.octets()
			vb.Value = string(s)
		case pdu.VariableTypeObjectIdentifier:
			var o value.OID
			o, _, err = r.oid()
			vb.Value = o.String()
		}
		if err != nil {
			return 0, 0, nil, err
		}
		out = append(out, vb)
	}
	return pdu.Error(e), idx, out, nil
}

// byteOrder is a byte order tests can both read and append with.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}
