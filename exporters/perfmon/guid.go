package perfmon

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
)

// GUID is a Windows GUID in its registry spelling's field order.
type GUID struct {
	Data1 uint32
	Data2 uint16
	Data3 uint16
	Data4 [8]byte
}

// guidNamespace is the name-based (RFC 4122 version 5) namespace of every
// GUID this package derives. Deriving GUIDs from names keeps them stable
// across regenerations without a table of random GUIDs to maintain, and a
// renamed object gets a new GUID, which PerfLib requires anyway (a
// registered counter set cannot change shape under the same GUID).
var guidNamespace = GUID{0x6a1f3c52, 0x1d2e, 0x5b7a, [8]byte{0x9c, 0x41, 0x2f, 0x0e, 0x7d, 0x35, 0x88, 0x16}}

// nameGUID is the version 5 GUID of name in guidNamespace.
func nameGUID(name string) GUID { return nameGUIDIn(guidNamespace, name) }

// nameGUIDIn is the version 5 GUID of name in namespace ns (RFC 4122 4.3).
func nameGUIDIn(ns GUID, name string) GUID {
	h := sha1.New()
	h.Write(ns.bigEndian())
	h.Write([]byte(name))
	sum := h.Sum(nil)
	sum[6] = sum[6]&0x0f | 0x50 // version 5
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	var g GUID
	g.Data1 = binary.BigEndian.Uint32(sum[0:4])
	g.Data2 = binary.BigEndian.Uint16(sum[4:6])
	g.Data3 = binary.BigEndian.Uint16(sum[6:8])
	copy(g.Data4[:], sum[8:16])
	return g
}

// bigEndian is the RFC 4122 byte order, which name hashing uses.
func (g GUID) bigEndian() []byte { return g.bytes(binary.BigEndian) }

// littleEndian is the in-memory layout of a Windows GUID structure, as
// PerfLib reads it from a counter set template.
func (g GUID) littleEndian() []byte { return g.bytes(binary.LittleEndian) }

func (g GUID) bytes(order binary.ByteOrder) []byte {
	b := make([]byte, 16)
	order.PutUint32(b[0:], g.Data1)
	order.PutUint16(b[4:], g.Data2)
	order.PutUint16(b[6:], g.Data3)
	copy(b[8:], g.Data4[:])
	return b
}

func guidFromLittleEndian(b []byte) GUID {
	var g GUID
	g.Data1 = binary.LittleEndian.Uint32(b[0:])
	g.Data2 = binary.LittleEndian.Uint16(b[4:])
	g.Data3 = binary.LittleEndian.Uint16(b[6:])
	copy(g.Data4[:], b[8:16])
	return g
}

// String is the registry spelling a manifest uses: {XXXXXXXX-XXXX-...}.
func (g GUID) String() string {
	return fmt.Sprintf("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", g.Data1, g.Data2, g.Data3,
		g.Data4[0], g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7])
}
