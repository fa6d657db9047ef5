// Package refcli is the frame of the reference's command-line utilities
// (DTStat, LogViewer): options whose names are not case-sensitive, a run
// that SIGINT and SIGTERM end, and errors reported with the usage and the
// exit status dtrep uses.
package refcli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Main runs run with the process's arguments and a context that SIGINT and
// SIGTERM end, and exits with the status it returns.
func Main(run func(ctx context.Context, args []string, stdout, stderr io.Writer) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Fail reports err of the utility name on stderr, with usage when the
// command line was at fault (102, 103), and returns the exit status
// (catalog.ExitStatus).
func Fail(stderr io.Writer, name, usage string, err error) int {
	fmt.Fprintln(stderr, name+":", err)
	if c := catalog.CodeOf(err); c == catalog.CodeInvalidCommand || c == catalog.CodeInvalidOption {
		fmt.Fprint(stderr, usage)
	}
	return catalog.ExitStatus(err)
}

// Args walks a command line option by option.
type Args struct {
	list []string
	i    int
}

// NewArgs walks list.
func NewArgs(list []string) *Args { return &Args{list: list, i: -1} }

// Next moves to the next option and returns its name in lower case; false
// at the end.
func (a *Args) Next() (string, bool) {
	a.i++
	if a.i >= len(a.list) {
		return "", false
	}
	return strings.ToLower(a.list[a.i]), true
}

// Value takes the current option's value, the next argument; a missing or
// empty one is 102 naming the option.
func (a *Args) Value() (string, error) {
	if a.i+1 >= len(a.list) || a.list[a.i+1] == "" {
		return "", catalog.Err(catalog.CodeInvalidCommand, "%s needs a value", a.list[a.i])
	}
	a.i++
	return a.list[a.i], nil
}

// Option is the current option as written.
func (a *Args) Option() string { return a.list[a.i] }

// Rest is what follows the current option, for options of several values.
func (a *Args) Rest() []string { return a.list[a.i+1:] }

// Skip passes over n values the caller took from Rest.
func (a *Args) Skip(n int) { a.i += n }
