//go:build linux

package server_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/schedule"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

// Schedule events.
const (
	evTransmitStarted  = 4014
	evTransmitStopped  = 4015
	evBandwidthChanged = 4063
	evBandwidthPeriod  = 4064
)

// around is a window from h1 to h2 hours from now, every day.
func around(h1, h2 int) schedule.Window {
	now := time.Now()
	return schedule.Window{Start: now.Add(time.Duration(h1) * time.Hour).Format("15:04"),
		End: now.Add(time.Duration(h2) * time.Hour).Format("15:04")}
}

// Outside every transmission window the connection holds its data
// (conState 4, Scheduled, 4015); when the window opens it sends (4014).
func TestTransmissionWindow(t *testing.T) {
	p := startJob(t, nil, nil)
	w := watchEvents(t, p.Src, evTransmitStarted, evTransmitStopped)
	ctx := context.Background()
	if err := p.Src.SetSchedule(ctx, "j", &schedule.Spec{Transmit: []schedule.Window{around(2, 3)}}); err != nil {
		t.Fatal(err)
	}
	w.next(evTransmitStopped)
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool {
		return st.ConState == 4 && st.TransmitMode == "Scheduled"
	})
	before := counter(t, p, "conOpsTx")
	writeFile(t, filepath.Join(p.SrcDir, "later.txt"), "sent when the window opens")
	// The change is queued and held: the connection has sent no
	// replication byte and no operation since the window closed.
	st := p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool {
		return st.Counters["conOpsInRepQueue"]+st.Counters["conOpsInAckQueue"] > 0
	})
	if st.Counters["SentReplicationBytes"] != 0 || st.Counters["conOpsTx"] != before ||
		exists(filepath.Join(p.TgtDir, "later.txt")) {
		t.Fatalf("data was sent outside the transmission window: %v", st.Counters)
	}
	if err := p.Src.SetSchedule(ctx, "j", &schedule.Spec{Transmit: []schedule.Window{around(-1, 1)}}); err != nil {
		t.Fatal(err)
	}
	w.next(evTransmitStarted)
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	if st := p.WaitIdle(t, "j", wait); st.ConState != 1 {
		t.Fatalf("conState %d inside the window", st.ConState)
	}

	// The schedule is stored with the job.
	b := readFile(t, filepath.Join(p.SrcSettings.String(catalog.SettingDataPath), "jobs.json"))
	if !strings.Contains(b, `"transmit"`) {
		t.Fatalf("schedule not saved with the job:\n%s", b)
	}
	got, err := p.Src.Schedule(ctx, "j")
	if err != nil || len(got.Transmit) != 1 {
		t.Fatalf("schedule %+v %v", got, err)
	}
}

// A job that cannot reach its target outside its window is Scheduled and
// in Error: conState 12.
func TestScheduledWithError(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	writeFile(t, filepath.Join(p.SrcDir, "a.txt"), "a")
	p.CreateJob(t, "j", func(s *mgmt.JobSpec) { s.Target = dead })
	if err := p.Src.SetSchedule(context.Background(), "j", &schedule.Spec{Transmit: []schedule.Window{around(2, 3)}}); err != nil {
		t.Fatal(err)
	}
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.ConState == 12 })
}

// A bandwidth period in effect sets the limit (4064, 4063); leaving it
// restores the job's own.
func TestBandwidthPeriods(t *testing.T) {
	p := startJob(t, nil, nil)
	w := watchEvents(t, p.Src, evBandwidthChanged, evBandwidthPeriod)
	ctx := context.Background()
	spec := &schedule.Spec{Bandwidth: []schedule.Period{
		{Name: "Later", Window: around(2, 3), Kbps: 8},
		{Name: "Business hours", Window: around(-1, 1), Kbps: 64},
	}}
	if err := p.Src.SetSchedule(ctx, "j", spec); err != nil {
		t.Fatal(err)
	}
	if e := w.next(evBandwidthPeriod); e.Args[2] != "Business hours" {
		t.Fatalf("4064 inserts %q", e.Args)
	}
	if e := w.next(evBandwidthChanged); e.Args[2] != "64 Kbps" {
		t.Fatalf("4063 inserts %q", e.Args)
	}
	if got := counter(t, p, "conBandwidthLimit"); got != 64 {
		t.Fatalf("conBandwidthLimit %d", got)
	}
	writeFile(t, filepath.Join(p.SrcDir, "small.txt"), "still flows, slowly")
	waitSame(t, p.SrcDir, p.TgtDir, nil)

	if err := p.Src.SetSchedule(ctx, "j", nil); err != nil {
		t.Fatal(err)
	}
	if e := w.next(evBandwidthChanged); e.Args[2] != "Unlimited" {
		t.Fatalf("4063 inserts %q", e.Args)
	}
	if got := counter(t, p, "conBandwidthLimit"); got != 0 {
		t.Fatalf("conBandwidthLimit %d after the schedule was cleared", got)
	}
	if err := p.Src.SetSchedule(ctx, "j", &schedule.Spec{Bandwidth: []schedule.Period{{Name: "x", Window: around(0, 1)},
		{Name: "X", Window: around(0, 1)}}}); err == nil {
		t.Fatal("two periods with one name accepted")
	}
}

// A recurring verification runs as soon as it is scheduled.
func TestScheduledVerification(t *testing.T) {
	p := startJob(t, map[string]string{"VerifyLogAppend": "0"}, nil)
	w := watchEvents(t, p.Src, evVerifyStart, evVerifyDone)
	if err := p.Src.SetSchedule(context.Background(), "j", &schedule.Spec{Verify: &schedule.Verify{EveryMinutes: 60}}); err != nil {
		t.Fatal(err)
	}
	w.next(evVerifyStart)
	w.next(evVerifyDone)
	if log := verifyLog(t, p); !strings.Contains(log, "0 different, 0 missing") {
		t.Fatalf("log:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(p.SrcSettings.String(catalog.SettingLogDir), "DTVerify.log")); err != nil {
		t.Fatal(err)
	}
}
