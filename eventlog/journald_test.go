package eventlog

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// decodeNative reads the native protocol back: NAME=value lines and the
// binary-safe NAME\n<u64 length>value\n form.
func decodeNative(t *testing.T, b []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			t.Fatalf("unterminated field %q", b)
		}
		line := b[:nl]
		if eq := bytes.IndexByte(line, '='); eq >= 0 {
			out[string(line[:eq])] = string(line[eq+1:])
			b = b[nl+1:]
			continue
		}
		n := binary.LittleEndian.Uint64(b[nl+1:])
		out[string(line)] = string(b[nl+9 : nl+9+int(n)])
		b = b[nl+9+int(n)+1:]
	}
	return out
}

func TestJournalFields(t *testing.T) {
	w := NewJournalWriter("", "srv1")
	ev := events.Event{Seq: 9, Source: "Double-Take", ID: 4019, Log: "Application", Level: catalog.LevelInformation,
		Args: []string{"tgt", "line one\nline two"}, Message: "m\nx",
		Context: events.Context{ConnID: 3, Job: "j1", RepSet: "rs", Peer: "10.0.0.1:6320"}}
	var b bytes.Buffer
	w.encode(&b, ev)
	got := decodeNative(t, b.Bytes())
	want := map[string]string{
		"MESSAGE": "m\nx", "PRIORITY": "6", "MESSAGE_ID": MessageID("Double-Take", 4019),
		"SYSLOG_IDENTIFIER": "dtrep", FieldEventID: "4019", FieldSource: "Double-Take", FieldLog: "Application",
		FieldLevel: "Information", FieldSeq: "9", FieldServer: "srv1", FieldJob: "j1", FieldConnectionID: "3",
		FieldReplicationSet: "rs", FieldPeer: "10.0.0.1:6320", "DTREP_ARG_ONE": "tgt", "DTREP_ARG_TWO": "line one\nline two",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestMessageIDStable(t *testing.T) {
	id := MessageID("Double-Take", 4019)
	if len(id) != 32 || strings.ToLower(id) != id || id == MessageID("Double-Take", 4018) ||
		id == MessageID("RepKap", 4019) {
		t.Fatalf("MESSAGE_ID %q", id)
	}
	// Pinned: a changed MESSAGE_ID breaks users' saved queries.
	if id != "73364720780b8f61efd0001647976e0b" {
		t.Fatalf("MessageID(Double-Take, 4019) = %s changed", id)
	}
}
