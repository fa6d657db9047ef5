package email

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
)

// Chapter 5 codes of e-mail notification.
const (
	CodeWorking           = 2200 // E-mail notification is functioning properly
	CodeCommunicating     = 2201 // Error communicating with e-mail server
	CodeConnecting        = 2202 // Error connecting to e-mail server
	CodeDisabled          = 2203 // E-mail notification is disabled
	CodeEnabled           = 2204 // E-mail notification is enabled
	CodeSending           = 2207 // Error sending e-mail
	CodeSendingTest       = 2208 // Error sending test e-mail
	CodeSettingInvalid    = 2212 // E-mail notification setting is invalid
	CodeAddressExists     = 2213 // E-mail notification address exists
	CodeAlertIDInvalid    = 2214 // E-mail notification alert ID is invalid
	CodeFormatInvalid     = 2215 // E-mail notification format is invalid
	CodeAddressNotExist   = 2216 // E-mail notification address does not exist
	CodeListEmpty         = 2217 // E-mail notification address notification list is empty
	CodeWarningNotSet     = 2218 // E-mail warning is not set
	CodeTestWarningNotSet = 2219 // E-mail test warning is not set
)

// Connection security (EmailSecurity).
const (
	SecurityNone     = "none"
	SecuritySTARTTLS = "starttls"
	SecurityTLS      = "tls"
)

// Config is everything the notifier needs to know.
type Config struct {
	Host       string // empty disables notification
	Port       int
	Security   string
	CACert     []byte // PEM; nil trusts the system's authorities
	Username   string
	Password   string
	From       string
	To         []string
	Prefix     string
	Selection  Selection
	Digest     time.Duration
	Timeout    time.Duration
	Retries    int
	BufferSize int

	// RetryBackoff is the first pause after a failed attempt; pauses
	// double up to MaxBackoff. Settings do not expose them: they exist so
	// tests need not wait for production pauses.
	RetryBackoff time.Duration
	MaxBackoff   time.Duration
}

// Defaults for what settings do not carry.
const (
	defaultRetryBackoff = 5 * time.Second
	defaultMaxBackoff   = 5 * time.Minute
)

func init() {
	settings.RegisterCheck("EmailServer", func(v string) error { _, _, err := parseServer(v, SecurityNone); return err })
	settings.RegisterCheck("EmailFrom", func(v string) error {
		if v == "" {
			return nil
		}
		_, err := parseAddress("EmailFrom", v)
		return err
	})
	settings.RegisterCheck("EmailTo", func(v string) error { _, err := ParseAddressList(v); return err })
	settings.RegisterCheck("EmailLevels", func(v string) error { _, err := parseLevels(v); return err })
	settings.RegisterCheck("EmailEventIDs", func(v string) error { _, err := ParseIDRanges("EmailEventIDs", v); return err })
	settings.RegisterCheck("EmailExcludeEventIDs", func(v string) error {
		_, err := ParseIDRanges("EmailExcludeEventIDs", v)
		return err
	})
}

// ConfigFromSettings reads the Email* settings. host is this server's name,
// the default sender's domain. An empty EmailServer gives a Config whose
// Enabled is false; a configuration the notifier cannot work with is an
// error with the chapter 5 code (2212-2218) naming the setting.
func ConfigFromSettings(st settings.Reader, host string) (Config, error) {
	c := Config{
		Security:   st.String(catalog.SettingEmailSecurity),
		Username:   st.String(catalog.SettingEmailUsername),
		Password:   st.String(catalog.SettingEmailPassword),
		Prefix:     st.String(catalog.SettingEmailSubjectPrefix),
		Digest:     time.Duration(st.Int(catalog.SettingEmailDigestWindow)) * time.Second,
		Timeout:    time.Duration(st.Int(catalog.SettingEmailTimeout)) * time.Second,
		Retries:    int(st.Int(catalog.SettingEmailRetries)),
		BufferSize: int(st.Int(catalog.SettingEmailBufferSize)),
	}
	var err error
	if c.Host, c.Port, err = parseServer(st.String(catalog.SettingEmailServer), c.Security); err != nil {
		return Config{}, err
	}
	if c.From = st.String(catalog.SettingEmailFrom); c.From == "" {
		c.From = "dtrep@" + host
	}
	if c.To, err = ParseAddressList(st.String(catalog.SettingEmailTo)); err != nil {
		return Config{}, err
	}
	if c.Selection.Levels, err = parseLevels(st.String(catalog.SettingEmailLevels)); err != nil {
		return Config{}, err
	}
	if c.Selection.Include, err = ParseIDRanges("EmailEventIDs", st.String(catalog.SettingEmailEventIDs)); err != nil {
		return Config{}, err
	}
	if c.Selection.Exclude, err = ParseIDRanges("EmailExcludeEventIDs", st.String(catalog.SettingEmailExcludeEventIDs)); err != nil {
		return Config{}, err
	}
	if p := st.String(catalog.SettingEmailCACertificate); p != "" {
		if c.CACert, err = os.ReadFile(p); err != nil {
			return Config{}, catalog.Wrap(CodeSettingInvalid, err, "EmailCACertificate")
		}
	}
	return c, c.Validate()
}

