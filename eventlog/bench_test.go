//go:build linux

package eventlog

import (
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/exporters"
)

func benchEvent() events.Event {
	ce, _ := catalog.Must().Event(events.SourceEngine, 4016)
	args := []string{"target", "127.0.0.1", "replication set 1", "1"}
	return events.Event{Time: time.Now(), Source: events.SourceEngine, ID: 4016, Log: ce.Log, Level: ce.Level,
		Args: args, Message: ce.Render(args...), Context: events.Context{ConnID: 1, Job: "bench"}}
}

// benchWriter writes b.N events through w, as fast as its receiver takes
// them.
func benchWriter(b *testing.B, w Writer) {
	ev := benchEvent()
	defer w.Close()
	b.ResetTimer()
	for i := range b.N {
		ev.Seq = uint64(i)
		if err := w.Write(ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// Events per second through each writer into a real receiver. (journald
// rate-limits a sender to 10,000 entries per 30 s by default: past that it
// takes the datagrams and discards them, so the journald figure is what the
// writer sends, not what the journal keeps.)
func BenchmarkWriters(b *testing.B) {
	b.Run("journald", func(b *testing.B) {
		j := startJournald(b)
		benchWriter(b, NewJournalWriter(j.socket, "bench"))
	})
	rs := startRsyslog(b)
	for _, n := range []string{SyslogUDP, SyslogTCP, SyslogTLS, SyslogUnix} {
		b.Run("syslog-"+n, func(b *testing.B) { benchWriter(b, NewSyslogWriter(rs.config(n))) })
	}
}

// Rendering alone, without a receiver.
func BenchmarkEncode(b *testing.B) {
	ev := benchEvent()
	b.Run("journald", func(b *testing.B) {
		w := NewJournalWriter("", "bench")
		for range b.N {
			w.buf.Reset()
			w.encode(&w.buf, ev)
		}
	})
	b.Run("syslog", func(b *testing.B) {
		w := NewSyslogWriter(SyslogConfig{Network: SyslogTCP, Enterprise: "32473"})
		for range b.N {
			w.format(ev)
		}
	})
}

// round is a testing.TB whose cleanups run when the round ends, so each
// round's pair stops before the next one starts.
type round struct {
	testing.TB
	cleanups []func()
}

func (r *round) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *round) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

// replicateOnce times a replicating pair mirroring files into a fresh
// target, from job creation to idle; attach runs on each server first.
func replicateOnce(b *testing.B, files int, attach func(testing.TB, exporters.Engine)) time.Duration {
	r := &round{TB: b}
	defer r.end()
	p := servertest.StartPair(r, servertest.Config{Prepare: func(src, tgt *server.Server) {
		if attach != nil {
			attach(r, src)
			attach(r, tgt)
		}
	}})
	writeFiles(r, p.SrcDir, files)
	start := time.Now()
	p.CreateJob(r, "bench", nil)
	p.WaitIdle(r, "bench", 5*time.Minute)
	return time.Since(start)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// Replication with every writer's receiver stopped (journald killed, a
// SIGSTOPped rsyslogd that accepts TCP connections and never reads) against
// replication without event log writers, alternately in one run: the ratio
// of the medians is the cost of a dead receiver to the engine (1.0: none).
// Run with -benchtime=Nx for N rounds of each.
func BenchmarkReplicationWithStoppedReceivers(b *testing.B) {
	const files = 300
	j := startJournald(b)
	j.stop()
	rs := startRsyslog(b)
	if err := rs.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rs.cmd.Process.Signal(syscall.SIGCONT) })
	attach := func(t testing.TB, eng exporters.Engine) {
		runConsumer(t, eng, []Route{
			{Writer: NewJournalWriter(j.socket, eng.ServerName()), Levels: AllLevels},
			{Writer: NewSyslogWriter(rs.config(SyslogTCP)), Levels: AllLevels},
			{Writer: NewSyslogWriter(rs.config(SyslogUDP)), Levels: AllLevels},
		}, 16)
	}
	var base, stopped []time.Duration
	b.ResetTimer()
	for range b.N {
		base = append(base, replicateOnce(b, files, nil))
		stopped = append(stopped, replicateOnce(b, files, attach))
	}
	b.ReportMetric(float64(median(base).Milliseconds()), "base-ms")
	b.ReportMetric(float64(median(stopped).Milliseconds()), "stopped-ms")
	b.ReportMetric(float64(median(stopped))/float64(median(base)), "ratio")
}
