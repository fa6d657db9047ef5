package apply

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// Apply applies one op, retrying it per the options while it fails with a
// condition that can clear. It returns nil once applied, an error wrapping
// ErrDropped (and a chapter 5 error) when the op was discarded, or the
// context's error if ctx ended while waiting to retry, in which case the op
// is neither applied nor dropped.
func (a *Applier) Apply(ctx context.Context, op *wire.Op) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return errClosed
	}
	if a.opts.CloseDelay > 0 {
		a.keep(a.h.closeIdle(time.Now().Add(-a.opts.CloseDelay)))
	}

	if err := validate(op); err != nil {
		return a.drop(op, err, classRefused, 0)
	}
	if op.Kind == wire.OpTask {
		a.runTask(ctx, op)
		a.applied(op)
		return nil
	}

	lastClass := class(-1)
	for attempt := 0; ; attempt++ {
		err := a.applyOnce(op)
		if err == nil {
			a.retrying.Store(false)
			if attempt > 0 && a.opts.UnfinishedOpEvent {
				a.event(EventRetrySucceeded, a.display(op.Path, false), strconv.Itoa(attempt))
			}
			a.applied(op)
			return nil
		}
		cl := classify(err)
		if !cl.retryable() || (a.opts.RetryLimit > 0 && attempt >= a.opts.RetryLimit) {
			a.retrying.Store(false)
			return a.drop(op, err, cl, attempt)
		}
		if cl != lastClass && a.opts.UnfinishedOpEvent {
			// Announced when an op starts failing and again only if the
			// reason changes, so a long outage does not flood the log.
			a.event(cl.retryEvent(), a.display(op.Path, false), retriesText(a.opts.RetryLimit))
			lastClass = cl
		}
		if a.opts.NotifyAfter > 0 && attempt+1 >= a.opts.NotifyAfter {
			a.retrying.Store(true)
		}
		if werr := wait(ctx, a.opts.RetryInterval); werr != nil {
			a.retrying.Store(false)
			return fmt.Errorf("apply: %s %q interrupted while retrying (%w): %w", op.Kind, op.Path, err, werr)
		}
		a.counters.Retries.Add(1)
	}
}

func (a *Applier) applied(op *wire.Op) {
	a.counters.OpsApplied.Add(1)
	if op.Mirror {
		a.counters.MirrorOpsApplied.Add(1)
	}
}

// drop discards op after retries attempts, raising 4150 and entering the
// "Mirror Required" state.
func (a *Applier) drop(op *wire.Op, err error, cl class, retries int) error {
	a.counters.OpsDropped.Add(1)
	a.needsMirror.Store(true)
	a.event(EventDropped, a.display(op.Path, cl == classRefused), strconv.Itoa(retries))
	if catalog.CodeOf(err) == 0 {
		err = catalog.Wrap(cl.code(), err, "")
	}
	return fmt.Errorf("%w: %s %q after %d retries: %w", ErrDropped, op.Kind, op.Path, retries, err)
}

// wait sleeps d or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runTask runs a task command once: the reference counts task failures
// but never retries or drops them.
func (a *Applier) runTask(ctx context.Context, op *wire.Op) {
	if a.opts.RunTask == nil {
		a.counters.TasksIgnored.Add(1)
		return
	}
	if err := a.opts.RunTask(ctx, op.Data); err != nil {
		if errors.Is(err, ErrTaskIgnored) {
			a.counters.TasksIgnored.Add(1)
			return
		}
		a.counters.TasksFailed.Add(1)
		return
	}
	a.counters.TasksSucceeded.Add(1)
}
