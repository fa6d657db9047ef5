package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/spf13/cobra"
)

// mgmtCode is the chapter 5 code an error carries, 0 if none.
func mgmtCode(err error) int { return catalog.CodeOf(err) }

// commandContext is the context a command runs under; a command that keeps
// going (--follow, --watch) also ends on Ctrl-C or SIGTERM.
func commandContext(cmd *cobra.Command, untilInterrupt bool) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if untilInterrupt {
		return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	}
	return ctx, func() {}
}
