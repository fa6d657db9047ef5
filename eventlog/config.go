package eventlog

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
)

// Writer switches (JournaldEnabled, EventLogEnabled).
const (
	SwitchAuto = "auto" // on where the receiver exists
	SwitchOn   = "on"
	SwitchOff  = "off"
)

// Config is which writers run and which levels each takes.
type Config struct {
	EventLog       string // SwitchAuto, SwitchOn, SwitchOff (Windows Event Log)
	EventLogLevels LevelSet
	Journald       string // SwitchAuto, SwitchOn, SwitchOff
	JournaldSocket string
	JournaldLevels LevelSet
	Syslog         SyslogConfig // Network empty: no syslog writer
	SyslogLevels   LevelSet
	BufferSize     int // events per writer
}

// ConfigFromSettings reads the EventLog*, Journald* and Syslog* settings.
// A value the writers cannot work with is catalog error 101 naming the
// setting.
func ConfigFromSettings(st settings.Reader) (Config, error) {
	c := Config{
		EventLog:       strings.ToLower(st.String(catalog.SettingEventLogEnabled)),
		Journald:       strings.ToLower(st.String(catalog.SettingJournaldEnabled)),
		JournaldSocket: st.String(catalog.SettingJournaldSocket),
		BufferSize:     int(st.Int(catalog.SettingEventLogBufferSize)),
	}
	for _, l := range []struct {
		id  catalog.SettingID
		dst *LevelSet
	}{{catalog.SettingEventLogLevels, &c.EventLogLevels}, {catalog.SettingJournaldLevels, &c.JournaldLevels},
		{catalog.SettingSyslogLevels, &c.SyslogLevels}} {
		set, err := ParseLevels(st.String(l.id))
		if err != nil {
			return Config{}, catalog.Err(catalog.CodeInvalidParameter, "%s: %v", l.id.Name(), err)
		}
		*l.dst = set
	}
	for _, s := range []struct{ name, v string }{{"EventLogEnabled", c.EventLog}, {"JournaldEnabled", c.Journald}} {
		if s.v != SwitchAuto && s.v != SwitchOn && s.v != SwitchOff {
			return Config{}, catalog.Err(catalog.CodeInvalidParameter, "%s %q: want auto, on or off", s.name, s.v)
		}
	}
	if addr := st.String(catalog.SettingSyslogAddress); addr != "" {
		network, address, err := ParseSyslogAddress(addr)
		if err != nil {
			return Config{}, catalog.Err(catalog.CodeInvalidParameter, "SyslogAddress: %v", err)
		}
		fac, err := SyslogFacility(st.String(catalog.SettingSyslogFacility))
		if err != nil {
			return Config{}, catalog.Err(catalog.CodeInvalidParameter, "SyslogFacility: %v", err)
		}
		pen, err := EnterpriseNumber(st.String(catalog.SettingSNMPEnterpriseOID))
		if err != nil {
			return Config{}, catalog.Err(catalog.CodeInvalidParameter, "SNMPEnterpriseOID: %v", err)
		}
		c.Syslog = SyslogConfig{Network: network, Address: address, Facility: fac, Enterprise: pen}
		if network == SyslogTLS {
			if c.Syslog.TLS, err = syslogTLS(address, st.String(catalog.SettingSyslogCACertificate)); err != nil {
				return Config{}, err
			}
		}
	}
	return c, nil
}

// syslogTLS trusts caFile's authorities (the system's when empty) for the
// receiver's host.
func syslogTLS(address, caFile string) (*tls.Config, error) {
	host := address
	if i := strings.LastIndexByte(address, ':'); i >= 0 {
		host = strings.Trim(address[:i], "[]")
	}
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "SyslogCACertificate")
	}
	cfg.RootCAs = x509.NewCertPool()
	if !cfg.RootCAs.AppendCertsFromPEM(pem) {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "SyslogCACertificate %s holds no PEM certificate", caFile)
	}
	return cfg, nil
}

// Routes builds the writers the configuration turns on for a server named
// server: the Windows Event Log on Windows (auto), journald when its socket
// exists (auto), syslog when SyslogAddress names a receiver. A writer
// switched on that cannot work (an unregistered event source, journald on
// Windows) is an error naming the fix.
func (c Config) Routes(cat *catalog.Catalog, server string) ([]Route, error) {
	var routes []Route
	if c.EventLog == SwitchOn || c.EventLog == SwitchAuto && runtime.GOOS == "windows" {
		ix, err := NewWindowsIndex(cat)
		if err != nil {
			return nil, err
		}
		w, err := NewWindowsWriter(ix)
		if err != nil {
			return nil, fmt.Errorf("EventLogEnabled: %w", err)
		}
		routes = append(routes, Route{Writer: w, Levels: c.EventLogLevels})
	}
	if c.Journald == SwitchOn || c.Journald == SwitchAuto && JournalAvailable(c.JournaldSocket) {
		if runtime.GOOS == "windows" {
			return nil, catalog.Err(catalog.CodeInvalidParameter, "JournaldEnabled: journald exists on Linux only")
		}
		routes = append(routes, Route{Writer: NewJournalWriter(c.JournaldSocket, server), Levels: c.JournaldLevels})
	}
	if c.Syslog.Network != "" {
		cfg := c.Syslog
		cfg.Server = server
		routes = append(routes, Route{Writer: NewSyslogWriter(cfg), Levels: c.SyslogLevels})
	}
	return routes, nil
}
