package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/exporters/email"
)

// startEmail runs e-mail notification when EmailServer names a server.
func startEmail(srv *server.Server, st settings.Reader) (func(context.Context) error, error) {
	cfg, err := email.ConfigFromSettings(st, srv.ServerName())
	if err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		slog.Debug(catalog.Err(email.CodeDisabled, "EmailServer is empty").Error(), "server", srv.ServerName())
		return nil, nil
	}
	n, err := email.New(srv, cfg, slog.Default())
	if err != nil {
		return nil, err
	}
	addMetrics(srv, n.Collector())
	return n.Run, nil
}

func emailCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "email",
		Short: "E-mail notification of selected events (Email* settings)",
	}
	var to []string
	test := &cobra.Command{
		Use:   "test",
		Short: "Send a test e-mail through EmailServer now and report what happened",
		Long: "test sends one e-mail through the server and with the credentials the Email* settings name,\n" +
			"to EmailTo (or to the --to addresses), in a single attempt, and reports the chapter 5 code:\n" +
			"2200 when every recipient was accepted, else 2208 with the cause (2202 the server could not\n" +
			"be reached or refused the connection, its TLS or the credentials; 2201 the exchange failed;\n" +
			"2207 the server refused the message; 2216 a recipient was refused).",
		Args: exactArgs(0, "dtrep email test [--to ADDRESS]..."),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openSettings()
			if err != nil {
				return err
			}
			host, _ := os.Hostname()
			cfg, err := email.ConfigFromSettings(st, host)
			if err != nil {
				return err
			}
			var rcpts []string
			if len(to) > 0 {
				if rcpts, err = email.ParseAddressList(strings.Join(to, ",")); err != nil {
					return err
				}
			}
			if err := email.SendTest(cmd.Context(), cfg, host, rcpts); err != nil {
				return err
			}
			if len(rcpts) == 0 {
				rcpts = cfg.To
			}
			fmt.Fprintln(cmd.OutOrStdout(), catalog.Err(email.CodeWorking, "test e-mail sent through %s to %s",
				cfg, strings.Join(rcpts, ", ")).Error())
			return nil
		},
	}
	test.Flags().StringSliceVar(&to, "to", nil, "send to these addresses instead of EmailTo")
	cmd.AddCommand(test)
	return cmd
}
