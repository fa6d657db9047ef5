package wire

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

func drain(nc net.Conn) { go io.Copy(io.Discard, nc) }

// A functional check of the limit with a wide margin: 800 Kbps is 100,000
// bytes per second, so ~130 kB beyond the first burst cannot go out in
// under a second. Throughput itself is measured by the benchmarks.
func TestBandwidthLimitEnforced(t *testing.T) {
	x, y := tcpPair(t)
	a := NewConn(x, Options{BandwidthKbps: 800})
	defer a.Close()
	drain(y)
	const frames, size = 14, 10_000
	start := time.Now()
	within(t, 20*time.Second, "send", func() {
		for i := range frames {
			if err := a.Send(&Ops{Ops: []Op{{Seq: uint64(i), Kind: OpWrite, Data: make([]byte, size)}}}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	sent := a.Counters().WireBytesSent.Load()
	burst := uint64(100_000 / 10)
	floor := time.Duration(float64(sent-burst) / 100_000 * 0.8 * float64(time.Second))
	if elapsed < floor || elapsed < time.Second {
		t.Fatalf("sent %d bytes in %v at 800 Kbps; the limit allows no less than %v", sent, elapsed, floor)
	}
}

// SetBandwidth acts on a Send already waiting: lifting the limit lets a
// frame that would take minutes go at once.
func TestSetBandwidthWhileSending(t *testing.T) {
	x, y := tcpPair(t)
	a := NewConn(x, Options{BandwidthKbps: 80}) // 10,000 bytes per second
	defer a.Close()
	drain(y)
	errc := sendAsync(a, &Ops{Ops: []Op{{Kind: OpWrite, Data: make([]byte, 1<<20)}}}) // ~100 s at this rate
	time.Sleep(100 * time.Millisecond)
	if err := a.SetBandwidth(0); err != nil {
		t.Fatal(err)
	}
	if a.Bandwidth() != 0 {
		t.Fatalf("Bandwidth() = %d", a.Bandwidth())
	}
	within(t, 10*time.Second, "send after lifting the limit", func() {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	})
}

// A write deadline also bounds the wait for bandwidth.
func TestBandwidthWaitHonoursWriteDeadline(t *testing.T) {
	x, y := tcpPair(t)
	a := NewConn(x, Options{BandwidthKbps: 8}) // 1,000 bytes per second
	defer a.Close()
	drain(y)
	a.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	var err error
	within(t, 10*time.Second, "send", func() {
		err = a.Send(&Ops{Ops: []Op{{Kind: OpWrite, Data: make([]byte, 64<<10)}}})
	})
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Send: %v, want os.ErrDeadlineExceeded", err)
	}
}

func TestCloseEndsBandwidthWait(t *testing.T) {
	x, y := tcpPair(t)
	a := NewConn(x, Options{BandwidthKbps: 8})
	drain(y)
	errc := sendAsync(a, &Ops{Ops: []Op{{Kind: OpWrite, Data: make([]byte, 64<<10)}}})
	time.Sleep(50 * time.Millisecond)
	a.Close()
	within(t, 10*time.Second, "send after Close", func() {
		if err := <-errc; !errors.Is(err, net.ErrClosed) {
			t.Errorf("Send: %v, want net.ErrClosed", err)
		}
	})
}

func TestBandwidthBurst(t *testing.T) {
	cases := []struct {
		kbps  int64
		burst int
	}{
		{8, minBurst},          // 1,000 B/s: a tenth would be 100 bytes
		{800, 10_000},          // a tenth of a second
		{10_000_000, maxBurst}, // 1.25 GB/s: capped
	}
	for _, c := range cases {
		b := newBandwidth(c.kbps)
		if got := b.lim.Burst(); got != c.burst {
			t.Errorf("%d Kbps: burst %d, want %d", c.kbps, got, c.burst)
		}
		if n, err := b.take(context.Background(), 1<<30); err != nil || n != c.burst {
			t.Errorf("%d Kbps: take granted %d, %v; want %d", c.kbps, n, err, c.burst)
		}
	}
	b := newBandwidth(0)
	if n, err := b.take(context.Background(), 1<<30); err != nil || n != 1<<30 {
		t.Errorf("unlimited: take granted %d, %v", n, err)
	}
}
