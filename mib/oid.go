package mib

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// OID is an object identifier as its sub-identifiers.
type OID []uint32

// enterprises is 1.3.6.1.4.1, the arc private enterprise numbers live under.
var enterprises = OID{1, 3, 6, 1, 4, 1}

// ParseOID reads a dotted OID ("1.3.6.1.4.1.32473"; a leading dot is
// accepted, as net-snmp prints them).
func ParseOID(s string) (OID, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), ".")
	if s == "" {
		return nil, fmt.Errorf("empty OID")
	}
	parts := strings.Split(s, ".")
	o := make(OID, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("OID %q: sub-identifier %q: %w", s, p, err)
		}
		o[i] = uint32(n)
	}
	return o, nil
}

// ParseEnterprise reads an enterprise base (SNMPEnterpriseOID): it must lie
// under enterprises (1.3.6.1.4.1) with at least the enterprise number, and
// be short enough to leave room for the module's own arcs.
func ParseEnterprise(s string) (OID, error) {
	o, err := ParseOID(s)
	if err == nil && (len(o) <= len(enterprises) || !o[:len(enterprises)].Equal(enterprises)) {
		err = fmt.Errorf("%q is not under enterprises (1.3.6.1.4.1.N)", s)
	}
	if err == nil && len(o) > 64 {
		err = fmt.Errorf("%q has more than 64 sub-identifiers", s)
	}
	if err != nil {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "SNMPEnterpriseOID: %v", err)
	}
	return o, nil
}

// String writes the dotted form.
func (o OID) String() string {
	var b strings.Builder
	for i, n := range o {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(uint64(n), 10))
	}
	return b.String()
}

// Equal reports whether o and p are the same OID.
func (o OID) Equal(p OID) bool {
	if len(o) != len(p) {
		return false
	}
	for i := range o {
		if o[i] != p[i] {
			return false
		}
	}
	return true
}

// Append returns o followed by arcs, never sharing o's backing array.
func (o OID) Append(arcs ...uint32) OID {
	out := make(OID, 0, len(o)+len(arcs))
	return append(append(out, o...), arcs...)
}
