package main

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/dtrep/dtrep/console"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
)

// Files of the console in DataPath: the token generated for a loopback
// console without ConsoleAdminToken, and the watched servers (with their
// tokens), both readable by the server's user only.
const (
	consoleTokenFile   = "console-admin.token"
	consoleServersFile = "console-servers.json"
)

// startConsole serves the web console on ConsoleAddress (loopback by
// default); empty disables it. Off loopback it needs TLS and a token. A busy
// address is logged and the server runs on, as for the Prometheus endpoint.
func startConsole(srv *server.Server, st settings.Reader) (func(context.Context) error, error) {
	addr := st.String(catalog.SettingConsoleAddress)
	if addr == "" {
		return nil, nil
	}
	tlsConfig, loopback, err := listenerTLS(st, catalog.SettingConsoleAddress, catalog.SettingConsoleTLSCertificate, catalog.SettingConsoleTLSKey)
	if err != nil {
		return nil, err
	}
	admin, monitor := st.String(catalog.SettingConsoleAdminToken), st.String(catalog.SettingConsoleMonitorToken)
	dataPath := st.String(catalog.SettingDataPath)
	if admin == "" && monitor == "" {
		if !loopback {
			return nil, catalog.Err(catalog.CodeInvalidParameter,
				"ConsoleAddress %q is not loopback: set ConsoleAdminToken or ConsoleMonitorToken", addr)
		}
		if admin, err = consoleToken(filepath.Join(dataPath, consoleTokenFile)); err != nil {
			return nil, err
		}
	}
	c, err := console.New(console.Options{Local: srv, LocalName: srv.ServerName(),
		ServersFile: filepath.Join(dataPath, consoleServersFile), AdminToken: admin, MonitorToken: monitor,
		Secure: tlsConfig != nil, Log: slog.Default()})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if addrInUse(err) {
			slog.Warn("console not started: address in use", "server", srv.ServerName(), "address", addr)
			return nil, nil
		}
		return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "ConsoleAddress %q", addr)
	}
	scheme := "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	slog.Info("console", "server", srv.ServerName(), "url", scheme+"://"+ln.Addr().String()+"/")
	return func(ctx context.Context) error { return c.Serve(ctx, ln) }, nil
}

// consoleToken reads the generated admin token, or writes a new one only
// the server's user can read.
func consoleToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", catalog.Wrap(catalog.CodeInvalidParameter, err, "console token")
	}
	tok := console.NewToken()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", catalog.Wrap(catalog.CodeInvalidParameter, err, "console token")
	}
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", catalog.Wrap(catalog.CodeInvalidParameter, err, "console token")
	}
	slog.Info("console admin token generated", "file", path)
	return tok, nil
}
