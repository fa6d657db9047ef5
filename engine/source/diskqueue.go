package source

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"weak"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/queue"
	"github.com/dtrep/dtrep/engine/stats"
)

// unlimitedMB is QJournalSpaceMax's "Unlimited".
const unlimitedMB = 4294967295

// queueDir is where a job's disk queue lives: QJournalDir/<job ID>. While
// QJournalDir is still its installation default and DataPath was moved
// elsewhere, the queue follows DataPath (DataPath/queue), so a server
// whose data lives apart (a test, a second instance) keeps its queue there
// too.
func queueDir(st Settings, jobID string) string {
	dir := st.String(catalog.SettingQJournalDir)
	if cat, err := catalog.Load(); err == nil {
		qd, _ := cat.Setting(catalog.SettingQJournalDir.Name())
		dp, _ := cat.Setting(catalog.SettingDataPath.Name())
		if dir == qd.Value {
			if data := st.String(catalog.SettingDataPath); data != "" && data != dp.Value {
				dir = filepath.Join(data, "queue")
			}
		}
	}
	return filepath.Join(dir, jobID)
}

// queueOpts reads the queue settings of chapter 11.
func queueOpts(st Settings, jobID string) queue.Opts {
	mb := func(id catalog.SettingID) int64 { return st.Int(id) << 20 }
	o := queue.Opts{
		JobID:                 jobID,
		SegmentBytes:          mb(catalog.SettingQJournalFileSize),
		FreeSpaceMin:          mb(catalog.SettingQJournalFreeSpaceMin),
		DisconnectAtThreshold: st.Int(catalog.SettingMemoryAllocatorCallbackMode) == 0,
	}
	switch space := st.Int(catalog.SettingQJournalSpaceMax); {
	case space == 0:
		// Zero disables disk queuing: the queue lives in memory only.
	case space >= unlimitedMB:
		o.Dir = queueDir(st, jobID)
	default:
		o.Dir, o.SpaceMax = queueDir(st, jobID), space<<20
	}
	return o
}

// open opens the connection's queue: the job's journal when disk
// queuing is on, so what a crashed source had queued is sent after its
// restart under the same epoch. A journal that cannot be opened leaves the
// connection with a memory queue.
func (d *diskQueueState) open() *queue.Queue {
	c := d.c
	o := queueOpts(c.cfg.Settings, c.cfg.JobID)
	o.Pool = poolFor(c.cfg.Kernel, c.cfg.Settings, c.cfg.Hub)
	o.OnOverflow = c.dq.onOverflow
	o.OnAcked = c.b.recycle
	o.Log = c.cfg.Log
	q, rec, err := queue.Open(o)
	if err != nil {
		c.cfg.Log.Warn("source disk queue unusable: queuing in memory only", "connection", c.cfg.ID,
			"dir", o.Dir, "err", err)
		o.Dir = ""
		q, _, _ = queue.Open(o)
	}
	switch {
	case rec.Damaged:
		c.cfg.Log.Warn("source disk queue damaged: operations lost, a remirror is needed", "connection", c.cfg.ID,
			"dir", o.Dir, "detail", rec.Detail, "recovered", rec.Records)
		c.dq.damaged = true
		c.dq.orphans.Store(true)
	case rec.Unclean:
		c.cfg.Log.Warn("source stopped without shutting down: remirroring with orphan removal", "connection", c.cfg.ID,
			"dir", o.Dir, "recovered", rec.Records, "torn_tail", rec.TornTail)
		c.dq.orphans.Store(true)
	case rec.Records > 0:
		c.cfg.Log.Info("source disk queue recovered", "connection", c.cfg.ID, "dir", o.Dir,
			"operations", rec.Records, "bytes", rec.Bytes, "torn_tail", rec.TornTail)
	}
	return q
}

// close ends the queue with the connection: an empty queue is
// removed (the next start begins a new epoch with nothing to resend); one
// still holding operations stays for the next start to send.
func (d *diskQueueState) close() {
	c := d.c
	var err error
	if c.q.Idle() {
		err = c.q.Discard()
	} else {
		err = c.q.Close()
	}
	if err != nil {
		c.cfg.Log.Warn("closing the source queue", "connection", c.cfg.ID, "err", err)
	}
}

// RemoveQueue deletes the disk queue a job left behind (the job was
// deleted; a stopped job keeps it for its next start).
func RemoveQueue(st Settings, jobID string) error {
	if !jobIDPattern.MatchString(jobID) {
		return catalog.Err(catalog.CodeInvalidParameter, "job ID %q", jobID)
	}
	if err := os.RemoveAll(queueDir(st, jobID)); err != nil {
		return fmt.Errorf("removing the source queue of job %s: %w", jobID, err)
	}
	return nil
}

// jobIDPattern keeps a job ID to one path element.
var jobIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// bindCounters publishes the disk queue level.
func (d *diskQueueState) bindCounters() {
	c := d.c
	q := c.q
	c.cfg.Stats.SetFunc(catalog.StatConBytesInDiskQueue, func() int64 { return q.Counts().BytesInDiskQueue })
}

// pools holds one memory pool per server, keyed by its kernel statistics
// block (the server-wide scope the pool's counters belong to) without
// keeping a stopped server's statistics alive.
var pools struct {
	mu sync.Mutex
	m  map[weak.Pointer[stats.Set[catalog.Kernel]]]*queue.Pool
}

// poolFor returns the server's pool, creating it and binding the kernel
// counters on first use. QMemoryBufferMax, MemoryQueueToDiskThreshold and
// QueueSizeAlertThreshold apply at service start, so they are read once.
func poolFor(kernel *stats.Set[catalog.Kernel], st Settings, hub *events.Hub) *queue.Pool {
	pools.mu.Lock()
	defer pools.mu.Unlock()
	if pools.m == nil {
		pools.m = map[weak.Pointer[stats.Set[catalog.Kernel]]]*queue.Pool{}
	}
	for k := range pools.m {
		if k.Value() == nil {
			delete(pools.m, k)
		}
	}
	key := weak.Make(kernel)
	if p, ok := pools.m[key]; ok {
		return p
	}
	p := queue.NewPool(queue.PoolOpts{
		LimitBytes:   st.Int(catalog.SettingQMemoryBufferMax) << 20,
		SpillPercent: st.Int(catalog.SettingMemoryQueueToDiskThreshold),
		AlertPercent: st.Int(catalog.SettingQueueSizeAlertThreshold),
		OnAlert: func(pct int64) {
			hub.Raise(catalog.EventDoubleTake4072, events.Context{}, strconv.FormatInt(pct, 10)+"%")
		},
	})
	pools.m[key] = p
	if kernel != nil {
		for _, name := range []catalog.Num[catalog.Kernel]{catalog.StatIQAllocatorTotalBytes, catalog.StatCurrentMemoryUsage, catalog.StatDoubleTakeQueueMemoryUsage} {
			kernel.SetFunc(name, p.Used)
		}
		kernel.SetFunc(catalog.StatMemoryPoolTotalBytes, p.Total)
		kernel.SetFunc(catalog.StatMemoryPoolBytesAvailable, p.Available)
	}
	return p
}
