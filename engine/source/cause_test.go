package source

import (
	"context"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/queue"
)

// Insertion strings are for operators: a short cause, never the chain of
// layers an error passed through (4007 once read "(receiving: receiving:
// EOF)", 4022 "stat request: context canceled").
func TestEventCausesAreHuman(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"4007 target closed", disconnectReason(fmt.Errorf("receiving: %w", fmt.Errorf("receiving: %w", io.EOF))),
			"the target server has restarted or closed the connection"},
		{"4007 reset", disconnectReason(fmt.Errorf("sending ops: %w", syscall.ECONNRESET)),
			"the target server has restarted or closed the connection"},
		{"4007 silent target", disconnectReason(noDataError{after: 30 * time.Second}),
			"the target is unreachable (no data from it for 30s, NetworkTimeout)"},
		{"4007 queue", disconnectReason(overflowError{queue.OverflowDiskError}), queue.OverflowDiskError.String()},
		{"4022 stop", humanCause(fmt.Errorf("stat request: %w", context.Canceled)), causeStoppedByUser},
		{"refused", humanCause(fmt.Errorf("dial: %w", syscall.ECONNREFUSED)), "the connection was refused"},
		{"innermost", humanCause(fmt.Errorf("hash request: %w", fmt.Errorf("decoding: %w", errTestRoot))), "root cause"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
		if strings.Contains(tc.got, ": ") && !strings.HasPrefix(tc.want, tc.got[:strings.Index(tc.got, ": ")]) {
			t.Errorf("%s: %q reads as an error chain", tc.name, tc.got)
		}
	}
}

var errTestRoot = fmt.Errorf("root cause")
