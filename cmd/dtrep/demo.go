package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/spf13/cobra"
)

// demoCommand builds `dtrep demo` and its subcommands.
func demoCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a source and a target on loopback, replicating a directory live",
		Long: "demo starts two servers in this process on embedded defaults: a target listening on loopback\n" +
			"and a source with one job protecting DIR/source into DIR/target. Change files in DIR/source\n" +
			"and watch them arrive; `dtrep --socket DIR/source.sock job status demo` shows the job.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runDemo(ctx, dir, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "working directory (default: a new temporary directory)")
	return cmd
}

func runDemo(ctx context.Context, dir string, out interface{ Write([]byte) (int, error) }) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "dtrep-demo-")
		if err != nil {
			return err
		}
		dir = d
	}
	for _, d := range []string{"source", "target", "source-data", "target-data", "source-logs", "target-logs"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	// Embedded defaults only: no configuration file is read.
	base, err := settings.Open(filepath.Join(dir, "dtrep.yaml"))
	if err != nil {
		return err
	}
	secret := fmt.Sprintf("demo-%d", time.Now().UnixNano())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// Each server keeps its own state, logs and metrics port; the source,
	// which runs the job, has the default metrics address.
	targetSet := settings.Overlay{Base: base, Over: map[string]string{
		"DataPath": filepath.Join(dir, "target-data"), "LogDir": filepath.Join(dir, "target-logs"),
		"ConnectionSecret": secret, "PrometheusAddress": "127.0.0.1:9562", "ConsoleAddress": ""}}
	sourceSet := settings.Overlay{Base: base, Over: map[string]string{
		"DataPath": filepath.Join(dir, "source-data"), "LogDir": filepath.Join(dir, "source-logs"),
		"ConnectionSecret": secret}}

	errc := make(chan error, 2)
	go func() {
		errc <- runServer(ctx, server.Options{Settings: targetSet, Name: "demo-target", Listener: ln},
			filepath.Join(dir, "target.sock"), nil)
	}()
	srcLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sock := filepath.Join(dir, "source.sock")
	go func() {
		errc <- runServer(ctx, server.Options{Settings: sourceSet, Name: "demo-source", Listener: srcLn}, sock, nil)
	}()

	// Create and start the job through the management API, as a user would.
	client := mgmt.NewClient(sock)
	defer client.Close()
	spec := mgmt.JobSpec{Name: "demo", SourcePath: filepath.Join(dir, "source"), Target: ln.Addr().String(),
		TargetPath: filepath.Join(dir, "target")}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err = client.CreateJob(ctx, spec)
		if err == nil || time.Now().After(deadline) {
			break
		}
		if mgmtCode(err) == 122 { // job exists: a rerun in the same directory
			err = nil
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	if err := client.StartJob(ctx, "demo"); err != nil && mgmtCode(err) != 106 {
		return err
	}
	fmt.Fprintf(out, "dtrep demo: replicating %s -> %s (target %s)\n", spec.SourcePath, spec.TargetPath, spec.Target)
	fmt.Fprintf(out, "  job status: dtrep --socket %s job status demo\n", sock)
	// The console's generated token is the demo user's own (its file is
	// theirs); showing it makes the console one click away.
	tokenFile := filepath.Join(dir, "source-data", consoleTokenFile)
	if tok, err := os.ReadFile(tokenFile); err == nil && sourceSet.String(catalog.SettingConsoleAddress) != "" {
		fmt.Fprintf(out, "  console: http://%s/ log in with %s (kept in %s)\n", sourceSet.String(catalog.SettingConsoleAddress),
			strings.TrimSpace(string(tok)), tokenFile)
	}
	fmt.Fprintf(out, "  stop: Ctrl-C\n")
	slog.Info("demo running", "dir", dir)
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}