// Enabled reports whether a server is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Validate checks a configuration that names a server as a whole: what each
// setting's own check cannot see (a list that must not be empty, a password
// that must not travel in the clear).
func (c Config) Validate() error {
	if !c.Enabled() {
		return nil
	}
	switch c.Security {
	case SecurityNone, SecuritySTARTTLS, SecurityTLS:
	default:
		return catalog.Err(CodeSettingInvalid, "EmailSecurity=%q: allowed none, starttls, tls", c.Security)
	}
	if len(c.To) == 0 {
		return catalog.Err(CodeListEmpty, "EmailTo names no recipient while EmailServer is set")
	}
	if _, err := parseAddress("EmailFrom", c.From); err != nil {
		return err
	}
	if (c.Username == "") != (c.Password == "") {
		return catalog.Err(CodeSettingInvalid, "EmailUsername and EmailPassword must be set together")
	}
	if c.Username != "" && c.Security == SecurityNone {
		return catalog.Err(CodeSettingInvalid, "EmailSecurity=none with EmailUsername would send the password in the clear: use starttls or tls")
	}
	if c.Selection.empty() {
		return catalog.Err(CodeWarningNotSet, "EmailLevels and EmailEventIDs select no event")
	}
	if c.CACert != nil {
		if !x509.NewCertPool().AppendCertsFromPEM(c.CACert) {
			return catalog.Err(CodeSettingInvalid, "EmailCACertificate holds no PEM certificate")
		}
	}
	if c.Digest < 0 || c.Timeout <= 0 || c.Retries < 1 || c.BufferSize < 1 {
		return catalog.Err(CodeSettingInvalid, "EmailDigestWindow, EmailTimeout, EmailRetries and EmailBufferSize must be positive")
	}
	return nil
}

// withDefaults fills the unexported knobs.
func (c Config) withDefaults() Config {
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = defaultRetryBackoff
	}
	if c.MaxBackoff < c.RetryBackoff {
		c.MaxBackoff = max(defaultMaxBackoff, c.RetryBackoff)
	}
	return c
}

// tlsConfig is the TLS client configuration for the server.
func (c Config) tlsConfig() *tls.Config {
	tc := &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	if c.CACert != nil {
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(c.CACert)
		tc.RootCAs = pool
	}
	return tc
}

// defaultPorts are the submission ports of each security (RFC 8314).
var defaultPorts = map[string]int{SecurityNone: 25, SecuritySTARTTLS: 587, SecurityTLS: 465}

// parseServer reads host[:port]; the port defaults by security.
func parseServer(v, security string) (string, int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", 0, nil
	}
	host, portText, err := net.SplitHostPort(v)
	if err != nil {
		host, portText = strings.Trim(v, "[]"), ""
	}
	port := defaultPorts[security]
	if portText != "" {
		p, err := strconv.Atoi(portText)
		if err != nil || p < 1 || p > 65535 {
			return "", 0, catalog.Err(CodeSettingInvalid, "EmailServer=%q: the port must be a number from 1 to 65535", v)
		}
		port = p
	}
	if host == "" || strings.ContainsAny(host, " /@,;") {
		return "", 0, catalog.Err(CodeSettingInvalid, "EmailServer=%q: want host or host:port", v)
	}
	return host, port, nil
}

// ParseAddressList reads comma separated recipient addresses (a bare
// address or "Name <address>"). A malformed address is 2215, one listed
// twice 2213.
func ParseAddressList(v string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		a, err := parseAddress("EmailTo", part)
		if err != nil {
			return nil, err
		}
		k := strings.ToLower(a.Address)
		if seen[k] {
			return nil, catalog.Err(CodeAddressExists, "EmailTo lists %s twice", a.Address)
		}
		seen[k] = true
		out = append(out, a.String())
	}
	return out, nil
}

// parseAddress reads one RFC 5322 address that must have a domain.
func parseAddress(setting, v string) (*mail.Address, error) {
	a, err := mail.ParseAddress(v)
	if err != nil {
		return nil, catalog.Err(CodeFormatInvalid, "%s: %q is not an e-mail address (%v)", setting, v, err)
	}
	if at := strings.LastIndexByte(a.Address, '@'); at < 1 || at == len(a.Address)-1 {
		return nil, catalog.Err(CodeFormatInvalid, "%s: %q is not an e-mail address (want local@domain)", setting, v)
	}
	return a, nil
}

// levelNames are the EmailLevels words.
var levelNames = map[string]catalog.Level{
	"error":       catalog.LevelError,
	"warning":     catalog.LevelWarning,
	"information": catalog.LevelInformation,
	"success":     catalog.LevelSuccess,
}

func parseLevels(v string) (map[catalog.Level]bool, error) {
	out := map[catalog.Level]bool{}
	for _, part := range strings.Split(v, ",") {
		if part = strings.ToLower(strings.TrimSpace(part)); part == "" {
			continue
		}
		l, ok := levelNames[part]
		if !ok {
			return nil, catalog.Err(CodeSettingInvalid, "EmailLevels: %q is not a level (allowed error, warning, information, success)", part)
		}
		out[l] = true
	}
	return out, nil
}

// IDRange is an inclusive range of event IDs.
type IDRange struct{ From, To int }

// ParseIDRanges reads "4003,5100-5107". An ID that is not a number, a
// reversed range or an ID no catalog event carries is 2214: a typo would
// otherwise silently select nothing.
func ParseIDRanges(setting, v string) ([]IDRange, error) {
	var out []IDRange
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		from, err1 := strconv.Atoi(strings.TrimSpace(lo))
		to, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || from < 1 || to < from {
			return nil, catalog.Err(CodeAlertIDInvalid, "%s: %q is not an event ID or a range low-high", setting, part)
		}
		if !anyEventIn(from, to) {
			return nil, catalog.Err(CodeAlertIDInvalid, "%s: no event has an ID in %s", setting, part)
		}
		out = append(out, IDRange{from, to})
	}
	return out, nil
}

func anyEventIn(from, to int) bool {
	for _, e := range catalog.Must().Events {
		if e.ID >= from && e.ID <= to {
			return true
		}
	}
	return false
}

// String names the server for messages.
func (c Config) String() string {
	return fmt.Sprintf("%s (%s)", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.Security)
}
