package eventlog

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/events"
)

// Syslog transports (the scheme of SyslogAddress).
const (
	SyslogUDP  = "udp"  // udp://host:port, one message per datagram (RFC 5426)
	SyslogTCP  = "tcp"  // tcp://host:port, octet-counted frames (RFC 6587)
	SyslogTLS  = "tls"  // tls://host:port, octet-counted frames over TLS (RFC 5425)
	SyslogUnix = "unix" // unix:///dev/log, one message per datagram
)

// syslogFacilities are RFC 5424's facility codes by name.
var syslogFacilities = map[string]int{
	"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7,
	"uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11, "local0": 16, "local1": 17, "local2": 18,
	"local3": 19, "local4": 20, "local5": 21, "local6": 22, "local7": 23,
}

// SyslogConfig says where and how a SyslogWriter sends.
type SyslogConfig struct {
	Network string // SyslogUDP, SyslogTCP, SyslogTLS or SyslogUnix
	Address string // host:port, or a socket path for SyslogUnix
	TLS     *tls.Config
	// Facility is the RFC 5424 facility code (3, daemon, by default).
	Facility int
	// Enterprise is the private enterprise number of the structured data
	// ID: "dtrep@<Enterprise>".
	Enterprise string
	Hostname   string // HOSTNAME field; os.Hostname when empty
	Server     string // the dtrep server's name, in the structured data
}

// ParseSyslogAddress reads SyslogAddress: udp://host:port, tcp://host:port,
// tls://host:port or unix:///path.
func ParseSyslogAddress(s string) (network, address string, err error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", "", fmt.Errorf("syslog address %q: %w", s, err)
	}
	switch u.Scheme {
	case SyslogUDP, SyslogTCP, SyslogTLS:
		if _, _, err := net.SplitHostPort(u.Host); err != nil || u.Path != "" {
			return "", "", fmt.Errorf("syslog address %q: want %s://host:port", s, u.Scheme)
		}
		return u.Scheme, u.Host, nil
	case SyslogUnix:
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return "", "", fmt.Errorf("syslog address %q: want unix:///absolute/path", s)
		}
		return SyslogUnix, u.Path, nil
	}
	return "", "", fmt.Errorf("syslog address %q: the scheme must be udp, tcp, tls or unix", s)
}

// SyslogFacility returns the code of a facility name ("daemon", "local0").
func SyslogFacility(name string) (int, error) {
	if f, ok := syslogFacilities[strings.ToLower(name)]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("syslog facility %q is not one of kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0..local7", name)
}

// EnterpriseNumber reads the private enterprise number out of an enterprise
// OID: 1.3.6.1.4.1.32473 gives 32473 (and 1.3.6.1.4.1.32473.5 gives
// 32473.5, which RFC 5424 allows too).
func EnterpriseNumber(oid string) (string, error) {
	const arc = "1.3.6.1.4.1."
	rest, ok := strings.CutPrefix(strings.TrimPrefix(oid, "."), arc)
	if !ok || rest == "" {
		return "", fmt.Errorf("enterprise OID %q is not under %s", oid, strings.TrimSuffix(arc, "."))
	}
	for _, part := range strings.Split(rest, ".") {
		if _, err := strconv.ParseUint(part, 10, 32); err != nil {
			return "", fmt.Errorf("enterprise OID %q: arc %q is not a number", oid, part)
		}
	}
	return rest, nil
}

// SyslogWriter sends each event as one RFC 5424 message whose structured
// data element dtrep@<enterprise> carries the event's fields.
type SyslogWriter struct {
	cfg    SyslogConfig
	sdID   string
	procID string
	conn   net.Conn
	buf    []byte
}

// NewSyslogWriter prepares a writer; it connects on the first Write.
func NewSyslogWriter(cfg SyslogConfig) *SyslogWriter {
	if cfg.Hostname == "" {
		cfg.Hostname, _ = os.Hostname()
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "-"
	}
	if cfg.Facility == 0 && cfg.Network != "" {
		cfg.Facility = syslogFacilities["daemon"]
	}
	return &SyslogWriter{cfg: cfg, sdID: "dtrep@" + cfg.Enterprise, procID: strconv.Itoa(os.Getpid())}
}

