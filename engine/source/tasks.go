package source

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/task"
	"github.com/dtrep/dtrep/engine/wire"
)

// codeNotSupported is chapter 5's "Operation or command is not supported",
// returned for a task submitted while EnableTaskCmdProcessing is 0.
const codeNotSupported = 161

// taskBook holds the tasks queued in the stream until the target tells
// their outcome, and the task counters of the connection block.
type taskBook struct {
	c       *Connection
	mu      sync.Mutex
	pending map[uint64]task.Command // op sequence -> task awaiting its outcome
	next    atomic.Uint64
	cnt     taskCounters
}

// taskCounters are the task counters of the connection block.
type taskCounters struct {
	submitted, queued, succeeded, failed, ignored *atomic.Int64
}

func (b *taskBook) init(s *stats.Set[catalog.Connection]) {
	b.pending = map[uint64]task.Command{}
	b.cnt = taskCounters{
		submitted: s.Counter(catalog.StatConTaskCmdsSubmitted), queued: s.Counter(catalog.StatConTaskCmdsQueued),
		succeeded: s.Counter(catalog.StatConTasksSucceeded), failed: s.Counter(catalog.StatConTasksFailed),
		ignored: s.Counter(catalog.StatConTasksIgnored),
	}
}

// TaskRequest is a task command as the management API submits it.
type TaskRequest struct {
	Name    string
	By      string   // the submitting user
	Timeout int64    // seconds to wait for it on the target; 0 does not wait
	Argv    []string // program and arguments
}

// SubmitTask queues a task command in the replication stream: it runs on
// the target after every op queued before it has been applied (event 4200,
// conTaskCmdsSubmitted and conTaskCmdsQueued). With EnableTaskCmdProcessing
// 0 the task is counted as submitted and ignored, and refused with 161.
func (c *Connection) SubmitTask(r TaskRequest) (task.Command, error) {
	c.tasks.cnt.submitted.Add(1)
	cmd := task.Command{ID: c.tasks.next.Add(1), Name: r.Name, From: c.cfg.ServerName, By: r.By,
		At: time.Now().Truncate(time.Second), Timeout: r.Timeout, Argv: r.Argv}
	if c.cfg.Settings.Int(catalog.SettingEnableTaskCmdProcessing) == 0 {
		c.tasks.cnt.ignored.Add(1)
		return cmd, catalog.Err(codeNotSupported, "task commands are disabled (EnableTaskCmdProcessing is 0)")
	}
	data, err := cmd.Encode()
	if err != nil {
		c.tasks.cnt.ignored.Add(1)
		return cmd, catalog.Wrap(catalog.CodeInvalidParameter, err, "task")
	}
	// Changes made before the submission reach the queue first, so the task
	// sees them applied.
	_ = c.ops.settle(c.life.ctx)
	op := &wire.Op{Kind: wire.OpTask, Path: cmd.Label(), Data: data, UID: -1, GID: -1}
	// Under the builder's lock, so the task lands between whole files.
	c.b.mu.Lock()
	seq := c.q.Push(op)
	if seq != 0 {
		c.tasks.mu.Lock()
		c.tasks.pending[seq] = cmd
		c.tasks.mu.Unlock()
	}
	c.b.mu.Unlock()
	if seq == 0 {
		c.tasks.cnt.ignored.Add(1)
		return cmd, catalog.Err(catalog.CodeMemoryLow, "the queue refused the task")
	}
	c.tasks.cnt.queued.Add(1)
	c.raise(task.EventSubmitted, cmd.SubmittedArgs()...)
	return cmd, nil
}

// result counts what the target did with a task.
func (b *taskBook) result(m *wire.TaskResult) {
	c := b.c
	c.tasks.mu.Lock()
	_, ok := c.tasks.pending[m.Seq]
	delete(c.tasks.pending, m.Seq)
	c.tasks.mu.Unlock()
	if !ok {
		return // a task resent after a reconnect, already counted
	}
	switch m.Outcome {
	case wire.TaskSucceeded:
		c.tasks.cnt.succeeded.Add(1)
	case wire.TaskFailed:
		c.tasks.cnt.failed.Add(1)
	case wire.TaskIgnored:
		c.tasks.cnt.ignored.Add(1)
	}
}

// acked forgets tasks the target made durable without telling their
// outcome (its result was lost with a session): they will not run again,
// so they are neither pending nor discarded.
func (b *taskBook) acked(seq uint64) {
	c := b.c
	c.tasks.mu.Lock()
	defer c.tasks.mu.Unlock()
	for s := range c.tasks.pending {
		if s <= seq {
			delete(c.tasks.pending, s)
		}
	}
}

// discard raises 4201 for every task that will never run: the
// connection is stopping with them still queued.
func (b *taskBook) discard() {
	c := b.c
	c.tasks.mu.Lock()
	pending := c.tasks.pending
	c.tasks.pending = map[uint64]task.Command{}
	c.tasks.mu.Unlock()
	for _, cmd := range pending {
		c.raise(task.EventDiscarded, cmd.SubmittedArgs()...)
	}
}
