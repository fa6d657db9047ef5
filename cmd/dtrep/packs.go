package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/spf13/cobra"
)

// packInstaller installs one monitoring pack into the tool the settings
// name. Each export_*.go file registers its own in init.
type packInstaller func(ctx context.Context, st settings.Reader) error

var packInstallers = map[string]packInstaller{}

func init() {
	packs := &cobra.Command{
		Use:   "packs",
		Short: "Install the monitoring packs generated from the catalog (packs/ in the source tree)",
	}
	packs.AddCommand(&cobra.Command{
		Use:   "install NAME",
		Short: "Install a pack (elasticsearch, ...) into the tool the settings point at",
		Long: "install sends a pack's objects to the tool configured in the settings: for elasticsearch,\n" +
			"the ILM policies and index templates of the dtrep data streams, to ElasticsearchAddresses\n" +
			"with the Elasticsearch* credentials. The exporter installs them itself when it starts;\n" +
			"this command is for clusters the exporter cannot install into (a missing privilege) or\n" +
			"to restore them.",
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return packNames(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			install, ok := packInstallers[args[0]]
			if !ok {
				return catalog.Err(catalog.CodeInvalidParameter, "unknown pack %q (known: %s)",
					args[0], strings.Join(packNames(), ", "))
			}
			st, err := openSettings()
			if err != nil {
				return err
			}
			if err := install(cmd.Context(), st); err != nil {
				return fmt.Errorf("pack %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pack %s installed\n", args[0])
			return nil
		},
	})
	rootCmd.AddCommand(packs)
}

// packNames lists the registered packs, sorted.
func packNames() []string {
	var names []string
	for n := range packInstallers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// errNoAddresses reports a pack install without a destination.
func errNoAddresses(setting string) error {
	return catalog.Err(catalog.CodeInvalidParameter, "%s is empty: nowhere to install the pack", setting)
}
