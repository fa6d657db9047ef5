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
		err = execute(ctx, o, stdout)
	}
	if err != nil {
		return refcli.Fail(stderr, "dtstat", usage, err)
	}
	return 0
}

const usage = `Usage: DTSTAT [-p] [-i <interval>] [-l <level>] [-t <tofile>] [-f <fromfile>] [-s <tofile>]
              [-st <tofile>] [-IP <address>] [-Start <mm/dd/yyyy hh:mm>] [-Stop <mm/dd/yyyy hh:mm>]
              [-Server <ip_address> <port_number>]
  -p        do not print the output to the screen
  -i        refresh every interval seconds (default 1)
  -l        logging level (default 2)
  -t        save the snapshot data to the specified binary file
  -f        read from a binary file saved with -t (or a server's statistic.sts)
  -s        save only the connection data to a comma-delimited file
  -st       save only the target data to a comma-delimited file
  -IP       print only the entries of these addresses (comma-separated)
  -Start    leave out data before this date and time
  -Stop     leave out data after this date and time
  -Server   connect to the server at this address and management port
Options are not case-sensitive.
`
