package settings

import "strconv"

// Reader is what engine modules read of settings, live.
type Reader interface {
	Int(name string) int64
	String(name string) string
}

// Overlay reads settings from Base except the names Over sets. It lets one
// process run several servers (the demo, tests) with their own DataPath or
// Port on top of one Store. Override values are not validated: they come
// from code, not users.
type Overlay struct {
	Base Reader
	Over map[string]string
}

// String returns the override of name, else Base's value.
func (o Overlay) String(name string) string {
	if v, ok := o.Over[name]; ok {
		return v
	}
	return o.Base.String(name)
}

// Int returns the override of name, else Base's value.
func (o Overlay) Int(name string) int64 {
	if v, ok := o.Over[name]; ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return o.Base.Int(name)
}
