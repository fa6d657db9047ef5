// Package testrun owns what a test starts: each run goes on a goroutine of
// its own until the test ends, is then stopped through its context and
// waited for, and an error it returns fails the test.
package testrun

import (
	"context"
	"net"
	"testing"
)

// Run runs each of runs until the test ends.
func Run(t testing.TB, runs ...func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, len(runs))
	for _, run := range runs {
		go func() { done <- run(ctx) }()
	}
	t.Cleanup(func() {
		cancel()
		for range runs {
			if err := <-done; err != nil {
				t.Error(err)
			}
		}
	})
}

// Listen serves serve on a free loopback port until the test ends and
// returns the address it listens on.
func Listen(t testing.TB, serve func(context.Context, net.Listener) error) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	Run(t, func(ctx context.Context) error { return serve(ctx, ln) })
	return ln.Addr().String()
}
