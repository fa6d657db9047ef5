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

var packInstallers = map[string]packInstaller{"elasticsearch": installElasticsearchPack}

// packWriter writes a pack users import themselves (SCOM) as files under
// dir and returns their paths. Each packs_*.go file registers its own.
type packWriter func(dir string, opt packOptions) ([]string, error)

var packWriters = map[string]packWriter{"scom": writeSCOMPacks}

// packOptions are the install flags of written packs.
type packOptions struct {
	keyToken string
}

// packsCommand builds `dtrep packs` and its subcommands.
func packsCommand() *cobra.Command {
	packs := &cobra.Command{
		Use:   "packs",
		Short: "Install the monitoring packs generated from the catalog (packs/ in the source tree)",
	}
	var dir string
	var opt packOptions
	install := &cobra.Command{
		Use:   "install NAME",
		Short: "Install a pack (elasticsearch, scom, ...): into the tool the settings point at, or as files",
		Long: "install sends a pack's objects to the tool configured in the settings: for elasticsearch,\n" +
			"the ILM policies and index templates of the dtrep data streams, to ElasticsearchAddresses\n" +
			"with the Elasticsearch* credentials. The exporter installs them itself when it starts;\n" +
			"this command is for clusters the exporter cannot install into (a missing privilege) or\n" +
			"to restore them.\n\n" +
			"Packs users import themselves are written under --dir: for scom, the SCOM 2007 management\n" +
			"pack (2007/Dtrep.xml) and the four SCOM 2012 packs (2012/*.xml) to seal with the key whose\n" +
			"public key token --key-token gives (see packs/scom/README.md).",
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return packNames(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if write, ok := packWriters[args[0]]; ok {
				if dir == "" {
					return catalog.Err(catalog.CodeInvalidParameter, "pack %s is written as files: give --dir", args[0])
				}
				files, err := write(dir, opt)
				if err != nil {
					return fmt.Errorf("pack %s: %w", args[0], err)
				}
				for _, f := range files {
					fmt.Fprintln(cmd.OutOrStdout(), f)
				}
				return nil
			}
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
	}
	install.Flags().StringVar(&dir, "dir", "", "directory to write a file pack (scom) into")
	install.Flags().StringVar(&opt.keyToken, "key-token", "",
		"public key token of the key the SCOM 2012 packs will be sealed with (16 hex digits)")
	packs.AddCommand(install)
	return packs
}

// packNames lists the registered packs, sorted.
func packNames() []string {
	var names []string
	for n := range packInstallers {
		names = append(names, n)
	}
	for n := range packWriters {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// errNoAddresses reports a pack install without a destination.
func errNoAddresses(setting string) error {
	return catalog.Err(catalog.CodeInvalidParameter, "%s is empty: nowhere to install the pack", setting)
}
