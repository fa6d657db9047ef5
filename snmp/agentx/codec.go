package agentx

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

const (
	headerSize = pdu.HeaderSize
	// maxPayload bounds what one PDU may announce: snmpd's PDUs are a few
	// KiB at most, and a corrupt length must not become an allocation.
	maxPayload = 1 << 20
	// maxSubids is RFC 2578's limit of sub-identifiers in an OID.
	maxSubids = 128
)

var errShort = errors.New("agentx: PDU truncated")

// header is a decoded PDU header with the byte order its flags declare.
type header struct {
	pdu.Header
	order binary.ByteOrder
}

// decodeHeader reads the 20-byte header.
func decodeHeader(b []byte) (header, error) {
	if len(b) < headerSize {
		return header{}, errShort
	}
	h := header{order: binary.LittleEndian}
	h.Version, h.Type, h.Flags = b[0], pdu.Type(b[1]), pdu.Flags(b[2])
	if h.Version != 1 {
		return h, fmt.Errorf("agentx: version %d", h.Version)
	}
	if h.Flags&pdu.FlagNetworkByteOrder != 0 {
		h.order = binary.BigEndian
	}
	h.SessionID = h.order.Uint32(b[4:])
	h.TransactionID = h.order.Uint32(b[8:])
	h.PacketID = h.order.Uint32(b[12:])
	h.PayloadLength = h.order.Uint32(b[16:])
	if h.PayloadLength > maxPayload {
		return h, fmt.Errorf("agentx: payload of %d bytes", h.PayloadLength)
	}
	return h, nil
}

// reader walks a payload with bounds checks.
type reader struct {
	b     []byte
	order binary.ByteOrder
}

func (r *reader) uint16() (uint16, error) {
	if len(r.b) < 2 {
		return 0, errShort
	}
	v := r.order.Uint16(r.b)
	r.b = r.b[2:]
	return v, nil
}

func (r *reader) uint32() (uint32, error) {
	if len(r.b) < 4 {
		return 0, errShort
	}
	v := r.order.Uint32(r.b)
	r.b = r.b[4:]
	return v, nil
}

// oid reads an encoded object identifier and its include flag.
func (r *reader) oid() (value.OID, bool, error) {
	if len(r.b) < 4 {
		return nil, false, errShort
	}
	n, prefix, include := int(r.b[0]), r.b[1], r.b[2] != 0
	r.b = r.b[4:]
	if n > maxSubids {
		return nil, false, fmt.Errorf("agentx: OID of %d sub-identifiers", n)
	}
	if len(r.b) < 4*n {
		return nil, false, errShort
	}
	var o value.OID
	if prefix != 0 {
		o = make(value.OID, 0, 5+n)
		o = append(o, 1, 3, 6, 1, uint32(prefix))
	} else {
		o = make(value.OID, 0, n)
	}
	for i := 0; i < n; i++ {
		o = append(o, r.order.Uint32(r.b[4*i:]))
	}
	r.b = r.b[4*n:]
	return o, include, nil
}

// octets reads an octet string and its padding.
func (r *reader) octets() ([]byte, error) {
	n, err := r.uint32()
	if err != nil {
		return nil, err
	}
	padded := (uint64(n) + 3) &^ 3
	if uint64(len(r.b)) < padded {
		return nil, errShort
	}
	s := r.b[:n]
	r.b = r.b[padded:]
	return s, nil
}

// searchRange is one range of a Get, GetNext or GetBulk: From (inclusive
// when Include) up to To (exclusive; empty means no bound).
type searchRange struct {
	From    value.OID
	Include bool
	To      value.OID
}

// request is a decoded Get, GetNext or GetBulk.
type request struct {
	Ranges         []searchRange
	NonRepeaters   int
	MaxRepetitions int
}

// decodeRequest reads the payload of a Get, GetNext or GetBulk.
func decodeRequest(h header, payload []byte) (request, error) {
	r := &reader{b: payload, order: h.order}
	var req request
	if h.Flags&pdu.FlagNonDefaultContext != 0 {
		if _, err := r.octets(); err != nil {
			return req, fmt.Errorf("context: %w", err)
		}
	}
	if h.Type == pdu.TypeGetBulk {
		nr, err := r.uint16()
		if err != nil {
			return req, err
		}
		mr, err := r.uint16()
		if err != nil {
			return req, err
		}
		req.NonRepeaters, req.MaxRepetitions = int(nr), int(mr)
	}
	for len(r.b) > 0 {
		from, include, err := r.oid()
		if err != nil {
			return req, err
		}
		to, _, err := r.oid()
		if err != nil {
			return req, err
		}
		req.Ranges = append(req.Ranges, searchRange{From: from, Include: include, To: to})
	}
	return req, nil
}

// response is the part of a master's Response the sub-agent uses.
type response struct {
	SessionID uint32 // from the header: the session an Open created
	Error     pdu.Error
	Index     uint16
}

// decodeResponse reads a Response payload (varbinds are not needed: the
// master answers the sub-agent's administrative PDUs without any).
func decodeResponse(h header, payload []byte) (response, error) {
	r := &reader{b: payload, order: h.order}
	if _, err := r.uint32(); err != nil { // sysUpTime
		return response{}, err
	}
	e, err := r.uint16()
	if err != nil {
		return response{}, err
	}
	i, err := r.uint16()
	if err != nil {
		return response{}, err
	}
	return response{SessionID: h.SessionID, Error: pdu.Error(e), Index: i}, nil
}

// encode writes a PDU in the sub-agent's byte order (little endian, flags
// clear), with the identifiers of h.
func encode(h pdu.Header, p pdu.Packet) ([]byte, error) {
	h.Flags = 0
	hp := &pdu.HeaderPacket{Header: &h, Packet: p}
	return hp.MarshalBinary()
}