// Name is "syslog".
func (w *SyslogWriter) Name() string { return "syslog" }

func (w *SyslogWriter) dial() (net.Conn, error) {
	d := net.Dialer{Timeout: writeTimeout}
	switch w.cfg.Network {
	case SyslogTLS:
		return tls.DialWithDialer(&d, "tcp", w.cfg.Address, w.cfg.TLS)
	case SyslogUnix:
		return d.Dial("unixgram", w.cfg.Address)
	}
	return d.Dial(w.cfg.Network, w.cfg.Address)
}

// Write sends ev; stream transports frame it with its length.
func (w *SyslogWriter) Write(ev events.Event) error {
	if w.conn == nil {
		c, err := w.dial()
		if err != nil {
			return fmt.Errorf("syslog %s://%s: %w", w.cfg.Network, w.cfg.Address, err)
		}
		w.conn = c
	}
	msg := w.format(ev)
	if w.cfg.Network == SyslogTCP || w.cfg.Network == SyslogTLS {
		framed := strconv.AppendInt(make([]byte, 0, len(msg)+8), int64(len(msg)), 10)
		framed = append(framed, ' ')
		msg = append(framed, msg...)
	}
	_ = w.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := w.conn.Write(msg); err != nil {
		return fmt.Errorf("syslog %s://%s: %w", w.cfg.Network, w.cfg.Address, err)
	}
	return nil
}

// format renders ev as an RFC 5424 message:
// <PRI>1 TIMESTAMP HOSTNAME dtrep PROCID MSGID [dtrep@N ...] MSG, with the
// event ID as MSGID.
func (w *SyslogWriter) format(ev events.Event) []byte {
	b := w.buf[:0]
	b = append(b, '<')
	b = strconv.AppendInt(b, int64(w.cfg.Facility*8+journalPriority(ev.Level)), 10)
	b = append(b, ">1 "...)
	t := ev.Time
	if t.IsZero() {
		t = time.Now()
	}
	b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000Z07:00")
	b = append(b, ' ')
	b = appendHeaderField(b, w.cfg.Hostname, 255)
	b = append(b, ' ')
	b = append(b, SyslogIdentifier...)
	b = append(b, ' ')
	b = append(b, w.procID...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(ev.ID), 10)
	b = append(b, " ["...)
	b = append(b, w.sdID...)
	param := func(name, value string) {
		b = append(b, ' ')
		b = append(b, name...)
		b = append(b, `="`...)
		b = appendParamValue(b, value)
		b = append(b, '"')
	}
	param("eventID", strconv.Itoa(ev.ID))
	param("source", ev.Source)
	param("log", ev.Log)
	param("level", string(ev.Level))
	param("seq", strconv.FormatUint(ev.Seq, 10))
	if w.cfg.Server != "" {
		param("server", w.cfg.Server)
	}
	if ev.Job != "" {
		param("job", ev.Job)
	}
	if ev.ConnID != 0 {
		param("connectionID", strconv.Itoa(ev.ConnID))
	}
	if ev.RepSet != "" {
		param("replicationSet", ev.RepSet)
	}
	if ev.Peer != "" {
		param("peer", ev.Peer)
	}
	for i, a := range ev.Args {
		param("arg"+strconv.Itoa(i+1), a)
	}
	b = append(b, "] "...)
	b = append(b, ev.Message...)
	w.buf = b
	return b
}

// appendHeaderField appends a header field: printable US-ASCII without
// spaces, at most max characters, "-" when empty.
func appendHeaderField(b []byte, s string, max int) []byte {
	n := 0
	for i := 0; i < len(s) && n < max; i++ {
		if c := s[i]; c > 32 && c < 127 {
			b = append(b, c)
			n++
		}
	}
	if n == 0 {
		b = append(b, '-')
	}
	return b
}

// appendParamValue escapes '"', '\' and ']' as RFC 5424 requires.
func appendParamValue(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', ']':
			b = append(b, '\\', c)
		default:
			b = append(b, c)
		}
	}
	return b
}

// Close drops the connection; the next Write connects again.
func (w *SyslogWriter) Close() error {
	if w.conn == nil {
		return nil
	}
	err := w.conn.Close()
	w.conn = nil
	return err
}
