package dtrepbin

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
)

// WriteConfig writes the settings file of a `dtrep serve` process: each
// setting on a line of its own, sorted, values quoted.
func WriteConfig(path string, settings map[string]string) error {
	names := make([]string, 0, len(settings))
	for k := range settings {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "%s: %q\n", k, settings[k])
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// FreePort returns a loopback port nothing listens on, below Linux's
// ephemeral range (32768 and up), so a restarted server never finds its
// port taken by the local end of some outgoing connection.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 200 {
		port := 20000 + rand.IntN(12000)
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free port below the ephemeral range")
	return 0
}

// WaitManagement waits until a server's management socket answers. It
// gives up when exited closes (the process ended) or after timeout.
func WaitManagement(socket string, exited <-chan struct{}, timeout time.Duration) error {
	c := mgmt.NewClient(socket)
	defer c.Close()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.ListJobs(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("dtrep serve exited at start: %w", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dtrep serve not answering on %s: %w", socket, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
