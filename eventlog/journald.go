package eventlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// DefaultJournalSocket is where journald takes native-protocol datagrams.
const DefaultJournalSocket = "/run/systemd/journal/socket"

// Journal field names of dtrep events besides the standard ones.
const (
	FieldEventID        = "DTREP_EVENT_ID"
	FieldSource         = "DTREP_SOURCE"
	FieldLog            = "DTREP_LOG"
	FieldLevel          = "DTREP_LEVEL"
	FieldSeq            = "DTREP_SEQ"
	FieldJob            = "DTREP_JOB"
	FieldConnectionID   = "DTREP_CONNECTION_ID"
	FieldReplicationSet = "DTREP_REPLICATION_SET"
	FieldPeer           = "DTREP_PEER"
	FieldServer         = "DTREP_SERVER"
	// FieldArg is the prefix of the insertion strings' fields; see ArgField.
	FieldArg = "DTREP_ARG_"
)

// argNumbers spell insertion points out: journalctl -x fills only @FIELD@
// names made of capital letters and underscores into catalog text, so %1 is
// DTREP_ARG_ONE, not DTREP_ARG1.
var argNumbers = [...]string{"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN",
	"ELEVEN", "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN", "NINETEEN", "TWENTY"}

// ArgField is the journal field of insertion point %n (n from 1):
// DTREP_ARG_ONE for %1. Past %20, which no catalog message reaches, it is
// DTREP_ARG_<n>.
func ArgField(n int) string {
	if n >= 1 && n <= len(argNumbers) {
		return FieldArg + argNumbers[n-1]
	}
	return FieldArg + strconv.Itoa(n)
}

// SyslogIdentifier is the SYSLOG_IDENTIFIER and APP-NAME of every event.
const SyslogIdentifier = "dtrep"

// MessageID is the journal's stable 128-bit identifier of the catalog event
// (source, id): the first 16 bytes of SHA-256("dtrep/<source>/<id>"), in
// the lowercase hex journalctl takes. It never changes for an event, so
// `journalctl MESSAGE_ID=...` queries and the message catalog keep working
// across releases.
func MessageID(source string, id int) string {
	sum := sha256.Sum256([]byte("dtrep/" + source + "/" + strconv.Itoa(id)))
	return hex.EncodeToString(sum[:16])
}

// journalPriority maps a level to a syslog severity (PRIORITY, and
// RFC 5424's severity): Error err(3), Warning warning(4), Success
// notice(5), Information info(6).
func journalPriority(l catalog.Level) int {
	switch l {
	case catalog.LevelError:
		return 3
	case catalog.LevelWarning:
		return 4
	case catalog.LevelSuccess:
		return 5
	}
	return 6
}

// JournalWriter sends events to journald over its native protocol: one
// datagram of fields per event. go-systemd's journal package always sends to
// the system journal's socket; this writer takes any socket, so a journal
// namespace (journald@NAME) and the tests' own journald work too.
type JournalWriter struct {
	socket string
	server string
	conn   *net.UnixConn
	buf    bytes.Buffer
}

// NewJournalWriter writes to the native socket at path (DefaultJournalSocket
// when empty); server names the dtrep server in DTREP_SERVER.
func NewJournalWriter(path, server string) *JournalWriter {
	if path == "" {
		path = DefaultJournalSocket
	}
	return &JournalWriter{socket: path, server: server}
}

// Name is "journald".
func (w *JournalWriter) Name() string { return "journald" }

// Write sends ev as one datagram; a message too large for a datagram goes
// in a sealed memory file whose descriptor rides along, as journald expects.
func (w *JournalWriter) Write(ev events.Event) error {
	if w.conn == nil {
		c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: w.socket, Net: "unixgram"})
		if err != nil {
			return fmt.Errorf("journald %s: %w", w.socket, err)
		}
		w.conn = c
	}
	w.buf.Reset()
	w.encode(&w.buf, ev)
	// A journald that stops reading (SIGSTOP, overload) fills the socket's
	// queue and a datagram send then blocks: the deadline turns that into
	// an error and a retry.
	_ = w.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := w.conn.Write(w.buf.Bytes())
	if errors.Is(err, syscall.EMSGSIZE) || errors.Is(err, syscall.ENOBUFS) {
		err = sendMemfd(w.conn, w.buf.Bytes())
	}
	if err != nil {
		return fmt.Errorf("journald %s: %w", w.socket, err)
	}
	return nil
}

// encode writes ev's fields in the native protocol.
func (w *JournalWriter) encode(b *bytes.Buffer, ev events.Event) {
	field(b, "MESSAGE", ev.Message)
	field(b, "PRIORITY", strconv.Itoa(journalPriority(ev.Level)))
	field(b, "MESSAGE_ID", MessageID(ev.Source, ev.ID))
	field(b, "SYSLOG_IDENTIFIER", SyslogIdentifier)
	field(b, "SYSLOG_FACILITY", "3") // daemon
	field(b, FieldEventID, strconv.Itoa(ev.ID))
	field(b, FieldSource, ev.Source)
	field(b, FieldLog, ev.Log)
	field(b, FieldLevel, string(ev.Level))
	field(b, FieldSeq, strconv.FormatUint(ev.Seq, 10))
	if w.server != "" {
		field(b, FieldServer, w.server)
	}
	if ev.Job != "" {
		field(b, FieldJob, ev.Job)
	}
	if ev.ConnID != 0 {
		field(b, FieldConnectionID, strconv.Itoa(ev.ConnID))
	}
	if ev.RepSet != "" {
		field(b, FieldReplicationSet, ev.RepSet)
	}
	if ev.Peer != "" {
		field(b, FieldPeer, ev.Peer)
	}
	for i, a := range ev.Args {
		field(b, ArgField(i+1), a)
	}
}

// field appends NAME=value\n, or the binary-safe form (NAME\n, 64-bit
// little-endian length, value, \n) when the value holds a newline.
func field(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	if !strings.ContainsRune(value, '\n') {
		b.WriteByte('=')
		b.WriteString(value)
		b.WriteByte('\n')
		return
	}
	b.WriteByte('\n')
	_ = binary.Write(b, binary.LittleEndian, uint64(len(value)))
	b.WriteString(value)
	b.WriteByte('\n')
}

// Close drops the socket; the next Write dials again.
func (w *JournalWriter) Close() error {
	if w.conn == nil {
		return nil
	}
	err := w.conn.Close()
	w.conn = nil
	return err
}

// JournalAvailable reports whether a journald socket exists at path (the
// default one when empty): the default Linux configuration writes to
// journald only then.
func JournalAvailable(path string) bool {
	if path == "" {
		path = DefaultJournalSocket
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
}
