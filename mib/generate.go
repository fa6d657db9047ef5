package mib

import (
	"fmt"

	"github.com/dtrep/dtrep/engine/catalog"
)

//go:generate go run ./gen -o dt.mib

// DefaultEnterprise is the catalog's default of SNMPEnterpriseOID, the base
// the committed dt.mib is laid out under.
func DefaultEnterprise(cat *catalog.Catalog) string {
	s, _ := cat.Setting(catalog.SettingSNMPEnterpriseOID.Name())
	return s.Value
}

// Generate renders DT-MIB under the enterprise OID oid ("" for the
// default).
func Generate(cat *catalog.Catalog, oid string) ([]byte, error) {
	if oid == "" {
		oid = DefaultEnterprise(cat)
	}
	base, err := ParseEnterprise(oid)
	if err != nil {
		return nil, err
	}
	l, err := Build(cat, base)
	if err != nil {
		return nil, fmt.Errorf("laying out %s: %w", ModuleName, err)
	}
	return Render(l), nil
}
