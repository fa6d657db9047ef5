package wire

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// pipeConns returns two Conns joined by net.Pipe.
func pipeConns(t testing.TB, a, b Options) (*Conn, *Conn) {
	t.Helper()
	x, y := net.Pipe()
	ca, cb := NewConn(x, a), NewConn(y, b)
	t.Cleanup(func() { ca.Close(); cb.Close() })
	return ca, cb
}

// tcpPair returns both ends of a loopback TCP connection.
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case server = <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("accept timed out")
	}
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

func tcpConns(t testing.TB, a, b Options) (*Conn, *Conn) {
	t.Helper()
	x, y := tcpPair(t)
	ca, cb := NewConn(x, a), NewConn(y, b)
	t.Cleanup(func() { ca.Close(); cb.Close() })
	return ca, cb
}

// within runs fn and fails the test if it has not returned by d: every
// blocking test carries an explicit deadline.
func within(t testing.TB, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: not done after %v", what, d)
	}
}

// sendAsync sends msgs on c in a goroutine and returns a channel with the
// first error (or nil).
func sendAsync(c *Conn, msgs ...Message) <-chan error {
	errc := make(chan error, 1)
	go func() {
		for _, m := range msgs {
			if err := c.Send(m); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	return errc
}

// rawFrames reads frames as they are on the wire, bypassing Conn.Recv, so
// tests can see flags and compressed sizes.
func rawFrames(nc net.Conn) *bufio.Reader { return bufio.NewReader(nc) }
