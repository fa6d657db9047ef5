package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/spf13/cobra"
)

// serveCommand builds `dtrep serve`.
func serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run a dtrep server (source and target modules, management API)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openSettings()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// The settings watcher ends with ctx; serve waits for it.
			watched := make(chan struct{})
			go func() {
				defer close(watched)
				if err := st.Watch(ctx); err != nil && ctx.Err() == nil {
					slog.Warn("settings file not watched", "err", err)
				}
			}()
			defer func() { stop(); <-watched }()
			remote, err := remoteManagement(st)
			if err != nil {
				return err
			}
			return runServer(ctx, server.Options{Settings: st}, st.String(catalog.SettingManagementSocket), remote)
		},
	}
}

// runServer runs a server, its management socket and, when remote is not
// nil, its management TCP listener until ctx ends.
func runServer(ctx context.Context, opts server.Options, socket string, remote *remoteListener) error {
	srv, err := server.New(opts)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 3+len(exporterStarters))
	// Exporters run under their own context, cancelled only after the
	// server stopped, so they can still deliver its last events (kernel
	// stopped) before the process exits.
	expCtx, expCancel := context.WithCancel(context.Background())
	defer expCancel()
	var exporters sync.WaitGroup
	for _, prepare := range exporterStarters {
		run, err := prepare(srv, opts.Settings)
		if err != nil {
			return err
		}
		if run != nil {
			exporters.Add(1)
			go func() {
				defer exporters.Done()
				if err := run(expCtx); err != nil && expCtx.Err() == nil {
					errc <- err
				}
			}()
		}
	}
	served := make(chan error, 1)
	go func() {
		err := srv.Serve(ctx)
		served <- err
		errc <- err
	}()
	api := mgmt.NewServer(srv, srv, mgmt.Options{Log: slog.Default(), Listening: func(network string, a net.Addr) {
		slog.Info("management API", "server", srv.ServerName(), "network", network, "address", a.String())
	}})
	if remote != nil {
		go func() {
			if err := api.ServeTCP(ctx, remote.addr, remote.tls, remote.tokens); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("ManagementAddress %s: %w", remote.addr, err)
			}
		}()
	}
	if socket != "" {
		if err := os.MkdirAll(filepath.Dir(socket), 0o755); err != nil {
			return fmt.Errorf("management socket: %w", err)
		}
		go func() {
			if err := api.ServeUnix(ctx, socket); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("management socket %s: %w", socket, err)
			}
		}()
	}
	err = <-errc
	cancel()
	if serr := <-served; err == nil {
		err = serr
	}
	expCancel()
	waitTimeout(&exporters, exporterDrain)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// exporterDrain bounds how long a stopping server waits for its exporters.
const exporterDrain = 5 * time.Second

func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

// remoteListener is what the management TCP listener serves with.
type remoteListener struct {
	addr   string
	tls    *tls.Config
	tokens mgmt.Tokens
}

// remoteManagement reads ManagementAddress and its companions; nil when the
// address is empty. A missing token, or an address off loopback without TLS,
// stops the server at start with the setting named, rather than serving
// commands to anyone or sending tokens in clear.
func remoteManagement(st settings.Reader) (*remoteListener, error) {
	addr := st.String(catalog.SettingManagementAddress)
	if addr == "" {
		return nil, nil
	}
	cfg, _, err := listenerTLS(st, catalog.SettingManagementAddress, catalog.SettingManagementTLSCertificate, catalog.SettingManagementTLSKey)
	if err != nil {
		return nil, err
	}
	tokens := mgmt.Tokens{Admin: st.String(catalog.SettingManagementToken), Monitor: st.String(catalog.SettingManagementMonitorToken)}
	switch {
	case tokens.Admin == "" && tokens.Monitor == "":
		return nil, catalog.Err(catalog.CodeInvalidParameter,
			"ManagementAddress %q is set: set ManagementToken (or ManagementMonitorToken), e.g. through $%s", addr,
			settings.EnvName("ManagementToken"))
	case tokens.Admin == tokens.Monitor:
		return nil, catalog.Err(catalog.CodeInvalidParameter, "ManagementToken and ManagementMonitorToken must differ")
	}
	for name, tok := range map[string]string{"ManagementToken": tokens.Admin, "ManagementMonitorToken": tokens.Monitor} {
		if tok != "" && len(tok) < minTokenLen {
			slog.Warn("management token is short: use 16 characters or more", "setting", name)
		}
	}
	return &remoteListener{addr: addr, tls: cfg, tokens: tokens}, nil
}

// minTokenLen is the length under which serve warns about a token, as it
// does about a short ConnectionSecret.
const minTokenLen = 16
