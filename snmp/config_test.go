package snmp

import (
	"bytes"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
)

func TestConfigDefaults(t *testing.T) {
	c, err := ConfigFrom(settingstest.With(t, nil), "srv1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Enabled || c.AgentXNetwork != "unix" || c.AgentXAddress != "/var/agentx/master" ||
		c.TrapPath != PathAgentX || c.Version != "2c" || c.Community != "public" || c.Base.String() != "1.3.6.1.4.1.32473" {
		t.Errorf("defaults: %+v", c)
	}
	if !c.agentX() || c.direct() {
		t.Error("default path is through the agent only")
	}
	// The derived engine ID: 0x80 | PEN 32473, text format, the name.
	want := append([]byte{0x80, 0, 0x7e, 0xd9, 4}, "srv1"...)
	if !bytes.Equal(c.V3.EngineID, want) {
		t.Errorf("engine ID %x, want %x", c.V3.EngineID, want)
	}
}

func TestConfigParses(t *testing.T) {
	c, err := ConfigFrom(settingstest.With(t, map[string]string{"SNMPAgentXAddress": "tcp:127.0.0.1:705",
		"SNMPTrapPath": "both", "SNMPTrapDestinations": "a.example:1162, 10.0.0.1,[::1]:99",
		"SNMPEngineID": "0x8000000001020304", "SNMPTrapVersion": "3", "SNMPTrapUser": "u",
		"SNMPTrapAuthPassphrase": "12345678", "SNMPTrapPrivPassphrase": "abcdefgh"}), "x")
	if err != nil {
		t.Fatal(err)
	}
	if c.AgentXNetwork != "tcp" || c.AgentXAddress != "127.0.0.1:705" || !c.direct() || !c.agentX() {
		t.Errorf("%+v", c)
	}
	if got := c.Destinations; len(got) != 3 || got[0] != "a.example:1162" || got[1] != "10.0.0.1:162" || got[2] != "[::1]:99" {
		t.Errorf("destinations %v", got)
	}
	if !bytes.Equal(c.V3.EngineID, []byte{0x80, 0, 0, 0, 1, 2, 3, 4}) {
		t.Errorf("engine ID %x", c.V3.EngineID)
	}
}

func TestConfigRefuses(t *testing.T) {
	for name, over := range map[string]map[string]string{
		"relative socket":     {"SNMPAgentXAddress": "unix:agentx"},
		"no port":             {"SNMPAgentXAddress": "tcp:localhost"},
		"bad path":            {"SNMPTrapPath": "carrier-pigeon"},
		"bad destination":     {"SNMPTrapDestinations": "host:notaport"},
		"short engine ID":     {"SNMPEngineID": "0102"},
		"engine ID not hex":   {"SNMPEngineID": "zz0102030405"},
		"bad enterprise":      {"SNMPEnterpriseOID": "1.3.6.1.2.1"},
		"v3 without user":     {"SNMPTrapVersion": "3", "SNMPTrapPath": "direct"},
		"v3 short passphrase": {"SNMPTrapVersion": "3", "SNMPTrapPath": "direct", "SNMPTrapUser": "u", "SNMPTrapAuthPassphrase": "short"},
		"privacy without auth": {"SNMPTrapVersion": "3", "SNMPTrapPath": "direct", "SNMPTrapUser": "u",
			"SNMPTrapAuthProtocol": "none", "SNMPTrapPrivPassphrase": "abcdefgh"},
	} {
		_, err := ConfigFrom(settingstest.With(t, over), "x")
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("%s: %v, want code %d", name, err, catalog.CodeInvalidParameter)
		}
	}
}

func TestParseAgentXAddress(t *testing.T) {
	for in, want := range map[string][2]string{
		"unix:/run/agentx":   {"unix", "/run/agentx"},
		"/var/agentx/master": {"unix", "/var/agentx/master"},
		"tcp:127.0.0.1:705":  {"tcp", "127.0.0.1:705"},
		"localhost:705":      {"tcp", "localhost:705"},
	} {
		n, a, err := ParseAgentXAddress(in)
		if err != nil || n != want[0] || a != want[1] {
			t.Errorf("%q: %s %s %v", in, n, a, err)
		}
	}
}
