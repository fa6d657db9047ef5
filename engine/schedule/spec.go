package schedule

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Chapter 5 codes for a refused schedule.
const (
	codeTimeInvalid     = 115  // Time is invalid - valid format is hh:mm
	codeScheduleInvalid = 139  // Schedule command is invalid
	codeNameExists      = 2302 // Bandwidth limiting name exists
	codeDayInvalid      = 2304 // Bandwidth limit day is invalid
	codeLabelInvalid    = 2305 // Bandwidth limit label is invalid
)

// Limits keep a stored schedule small.
const (
	MaxPeriods = 64
	MaxWindows = 64
)

// Spec is a job's schedule. The zero value schedules nothing.
type Spec struct {
	// Bandwidth periods, first match wins; outside them the job's own
	// bandwidth limit applies.
	Bandwidth []Period `json:"bandwidth,omitempty"`
	// Transmit windows: when any is set, data is sent only inside one.
	Transmit []Window `json:"transmit,omitempty"`
	// Verify, when set, runs a verification every EveryMinutes.
	Verify *Verify `json:"verify,omitempty"`
}

// Window is a stretch of time on some days of the week.
type Window struct {
	Days  []string `json:"days,omitempty"` // "mon".."sun"; empty: every day
	Start string   `json:"start"`          // "HH:MM"
	End   string   `json:"end"`            // "HH:MM"
}

// Period is a named bandwidth window.
type Period struct {
	Name string `json:"name"`
	Window
	Kbps int64 `json:"kbps"` // 0 is Unlimited
}

// Verify is a recurring verification.
type Verify struct {
	EveryMinutes int  `json:"every_minutes"`
	Checksum     bool `json:"checksum,omitempty"`
	Fix          bool `json:"fix,omitempty"`
	Orphans      bool `json:"orphans,omitempty"`
}

var dayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Empty reports whether s schedules nothing.
func (s *Spec) Empty() bool {
	return s == nil || (len(s.Bandwidth) == 0 && len(s.Transmit) == 0 && s.Verify == nil)
}

// Validate checks every field; the error is a chapter 5 error naming the
// field.
func (s *Spec) Validate() error {
	if s == nil {
		return nil
	}
	if len(s.Bandwidth) > MaxPeriods || len(s.Transmit) > MaxWindows {
		return catalog.Err(codeScheduleInvalid, "at most %d bandwidth periods and %d transmit windows", MaxPeriods, MaxWindows)
	}
	names := map[string]bool{}
	for i, p := range s.Bandwidth {
		label := strings.TrimSpace(p.Name)
		if label == "" || label != p.Name || len(label) > 64 || strings.ContainsAny(label, "\"\n\r\t") {
			return catalog.Err(codeLabelInvalid, "bandwidth period %d: name %q", i+1, p.Name)
		}
		if names[strings.ToLower(label)] {
			return catalog.Err(codeNameExists, "bandwidth period %q is defined twice", label)
		}
		names[strings.ToLower(label)] = true
		if p.Kbps < 0 {
			return catalog.Err(codeScheduleInvalid, "bandwidth period %q: kbps %d must be 0 (Unlimited) or more", label, p.Kbps)
		}
		if err := p.Window.validate("bandwidth period " + label); err != nil {
			return err
		}
	}
	for i, w := range s.Transmit {
		if err := w.validate(fmt.Sprintf("transmit window %d", i+1)); err != nil {
			return err
		}
	}
	if v := s.Verify; v != nil && (v.EveryMinutes < 1 || v.EveryMinutes > 366*24*60) {
		return catalog.Err(codeScheduleInvalid, "verify every %d minutes: allowed 1 to %d", v.EveryMinutes, 366*24*60)
	}
	return nil
}

func (w *Window) validate(what string) error {
	for _, d := range w.Days {
		if !slices.Contains(dayNames, d) {
			return catalog.Err(codeDayInvalid, "%s: day %q (use %s)", what, d, strings.Join(dayNames, ", "))
		}
	}
	if _, err := clock(w.Start); err != nil {
		return catalog.Err(codeTimeInvalid, "%s: start %q", what, w.Start)
	}
	if _, err := clock(w.End); err != nil {
		return catalog.Err(codeTimeInvalid, "%s: end %q", what, w.End)
	}
	return nil
}

// clock parses "HH:MM" into minutes after midnight.
func clock(s string) (int, error) {
	bad := fmt.Errorf("time %q is not HH:MM", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	var d [4]int
	for i, c := range []byte(s[:2] + s[3:]) {
		if c < '0' || c > '9' {
			return 0, bad
		}
		d[i] = int(c - '0')
	}
	h, m := d[0]*10+d[1], d[2]*10+d[3]
	if h > 23 || m > 59 {
		return 0, bad
	}
	return h*60 + m, nil
}

func (w *Window) onDay(d time.Weekday) bool {
	return len(w.Days) == 0 || slices.Contains(w.Days, dayNames[d])
}

// Contains reports whether t falls inside the window. The window must be
// valid.
func (w *Window) Contains(t time.Time) bool {
	start, _ := clock(w.Start)
	end, _ := clock(w.End)
	tod := t.Hour()*60 + t.Minute()
	switch {
	case start == end:
		return w.onDay(t.Weekday())
	case start < end:
		return w.onDay(t.Weekday()) && tod >= start && tod < end
	}
	// Past midnight: the late part belongs to the day it started on.
	yesterday := (t.Weekday() + 6) % 7
	return (w.onDay(t.Weekday()) && tod >= start) || (w.onDay(yesterday) && tod < end)
}

// BandwidthAt is the bandwidth limit at t: the first period containing t,
// or def (the job's own limit) with an empty name outside every period.
func (s *Spec) BandwidthAt(t time.Time, def int64) (period string, kbps int64) {
	if s == nil {
		return "", def
	}
	for i := range s.Bandwidth {
		if s.Bandwidth[i].Contains(t) {
			return s.Bandwidth[i].Name, s.Bandwidth[i].Kbps
		}
	}
	return "", def
}

// TransmitAt reports whether data may be sent at t: always without
// windows, else only inside one.
func (s *Spec) TransmitAt(t time.Time) bool {
	if s == nil || len(s.Transmit) == 0 {
		return true
	}
	for i := range s.Transmit {
		if s.Transmit[i].Contains(t) {
			return true
		}
	}
	return false
}
