package elasticsearch

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendEventDoc appends d as encoding/json would marshal it, byte for byte
// (FuzzEventDocEncoding holds the two equal), without reflection: an event
// document is rendered for every event the engine raises, and reflection
// and the sorted params map were most of the exporter's CPU.
func appendEventDoc(b []byte, d *eventDoc) []byte {
	b = append(b, `{"@timestamp":`...)
	b = appendJSONString(b, d.Timestamp)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, d.Message)
	b = append(b, `,"ecs":{"version":`...)
	b = appendJSONString(b, d.ECS.Version)

	e := &d.Event
	b = append(b, `},"event":{"kind":`...)
	b = appendJSONString(b, e.Kind)
	if e.Code != "" {
		b = append(b, `,"code":`...)
		b = appendJSONString(b, e.Code)
	}
	if e.Provider != "" {
		b = append(b, `,"provider":`...)
		b = appendJSONString(b, e.Provider)
	}
	if e.Severity != 0 {
		b = append(b, `,"severity":`...)
		b = strconv.AppendInt(b, int64(e.Severity), 10)
	}
	b = append(b, `,"dataset":`...)
	b = appendJSONString(b, e.Dataset)
	b = append(b, `,"module":`...)
	b = appendJSONString(b, e.Module)
	if e.Sequence != 0 {
		b = append(b, `,"sequence":`...)
		b = strconv.AppendUint(b, e.Sequence, 10)
	}
	if e.Start != "" {
		b = append(b, `,"start":`...)
		b = appendJSONString(b, e.Start)
	}
	if e.Duration != 0 {
		b = append(b, `,"duration":`...)
		b = strconv.AppendInt(b, e.Duration, 10)
	}

	b = append(b, `},"log":{"level":`...)
	b = appendJSONString(b, d.Log.Level)
	b = append(b, `},"host":{"name":`...)
	b = appendJSONString(b, d.Host.Name)
	b = append(b, `},"service":{"name":`...)
	b = appendJSONString(b, d.Service.Name)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, d.Service.Type)
	b = append(b, `},"data_stream":{"type":`...)
	b = appendJSONString(b, d.DataStream.Type)
	b = append(b, `,"dataset":`...)
	b = appendJSONString(b, d.DataStream.Dataset)
	b = append(b, `,"namespace":`...)
	b = appendJSONString(b, d.DataStream.Namespace)

	info := &d.Dtrep.Event
	b = append(b, `},"dtrep":{"event":{"id":`...)
	b = strconv.AppendInt(b, int64(info.ID), 10)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, info.Source)
	b = append(b, `,"log":`...)
	b = appendJSONString(b, info.Log)
	b = append(b, `,"level":`...)
	b = appendJSONString(b, info.Level)
	if len(info.InsertionStrings) > 0 {
		b = append(b, `,"insertion_strings":[`...)
		for i, s := range info.InsertionStrings {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		b = append(b, ']')
	}
	if len(info.Params) > 0 {
		// encoding/json writes a map's keys sorted as strings
		// (param1, param10, param2...).
		keys := make([]string, 0, len(info.Params))
		for k := range info.Params {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, `,"params":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, info.Params[k])
		}
		b = append(b, '}')
	}
	if info.RequiredAction != "" {
		b = append(b, `,"required_action":`...)
		b = appendJSONString(b, info.RequiredAction)
	}
	b = append(b, '}')

	c := &d.Dtrep.concerns
	if c.Connection != nil {
		b = append(b, `,"connection":{"id":`...)
		b = strconv.AppendInt(b, int64(c.Connection.ID), 10)
		b = append(b, '}')
	}
	if c.Job != nil {
		b = append(b, `,"job":{"name":`...)
		b = appendJSONString(b, c.Job.Name)
		b = append(b, '}')
	}
	if c.ReplicationSet != nil {
		b = append(b, `,"replication_set":{"name":`...)
		b = appendJSONString(b, c.ReplicationSet.Name)
		b = append(b, '}')
	}
	if c.Peer != "" {
		b = append(b, `,"peer":`...)
		b = appendJSONString(b, c.Peer)
	}
	return append(b, "}}"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes strings: HTML
// characters, control characters, U+2028 and U+2029 escaped, invalid UTF-8
// replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
