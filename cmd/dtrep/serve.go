package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/spf13/cobra"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
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
			go func() {
				if err := st.Watch(ctx); err != nil && ctx.Err() == nil {
					slog.Warn("settings file not watched", "err", err)
				}
			}()
			if a := st.String("ManagementAddress"); a != "" {
				slog.Warn("ManagementAddress is set but remote management is not served yet: only ManagementSocket answers",
					"ManagementAddress", a)
			}
			return runServer(ctx, server.Options{Settings: st}, st.String("ManagementSocket"))
		},
	})
}

// runServer runs a server and its management socket until ctx ends.
func runServer(ctx context.Context, opts server.Options, socket string) error {
	srv, err := server.New(opts)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2+len(exporterStarters))
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
	if socket != "" {
		if err := os.MkdirAll(filepath.Dir(socket), 0o755); err != nil {
			return fmt.Errorf("management socket: %w", err)
		}
		api := mgmt.NewServer(srv, srv, mgmt.Options{Log: slog.Default()})
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
