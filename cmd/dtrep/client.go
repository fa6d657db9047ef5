package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Where the management commands find the server.
const (
	socketEnv     = mgmt.SocketEnv
	tokenEnv      = mgmt.TokenEnv
	caEnv         = mgmt.CAFileEnv
	systemSocket  = mgmt.SystemSocket
	commandBudget = 2 * time.Minute // one management command, connection included
)

var (
	socketFlag string
	serverFlag string
	tokenFlag  string
	caFlag     string
)

// addClientFlags adds the flags that say which server a command manages.
func addClientFlags(pf *pflag.FlagSet) {
	pf.StringVar(&socketFlag, "socket", "",
		"management socket (default $"+socketEnv+", "+systemSocket+" as root, else $XDG_RUNTIME_DIR/dtrep/dtrep.sock)")
	pf.StringVar(&serverFlag, "server", "",
		"management URL of a TCP listener (https://HOST:PORT, or http:// on loopback); replaces --socket")
	pf.StringVar(&tokenFlag, "token", "", "bearer token for --server (default $"+tokenEnv+", which keeps it out of ps)")
	pf.StringVar(&caFlag, "cacert", "",
		"PEM certificates that sign --server's certificate, instead of the system roots (default $"+caEnv+")")
}

// socketPath is --socket, else where every client looks by default
// (mgmt.DefaultSocket).
func socketPath() string {
	if socketFlag != "" {
		return socketFlag
	}
	return mgmt.DefaultSocket()
}

// managementClient opens the client the global flags select.
func managementClient() (*mgmt.Client, error) {
	if serverFlag == "" {
		return mgmt.NewClient(socketPath()), nil
	}
	token := tokenFlag
	if token == "" {
		token = os.Getenv(tokenEnv)
	}
	if token == "" {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "--server needs --token or $%s", tokenEnv)
	}
	ca := caFlag
	if ca == "" {
		ca = os.Getenv(caEnv)
	}
	tlsConfig, err := mgmt.CAConfig(ca)
	if err != nil {
		return nil, err
	}
	return mgmt.NewTCPClient(serverFlag, token, tlsConfig)
}

// withManager runs fn against the selected server within the command budget.
func withManager(cmd *cobra.Command, fn func(ctx context.Context, m mgmt.Manager) error) error {
	c, err := managementClient()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(cmd.Context(), commandBudget)
	defer cancel()
	return fn(ctx, c)
}

// exactArgs reports a wrong argument count as the reference's 102, so
// scripts see a chapter 5 code for every refused command.
func exactArgs(n int, usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return catalog.Err(catalog.CodeInvalidCommand, "usage: %s", usage)
		}
		return nil
	}
}

// jobAction builds "dtrep <group> <verb> NAME": the name is checked locally,
// op runs, and done ("started") confirms it.
func jobAction(group, verb, short, done string, op func(m mgmt.Manager) func(context.Context, string) error) *cobra.Command {
	usage := fmt.Sprintf("dtrep %s %s NAME", group, verb)
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Args:  exactArgs(1, usage),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := mgmt.ValidateJobName(name); err != nil {
				return err
			}
			err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) error { return op(m)(ctx, name) })
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s: %s\n", group, name, done)
			return nil
		},
	}
}

// checkFormat refuses an output format before anything is sent.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return catalog.Err(catalog.CodeInvalidOption, "--format %q: allowed %v", format, allowed)
}
