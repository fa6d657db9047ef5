package logfile

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
)

// Handler is an slog.Handler writing records to a Log: the server's own
// lines (a failed connect, a refused source) land in the engine log among
// the catalog events, with message ID 0. Debug records are the reference's
// debug messages (LogMessageLevel 3), Info its release messages, Warn and
// Error its alerts (type 1).
type Handler struct {
	log    *Log
	prefix string // attributes added by WithAttrs, formatted
	group  string // WithGroup prefix for later keys, "a.b."
}

// NewHandler returns a handler writing to l.
func NewHandler(l *Log) *Handler { return &Handler{log: l} }

func recordClass(l slog.Level) (Class, int) {
	switch {
	case l >= slog.LevelWarn:
		return ClassAlert, TypeAlert
	case l >= slog.LevelInfo:
		return ClassRelease, TypeInfo
	}
	return ClassDebug, TypeInfo
}

// Enabled implements slog.Handler: it follows LogMessageLevel live.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	c, _ := recordClass(l)
	return h.log.Enabled(c)
}

// Handle implements slog.Handler.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	c, typ := recordClass(r.Level)
	var b strings.Builder
	b.WriteString(r.Message)
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		appendAttr(&b, h.group, a)
		return true
	})
	return h.log.Log(r.Time, c, typ, 0, b.String())
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range as {
		appendAttr(&b, h.group, a)
	}
	return &Handler{log: h.log, prefix: b.String(), group: h.group}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &Handler{log: h.log, prefix: h.prefix, group: h.group + name + "."}
}

// appendAttr writes " key=value", quoting values that would not read back
// as one word.
func appendAttr(b *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		g := group
		if a.Key != "" {
			g += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			appendAttr(b, g, ga)
		}
		return
	}
	b.WriteByte(' ')
	b.WriteString(group)
	b.WriteString(a.Key)
	b.WriteByte('=')
	v := a.Value.String()
	if v == "" || strings.ContainsAny(v, " \t\r\n\"=") {
		v = strconv.Quote(v)
	}
	b.WriteString(v)
}
