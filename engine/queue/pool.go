package queue

import (
	"sync"
	"sync/atomic"
)

// Pool is the replication memory every queue of a server shares
// (QMemoryBufferMax), and the disk those queues' journals use. A queue
// holds an operation in memory while the pool is below its spill point
// (MemoryQueueToDiskThreshold percent of the limit); past it, operations go
// to the queue's journal only and are read back when their turn to be sent
// comes.
type Pool struct {
	limit   int64 // bytes
	spillAt int64 // bytes

	used atomic.Int64 // estimated bytes of operations held in memory
	peak atomic.Int64 // the most ever held: the pool's size
	disk atomic.Int64 // bytes of journal files

	// The queue-size alert (QueueSizeAlertThreshold, event 4072).
	mu         sync.Mutex
	alertPct   int64
	onAlert    func(pct int64)
	alerted    bool
	diskCap    int64 // disk the journals may still grow into, last measured; <0 unknown
	diskCapSet bool
}

// PoolOpts configure a Pool.
type PoolOpts struct {
	LimitBytes   int64 // QMemoryBufferMax, in bytes
	SpillPercent int64 // MemoryQueueToDiskThreshold
	// AlertPercent is QueueSizeAlertThreshold: OnAlert runs (once per
	// crossing) when the memory and disk queues together hold that share
	// of what they may hold. 0 disables the alert.
	AlertPercent int64
	OnAlert      func(pct int64)
}

// NewPool returns an empty pool.
func NewPool(o PoolOpts) *Pool {
	if o.LimitBytes <= 0 {
		o.LimitBytes = 1 << 30
	}
	pct := min(max(o.SpillPercent, 0), 100)
	return &Pool{limit: o.LimitBytes, spillAt: o.LimitBytes * pct / 100, alertPct: o.AlertPercent,
		onAlert: o.OnAlert}
}

// Used is the memory the queues hold (IQAllocatorTotalBytes).
func (p *Pool) Used() int64 { return p.used.Load() }

// Total is the memory the pool has grown to (MemoryPoolTotalBytes).
func (p *Pool) Total() int64 { return max(p.peak.Load(), p.used.Load()) }

// Available is the part of Total not holding operations
// (MemoryPoolBytesAvailable).
func (p *Pool) Available() int64 { return max(0, p.Total()-p.Used()) }

// Limit is QMemoryBufferMax in bytes.
func (p *Pool) Limit() int64 { return p.limit }

// DiskBytes is the size of every journal of the pool's queues.
func (p *Pool) DiskBytes() int64 { return p.disk.Load() }

func (p *Pool) add(n int64) {
	v := p.used.Add(n)
	for {
		pk := p.peak.Load()
		if v <= pk || p.peak.CompareAndSwap(pk, v) {
			break
		}
	}
}

func (p *Pool) addDisk(n int64) { p.disk.Add(n) }

// fits reports whether n more bytes stay at or below the spill point, and
// below the hard limit.
func (p *Pool) fits(n int64) (belowSpill, belowLimit bool) {
	u := p.used.Load() + n
	return u <= p.spillAt, u <= p.limit
}

// setDiskRoom records how much more the journals may grow (space limit or
// free space, whichever is smaller); a negative value means the disk queue
// is disabled.
func (p *Pool) setDiskRoom(room int64) {
	p.mu.Lock()
	p.diskCap, p.diskCapSet = room, true
	p.mu.Unlock()
}

// alertHysteresis is how many percentage points below the alert threshold
// the queues must fall before the alert can fire again.
const alertHysteresis = 5

// checkAlert runs the alert callback when the queues cross the alert
// threshold upwards.
func (p *Pool) checkAlert() {
	if p.alertPct <= 0 || p.onAlert == nil {
		return
	}
	used := p.used.Load() + p.disk.Load()
	p.mu.Lock()
	capacity := p.limit
	if p.diskCapSet && p.diskCap > 0 {
		capacity += p.disk.Load() + p.diskCap
	}
	fire := false
	switch {
	case used*100 >= capacity*p.alertPct:
		fire, p.alerted = !p.alerted, true
	case used*100 < capacity*max(0, p.alertPct-alertHysteresis):
		// Re-armed only well below the threshold, so a queue hovering
		// around it does not flood the log.
		p.alerted = false
	}
	p.mu.Unlock()
	if fire {
		p.onAlert(p.alertPct)
	}
}
