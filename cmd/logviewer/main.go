package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dtrep/dtrep/internal/refcli"
)

func main() { refcli.Main(run) }

// run is the whole utility, for tests: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if err == nil && o.help {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err == nil {
		err = view(ctx, o, stdout)
	}
	if err != nil {
		return refcli.Fail(stderr, "logviewer", usage, err)
	}
	return 0
}

const usage = `Usage: LOGVIEWER [-PATH <path>] [-TYPE <number>] [-INCLUDE <list>] [-EXCLUDE <list>]
                 [-NODATE] [-NOTIME] [-NOPID] [-NOTID] [-NOSEQ] [-NOTYPE] [-NOID] [-HELP]
  -PATH     the log file (or the directory of the dtlog series); default: LogDir
  -TYPE     1 shows warning and error messages, 2 (the default) information messages too
  -INCLUDE  show only these message IDs
  -EXCLUDE  leave these message IDs out
  <list>    IDs and ID ranges separated by commas, no spaces: 200,400-500,10000-15000
  -NODATE -NOTIME -NOPID -NOTID -NOSEQ -NOTYPE -NOID
            leave that column out
  -HELP     show this help
Options are not case-sensitive. Press Ctrl-C to exit.
`
