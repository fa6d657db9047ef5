package snmp

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/posteo/go-agentx/pdu"
)

// directSender sends traps or informs to one destination with gosnmp.
type directSender struct {
	g     *gosnmp.GoSNMP
	cfg   Config
	start time.Time // sysUpTime and the SNMPv3 engine time count from it
}

func newDirectSender(cfg Config, dest string, start time.Time) (*directSender, error) {
	host, port, err := net.SplitHostPort(dest)
	if err != nil {
		return nil, fmt.Errorf("trap destination %q: %w", dest, err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("trap destination %q: %w", dest, err)
	}
	g := &gosnmp.GoSNMP{Target: host, Port: uint16(p), Transport: "udp", Community: cfg.Community,
		Version: gosnmp.Version2c, Timeout: cfg.Timeout, Retries: cfg.Retries, MaxOids: gosnmp.MaxOids}
	if cfg.Version == "3" {
		g.Version, g.SecurityModel = gosnmp.Version3, gosnmp.UserSecurityModel
		g.MsgFlags = gosnmp.NoAuthNoPriv
		usm := &gosnmp.UsmSecurityParameters{UserName: cfg.V3.User,
			AuthenticationProtocol: authProtocol(cfg.V3.AuthProtocol), AuthenticationPassphrase: cfg.V3.AuthPass,
			PrivacyProtocol: privProtocol(cfg.V3.PrivProtocol), PrivacyPassphrase: cfg.V3.PrivPass}
		if cfg.V3.AuthProtocol != "none" {
			g.MsgFlags = gosnmp.AuthNoPriv
			if cfg.V3.PrivProtocol != "none" {
				g.MsgFlags = gosnmp.AuthPriv
			}
		}
		if !cfg.Inform {
			// A trap's sender is the authoritative engine; an inform's
			// receiver is, and gosnmp discovers it.
			usm.AuthoritativeEngineID = string(cfg.V3.EngineID)
			usm.AuthoritativeEngineBoots = 1
		}
		g.SecurityParameters = usm
	}
	return &directSender{g: g, cfg: cfg, start: start}, nil
}

func authProtocol(s string) gosnmp.SnmpV3AuthProtocol {
	return map[string]gosnmp.SnmpV3AuthProtocol{"none": gosnmp.NoAuth, "MD5": gosnmp.MD5, "SHA": gosnmp.SHA,
		"SHA224": gosnmp.SHA224, "SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512}[s]
}

func privProtocol(s string) gosnmp.SnmpV3PrivProtocol {
	return map[string]gosnmp.SnmpV3PrivProtocol{"none": gosnmp.NoPriv, "DES": gosnmp.DES, "AES": gosnmp.AES,
		"AES192": gosnmp.AES192, "AES256": gosnmp.AES256, "AES192C": gosnmp.AES192C, "AES256C": gosnmp.AES256C}[s]
}

// send sends t: sysUpTime.0 and snmpTrapOID.0 first, then its objects. An
// inform is retried by gosnmp (SNMPTrapRetries, SNMPTrapTimeout apart).
func (d *directSender) send(_ context.Context, t trap) error {
	if d.g.Conn == nil {
		if err := d.g.Connect(); err != nil {
			return fmt.Errorf("trap destination %s: %w", d.g.Target, err)
		}
	}
	up := time.Since(d.start)
	if usm, ok := d.g.SecurityParameters.(*gosnmp.UsmSecurityParameters); ok && !d.cfg.Inform {
		usm.AuthoritativeEngineTime = uint32(up / time.Second)
	}
	vars := []gosnmp.SnmpPDU{
		{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uint32(up / (10 * time.Millisecond))},
		{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: "." + t.oid.String()},
	}
	for _, vb := range t.vars {
		v := gosnmp.SnmpPDU{Name: "." + vb.oid.String(), Value: vb.val}
		switch vb.typ {
		case pdu.VariableTypeInteger:
			v.Type, v.Value = gosnmp.Integer, int(vb.val.(int32))
		case pdu.VariableTypeGauge32:
			v.Type = gosnmp.Gauge32
		case pdu.VariableTypeOctetString:
			v.Type = gosnmp.OctetString
		default:
			return fmt.Errorf("BUG: trap varbind of type %s", vb.typ)
		}
		vars = append(vars, v)
	}
	if _, err := d.g.SendTrap(gosnmp.SnmpTrap{Variables: vars, IsInform: d.cfg.Inform}); err != nil {
		return fmt.Errorf("to %s: %w", net.JoinHostPort(d.g.Target, strconv.Itoa(int(d.g.Port))), err)
	}
	return nil
}
