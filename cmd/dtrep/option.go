package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/spf13/cobra"
)

// The option commands are the reference's Get-DtOption and Set-DtOptions:
// they read and write the server and job settings of chapter 11 in the
// settings file (--config).
var (
	optionCmd = &cobra.Command{
		Use:     "option",
		Aliases: []string{"options"},
		Short:   "Show or change server and job settings (Get-DtOption, Set-DtOptions)",
	}
	optionGetCmd = &cobra.Command{
		Use:   "get [NAME...]",
		Short: "Show settings: value in effect, where it comes from, whether a change needs a restart",
		RunE:  runOptionGet,
	}
	optionSetCmd = &cobra.Command{
		Use:   "set NAME VALUE [NAME VALUE...]",
		Short: "Change settings in the settings file; reports those that need a service restart",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || len(args)%2 != 0 {
				return catalog.Err(catalog.CodeInvalidCommand, "option set takes NAME VALUE pairs")
			}
			return nil
		},
		RunE: runOptionSet,
	}
	optionFormat string
)

// optionCommand builds `dtrep option` and its subcommands.
func optionCommand() *cobra.Command {
	optionGetCmd.Flags().StringVar(&optionFormat, "format", "table", "output format: table or json")
	// Values may start with "-" (MirrorChunkSize -5 is a value to refuse,
	// not a flag): flags end at the first setting name.
	optionSetCmd.Flags().SetInterspersed(false)
	optionCmd.AddCommand(optionGetCmd, optionSetCmd)
	return optionCmd
}

func runOptionGet(cmd *cobra.Command, args []string) error {
	if optionFormat != "table" && optionFormat != "json" {
		return catalog.Err(catalog.CodeInvalidOption, "--format %q: want table or json", optionFormat)
	}
	store, err := openSettings()
	if err != nil {
		return err
	}
	entries, err := selectEntries(store, args)
	if err != nil {
		return err
	}
	if optionFormat == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	return writeOptionTable(cmd.OutOrStdout(), entries)
}

// selectEntries returns every entry, or those named, in the order named.
func selectEntries(store *settings.Store, names []string) ([]settings.Entry, error) {
	all := store.All()
	if len(names) == 0 {
		return all, nil
	}
	byName := make(map[string]settings.Entry, len(all))
	for _, e := range all {
		byName[e.Name] = e
	}
	out := make([]settings.Entry, 0, len(names))
	for _, n := range names {
		st, err := store.Lookup(n)
		if err != nil {
			return nil, err
		}
		out = append(out, byName[st.Name])
	}
	return out, nil
}

func writeOptionTable(w io.Writer, entries []settings.Entry) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVALUE\tSOURCE\tCHANGE\tSTATUS")
	for _, e := range entries {
		value := e.Value
		if value == "" {
			value = "<null>"
		}
		change := "live"
		if e.RestartRequired {
			change = "restart required"
		}
		if e.PendingRestart {
			change = fmt.Sprintf("restart required to apply %s", e.Pending)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, value, e.Source, change, e.Status)
	}
	return tw.Flush()
}

func runOptionSet(cmd *cobra.Command, args []string) error {
	store, err := openSettings()
	if err != nil {
		return err
	}
	// Check every pair before writing any, so a typo in the last one does
	// not leave the first ones applied.
	for i := 0; i < len(args); i += 2 {
		st, err := store.Lookup(args[i])
		if err != nil {
			return err
		}
		if err := settings.Validate(st, args[i+1]); err != nil {
			return err
		}
	}
	for i := 0; i < len(args); i += 2 {
		res, err := store.Set(args[i], args[i+1])
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), res.String())
	}
	return nil
}
