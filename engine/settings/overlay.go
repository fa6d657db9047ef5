package settings

import (
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Reader is what engine modules read of settings, live.
type Reader interface {
	Int(id catalog.SettingID) int64
	String(id catalog.SettingID) string
}

// Overlay reads settings from Base except the names Over sets. It lets one
// process run several servers (the demo, tests) with their own DataPath or
// Port on top of one Store. Override values are not validated: they come
// from code, not users.
type Overlay struct {
	Base Reader
	Over map[string]string
}

// String returns the override of id, else Base's value.
func (o Overlay) String(id catalog.SettingID) string {
	if v, ok := o.Over[id.Name()]; ok {
		return v
	}
	return o.Base.String(id)
}

// Int returns the override of id, else Base's value.
func (o Overlay) Int(id catalog.SettingID) int64 {
	if v, ok := o.Over[id.Name()]; ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return o.Base.Int(id)
}
