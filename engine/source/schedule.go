package source

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/schedule"
)

// Events of schedules.
const (
	eventBandwidthChanged = catalog.EventDoubleTake4063 // Bandwidth limit to %1 (%2) has changed to %3.
	eventBandwidthPeriod  = catalog.EventDoubleTake4064 // Bandwidth limit to %1 (%2) is now in the "%3" period at %4.
	eventTransmitStarted  = catalog.EventDoubleTake4014 // Service has started network transmission.
	eventTransmitStopped  = catalog.EventDoubleTake4015 // Service has stopped network transmission.
)

// schedState is the schedule in effect and what it decides now.
type schedState struct {
	c         *Connection
	spec      atomic.Pointer[schedule.Spec]
	poke      chan struct{} // a new schedule: apply it now
	held      atomic.Bool   // outside every transmission window: send nothing
	bandwidth atomic.Int64  // limit in effect, Kbps (the job's or a period's)
}

func (s *schedState) init(kbps int64) {
	s.poke = make(chan struct{}, 1)
	s.bandwidth.Store(kbps)
}

// SetSchedule replaces the connection's schedule (nil: none). It takes
// effect at the next ScheduleInterval tick.
func (c *Connection) SetSchedule(s *schedule.Spec) {
	if s.Empty() {
		s = nil
	}
	c.sched.spec.Store(s)
	select {
	case c.sched.poke <- struct{}{}:
	default:
	}
}

// Schedule is the connection's schedule, nil for none.
func (c *Connection) Schedule() *schedule.Spec { return c.sched.spec.Load() }

// run applies the schedule every ScheduleInterval seconds until
// ctx ends.
func (s *schedState) run(ctx context.Context) {
	c := s.c
	var sc scheduler
	for {
		c.sched.apply(&sc, time.Now())
		every := time.Duration(max(1, c.cfg.Settings.Int(catalog.SettingScheduleInterval))) * time.Second
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-c.sched.poke:
			t.Stop()
		}
	}
}

// scheduler is what the last tick applied.
type scheduler struct {
	period     string
	nextVerify time.Time
	verifyFor  *schedule.Verify
}

func kbpsText(k int64) string {
	if k <= 0 {
		return "Unlimited"
	}
	return strconv.FormatInt(k, 10) + " Kbps"
}

func (s *schedState) apply(sc *scheduler, now time.Time) {
	c := s.c
	spec := c.sched.spec.Load()
	a := c.ctxArgs()

	period, kbps := spec.BandwidthAt(now, c.cfg.BandwidthKbps)
	if period != sc.period {
		if period != "" {
			c.raise(eventBandwidthPeriod, a[0], a[1], period, now.Format(time.ANSIC))
		}
		sc.period = period
	}
	if old := c.sched.bandwidth.Swap(kbps); old != kbps {
		if s := c.sess.Load(); s != nil {
			_ = s.c.SetBandwidth(kbps)
		}
		c.raise(eventBandwidthChanged, a[0], a[1], kbpsText(kbps))
	}

	open := spec.TransmitAt(now)
	if !open && !c.sched.held.Swap(true) {
		c.raise(eventTransmitStopped)
	}
	if open && c.sched.held.Swap(false) {
		c.tx.wake()
		c.raise(eventTransmitStarted)
	}

	var v *schedule.Verify
	if spec != nil {
		v = spec.Verify
	}
	switch {
	case v == nil:
		sc.verifyFor = nil
	case sc.verifyFor == nil || *sc.verifyFor != *v:
		// A new recurring verification runs at once, then every EveryMinutes.
		sc.verifyFor = v
		sc.nextVerify = now
		fallthrough
	case !now.Before(sc.nextVerify):
		// Busy or disconnected: try again at the next tick.
		if err := c.StartVerify(VerifyOptions{Checksum: v.Checksum, Fix: v.Fix, Orphans: v.Orphans}); err == nil {
			sc.nextVerify = now.Add(time.Duration(v.EveryMinutes) * time.Minute)
		}
	}
}
