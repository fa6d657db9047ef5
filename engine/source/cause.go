package source

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Causes an event's insertion strings give for why something ended. They
// are for operators: a short sentence, never a Go error chain.
const (
	causeStoppedByUser = "stopped by the user"
	causeJobStopped    = "the job was stopped"
	causeSessionLost   = "the connection to the target was lost"
)

// humanCause words err for an event's insertion string: the innermost
// error of the chain (the wrapping layers only repeat where it happened),
// with the system errors a replication meets said plainly.
func humanCause(err error) string {
	if err == nil {
		return ""
	}
	var ce *catalog.Error
	if errors.As(err, &ce) && ce.Err == nil {
		if ce.Detail != "" {
			return ce.Message + ": " + ce.Detail
		}
		return ce.Message
	}
	switch {
	case errors.Is(err, context.Canceled):
		return causeStoppedByUser
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timed out"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection was closed by the other side"
	case errors.Is(err, net.ErrClosed):
		return "the connection was closed"
	case errors.Is(err, syscall.ECONNRESET):
		return "the connection was reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the connection was refused"
	case errors.Is(err, syscall.EPIPE):
		return "the connection was broken"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "the network is unreachable"
	case errors.Is(err, syscall.ENOSPC):
		return "no space left on the device"
	case errors.Is(err, os.ErrNotExist):
		return "the path does not exist"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
