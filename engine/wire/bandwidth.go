package wire

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// bandwidth limits the bytes a connection sends per second. It wraps a
// token bucket whose burst is a tenth of a second of traffic, so a limit is
// felt within 100 ms and writes go out in chunks of at most that size.
type bandwidth struct {
	lim  *rate.Limiter
	kbps atomic.Int64
}

const (
	minBurst = 512       // keeps tiny limits from writing byte by byte
	maxBurst = 256 << 10 // bounds how far ahead of the limit a burst runs
)

func newBandwidth(kbps int64) *bandwidth {
	b := &bandwidth{lim: rate.NewLimiter(rate.Inf, maxBurst)}
	b.set(kbps)
	return b
}

// set changes the limit; kbps is kilobits (1000 bits) per second, 0 means
// Unlimited.
func (b *bandwidth) set(kbps int64) {
	kbps = max(kbps, 0)
	b.kbps.Store(kbps)
	if kbps == 0 {
		b.lim.SetLimit(rate.Inf)
		return
	}
	bps := float64(kbps) * 1000 / 8
	burst := int(min(max(bps/10, minBurst), maxBurst))
	b.lim.SetBurst(burst)
	b.lim.SetLimit(rate.Limit(bps))
}

// take blocks until up to want bytes may be sent and returns how many. It
// fails at once when ctx's deadline would pass first.
func (b *bandwidth) take(ctx context.Context, want int) (int, error) {
	for {
		if b.lim.Limit() == rate.Inf {
			return want, nil
		}
		n := min(want, b.lim.Burst())
		err := b.lim.WaitN(ctx, n)
		if err == nil {
			return n, nil
		}
		if n > b.lim.Burst() {
			continue // SetBandwidth shrank the burst meanwhile: ask for less
		}
		return 0, fmt.Errorf("bandwidth limit: %w", err)
	}
}
