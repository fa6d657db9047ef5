package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/dtrep/dtrep/engine/catalog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

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
		fmt.Fprintln(stderr, "dtstat:", err)
		if catalog.CodeOf(err) == catalog.CodeInvalidCommand || catalog.CodeOf(err) == catalog.CodeInvalidOption {
			fmt.Fprint(stderr, usage)
		}
		if c := catalog.CodeOf(err); c > 0 && c < 256 {
			return 2
		}
		return 1
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
