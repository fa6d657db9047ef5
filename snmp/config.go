package snmp

import (
	"encoding/hex"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/mib"
)

// Trap paths (SNMPTrapPath).
const (
	PathAgentX = "agentx"
	PathDirect = "direct"
	PathBoth   = "both"
	PathNone   = "none"
)

// Config is the sub-agent's configuration, read from the settings.
type Config struct {
	Enabled bool
	// AgentXNetwork and AgentXAddress are where snmpd's master agent
	// listens ("unix" and a path, or "tcp" and HOST:PORT).
	AgentXNetwork, AgentXAddress string
	Base                         mib.OID // SNMPEnterpriseOID

	TrapPath     string
	Destinations []string // HOST:PORT
	Version      string   // "2c" or "3"
	Inform       bool
	Retries      int
	Timeout      time.Duration
	Community    string
	V3           V3Config
}

// V3Config holds the SNMPv3 credentials of direct traps.
type V3Config struct {
	User                   string
	AuthProtocol, AuthPass string // AuthProtocol "none" means noAuthNoPriv
	PrivProtocol, PrivPass string // PrivProtocol "none" means no privacy
	EngineID               []byte
}

// agentX reports whether traps go through the master agent.
func (c Config) agentX() bool { return c.TrapPath == PathAgentX || c.TrapPath == PathBoth }

// direct reports whether traps go straight to the destinations.
func (c Config) direct() bool {
	return (c.TrapPath == PathDirect || c.TrapPath == PathBoth) && len(c.Destinations) > 0
}

// ConfigFrom reads the SNMP settings. serverName seeds the default SNMPv3
// engine ID. Errors are catalog code 101 naming the setting.
func ConfigFrom(st settings.Reader, serverName string) (Config, error) {
	c := Config{
		Enabled:   st.Int(catalog.SettingSNMPEnabled) != 0,
		TrapPath:  st.String(catalog.SettingSNMPTrapPath),
		Version:   st.String(catalog.SettingSNMPTrapVersion),
		Inform:    st.Int(catalog.SettingSNMPTrapInform) != 0,
		Retries:   int(st.Int(catalog.SettingSNMPTrapRetries)),
		Timeout:   time.Duration(max(1, st.Int(catalog.SettingSNMPTrapTimeout))) * time.Second,
		Community: st.String(catalog.SettingSNMPTrapCommunity),
		V3: V3Config{User: st.String(catalog.SettingSNMPTrapUser),
			AuthProtocol: st.String(catalog.SettingSNMPTrapAuthProtocol), AuthPass: st.String(catalog.SettingSNMPTrapAuthPassphrase),
			PrivProtocol: st.String(catalog.SettingSNMPTrapPrivProtocol), PrivPass: st.String(catalog.SettingSNMPTrapPrivPassphrase)},
	}
	var err error
	if c.Base, err = mib.ParseEnterprise(st.String(catalog.SettingSNMPEnterpriseOID)); err != nil {
		return c, err
	}
	if c.AgentXNetwork, c.AgentXAddress, err = ParseAgentXAddress(st.String(catalog.SettingSNMPAgentXAddress)); err != nil {
		return c, invalid("SNMPAgentXAddress", err)
	}
	switch c.TrapPath {
	case PathAgentX, PathDirect, PathBoth, PathNone:
	default:
		return c, invalid("SNMPTrapPath", fmt.Errorf("%q: allowed agentx, direct, both, none", c.TrapPath))
	}
	if c.Destinations, err = parseDestinations(st.String(catalog.SettingSNMPTrapDestinations)); err != nil {
		return c, invalid("SNMPTrapDestinations", err)
	}
	if c.V3.EngineID, err = engineID(st.String(catalog.SettingSNMPEngineID), c.Base, serverName); err != nil {
		return c, invalid("SNMPEngineID", err)
	}
	if c.Version == "3" && (c.TrapPath == PathDirect || c.TrapPath == PathBoth) {
		if err := c.V3.check(); err != nil {
			return c, invalid("SNMPTrapUser", err)
		}
	}
	return c, nil
}

func invalid(name string, err error) error {
	return catalog.Err(catalog.CodeInvalidParameter, "%s: %v", name, err)
}

// ParseAgentXAddress reads an address as snmpd's agentXSocket writes it:
// unix:PATH or an absolute path, tcp:HOST:PORT or HOST:PORT.
func ParseAgentXAddress(s string) (network, address string, err error) {
	switch {
	case strings.HasPrefix(s, "unix:"):
		network, address = "unix", strings.TrimPrefix(s, "unix:")
	case filepath.IsAbs(s):
		network, address = "unix", s
	case strings.HasPrefix(s, "tcp:"):
		network, address = "tcp", strings.TrimPrefix(s, "tcp:")
	default:
		network, address = "tcp", s
	}
	if network == "unix" && !filepath.IsAbs(address) {
		return "", "", fmt.Errorf("%q: a Unix socket needs an absolute path", s)
	}
	if network == "tcp" {
		if _, _, err := net.SplitHostPort(address); err != nil {
			return "", "", fmt.Errorf("%q: want unix:PATH or tcp:HOST:PORT", s)
		}
	}
	return network, address, nil
}

// parseDestinations reads HOST[:PORT] items; the port defaults to 162.
func parseDestinations(s string) ([]string, error) {
	var out []string
	for _, d := range strings.Split(s, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		host, port, err := net.SplitHostPort(d)
		if err != nil {
			host, port = strings.Trim(d, "[]"), "162"
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || host == "" {
			return nil, fmt.Errorf("%q: want HOST:PORT", d)
		}
		out = append(out, net.JoinHostPort(host, port))
	}
	return out, nil
}

// engineID is SNMPEngineID in hex, or the RFC 3411 text form derived from
// the enterprise number and the server name: stable across restarts, so a
// receiver configured once keeps accepting the traps.
func engineID(s string, base mib.OID, serverName string) ([]byte, error) {
	if s != "" {
		b, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(s), "0x"))
		if err != nil || len(b) < 5 || len(b) > 32 {
			return nil, fmt.Errorf("%q: want 5 to 32 bytes in hexadecimal", s)
		}
		return b, nil
	}
	pen := base[6]
	id := []byte{0x80 | byte(pen>>24), byte(pen >> 16), byte(pen >> 8), byte(pen), 4}
	name := serverName
	if name == "" {
		name = "dtrep"
	}
	if len(name) > 27 {
		name = name[:27]
	}
	return append(id, name...), nil
}

var (
	authProtocols = []string{"none", "MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"}
	privProtocols = []string{"none", "DES", "AES", "AES192", "AES256", "AES192C", "AES256C"}
)

func (v V3Config) check() error {
	if v.User == "" {
		return fmt.Errorf("SNMPv3 traps need a user")
	}
	if !contains(authProtocols, v.AuthProtocol) || !contains(privProtocols, v.PrivProtocol) {
		return fmt.Errorf("unknown protocol %s/%s", v.AuthProtocol, v.PrivProtocol)
	}
	if v.AuthProtocol == "none" && v.PrivProtocol != "none" {
		return fmt.Errorf("privacy needs authentication (SNMPTrapAuthProtocol)")
	}
	if v.AuthProtocol != "none" && len(v.AuthPass) < 8 {
		return fmt.Errorf("SNMPTrapAuthPassphrase needs at least 8 characters")
	}
	if v.PrivProtocol != "none" && len(v.PrivPass) < 8 {
		return fmt.Errorf("SNMPTrapPrivPassphrase needs at least 8 characters")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
