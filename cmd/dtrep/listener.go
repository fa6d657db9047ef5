package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
)

// listenerTLS reads the certificate and key settings of a TCP listener
// (ConsoleTLSCertificate/ConsoleTLSKey, ManagementTLSCertificate/...) and
// decides whether addr may be served: TLS when both are set, plain HTTP only
// on a loopback address, where a token cannot be overheard. loopback tells
// the caller which of the two rules applied.
func listenerTLS(st settings.Reader, addrID, certID, keyID catalog.SettingID) (cfg *tls.Config, loopback bool, err error) {
	addrSetting, certSetting, keySetting := addrID.Name(), certID.Name(), keyID.Name()
	addr := st.String(addrID)
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, false, catalog.Wrap(catalog.CodeInvalidParameter, err, "%s %q", addrSetting, addr)
	}
	loopback = isLoopback(host)
	cert, key := st.String(certID), st.String(keyID)
	switch {
	case (cert == "") != (key == ""):
		return nil, loopback, catalog.Err(catalog.CodeInvalidParameter, "%s and %s go together", certSetting, keySetting)
	case cert != "":
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, loopback, catalog.Wrap(catalog.CodeInvalidParameter, err, "%s", certSetting)
		}
		return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, loopback, nil
	case !loopback:
		return nil, false, catalog.Err(catalog.CodeInvalidParameter,
			"%s %q is not loopback: set %s and %s", addrSetting, addr, certSetting, keySetting)
	}
	return nil, true, nil
}

// checkAddress is the rule for a listener's address setting: empty (off),
// or HOST:PORT with a numeric port. It is registered for each such setting
// so that `option set` and a settings file refuse what serve would.
func checkAddress(setting, addr string) error {
	if addr == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		if n, perr := strconv.Atoi(port); perr != nil || n < 0 || n > 65535 {
			err = fmt.Errorf("port %q is not a number from 0 to 65535", port)
		}
	}
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "%s %q", setting, addr)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
