//go:build linux

package eventlog

import (
	"strconv"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// outage raises a flood of events at a consumer whose receiver is down,
// and proves the cost lands on the writer, not on the engine: Raise never
// waits, the writer's buffer holds at most its size, every other event is
// counted as dropped; once the receiver is back the writer delivers again.
func outage(t *testing.T, w Writer, stopReceiver, startReceiver func(), delivered func(seq uint64) bool) {
	t.Helper()
	const buffer, flood = 64, 20000
	eng := newHubEngine()
	c := runConsumer(t, eng, []Route{{Writer: w, Levels: AllLevels}}, buffer)
	first := eng.hub.Raise(catalog.EventDoubleTake4016, events.Context{ConnID: 1}, "t", "127.0.0.1", "rs", "1")
	waitFor(t, 30*time.Second, "the first event delivered", func() bool { return delivered(first.Seq) })

	stopReceiver()
	start := time.Now()
	for i := range flood {
		eng.hub.Raise(catalog.EventDoubleTake4016, events.Context{ConnID: 1}, "t", "127.0.0.1", "rs", strconv.Itoa(i))
	}
	raising := time.Since(start)
	waitFor(t, 30*time.Second, "the writer to fail", func() bool { return !c.Stats()[0].Up })
	st := c.Stats()[0]
	// Every raised event is accounted for: dropped by the hub, waiting in
	// the full buffer, taken by the writer before it noticed the receiver
	// was gone (a stream socket accepts a write or two into a dead
	// connection), or the one the writer retries.
	if taken := st.Written - 1; st.Buffered != buffer || st.Dropped+uint64(st.Buffered)+taken+1 != flood || st.Errors == 0 {
		t.Fatalf("receiver down: %+v: %d raised, want the buffer full and every event counted", st, flood)
	}
	t.Logf("%d events raised at a stopped %s receiver in %v (%.0f ns each); %d dropped, %d buffered",
		flood, w.Name(), raising, float64(raising.Nanoseconds())/flood, st.Dropped, st.Buffered)

	startReceiver()
	// The buffered events go first (the hub drops what arrives while the
	// buffer is still full), then new ones flow again.
	waitFor(t, 60*time.Second, "the buffer delivered", func() bool { s := c.Stats()[0]; return s.Up && s.Buffered == 0 })
	if got := c.Stats()[0].Written; got != st.Written+buffer+1 {
		t.Fatalf("%d written after the receiver returned, want the %d buffered and the retried one", got-st.Written, buffer)
	}
	last := eng.hub.Raise(catalog.EventDoubleTake4017, events.Context{ConnID: 1}, "t", "127.0.0.1", "rs", "1")
	waitFor(t, 30*time.Second, "delivery after the receiver returned", func() bool { return delivered(last.Seq) })
}

func TestJournaldOutage(t *testing.T) {
	j := startJournald(t)
	outage(t, NewJournalWriter(j.socket, "hub"), j.stop, func() { j.start(t) }, func(seq uint64) bool {
		return len(j.query(t, FieldSeq+"="+strconv.FormatUint(seq, 10), "DTREP_SERVER=hub")) == 1
	})
}

func TestSyslogTCPOutage(t *testing.T) {
	rs := startRsyslog(t)
	outage(t, NewSyslogWriter(rs.config(SyslogTCP)), rs.stop, func() { rs.start(t) }, func(seq uint64) bool {
		want := strconv.FormatUint(seq, 10)
		for _, l := range rs.lines(t) {
			if sdParams(t, l.sd, "dtrep@32473")["seq"] == want {
				return true
			}
		}
		return false
	})
}
