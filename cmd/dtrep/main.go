// Command dtrep is the dtrep server and its management CLI.
package main

import (
	"fmt"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/spf13/cobra"
)

// rootCmd is the top of the command tree; each file of this package adds its
// own commands to it in init, so commands stay one concern per file.
var rootCmd = &cobra.Command{
	Use:           "dtrep",
	Short:         "dtrep replicates a protected tree from a source to a target in real time",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "dtrep:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode maps a catalog error to a non-zero exit status; 1 for the rest.
func exitCode(err error) int {
	if c := catalog.CodeOf(err); c > 0 && c < 256 {
		return 2
	}
	return 1
}
