//go:build linux

package faults

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/treecmp"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

// overflowPair is an in-process pair whose source queue is tiny: 1 MB of
// replication memory, spilling at half of it, and the given disk queue.
func overflowPair(t *testing.T, src map[string]string) (*servertest.Pair, *events.Subscription) {
	t.Helper()
	over := map[string]string{"QMemoryBufferMax": "1", "MemoryQueueToDiskThreshold": "50",
		"SourcePendingAcks": "100", "QueueSizeAlertThreshold": "20"}
	for k, v := range src {
		over[k] = v
	}
	p := servertest.StartPair(t, servertest.Config{Source: over})
	sub := p.Src.Hub().Subscribe(4096, nil)
	t.Cleanup(sub.Close)
	p.CreateJob(t, "overflow", nil)
	p.WaitIdle(t, "overflow", 30*time.Second)
	return p, sub
}

// fillWhilePaused pauses the target and writes files on the source until
// the queue overflows, which shows as an auto-disconnect.
func fillWhilePaused(t *testing.T, p *servertest.Pair) {
	t.Helper()
	ctx := context.Background()
	// Files removed while the queue overflows: only the recovery's orphan
	// pass can remove them from the target.
	for i := 0; i < 5; i++ {
		name := filepath.Join(p.SrcDir, fmt.Sprintf("doomed-%d", i))
		if err := os.WriteFile(name, []byte("soon gone"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.WaitIdle(t, "overflow", 30*time.Second)
	if err := p.Tgt.PauseTarget(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for i := 0; ; i++ {
		st, err := p.Src.JobStatus(ctx, "overflow")
		if err == nil && st.ConState&mgmt.ConStateError != 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue never overflowed: %+v %v", st, err)
		}
		name := filepath.Join(p.SrcDir, fmt.Sprintf("load-%04d", i))
		if err := os.WriteFile(name, []byte(strings.Repeat(fmt.Sprint(i), 20<<10)), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < 5; i++ {
		if err := os.Remove(filepath.Join(p.SrcDir, fmt.Sprintf("doomed-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Tgt.ResumeTarget(ctx); err != nil {
		t.Fatal(err)
	}
}

// seen collects the events of sub so far.
func seen(sub *events.Subscription) []events.Event {
	var out []events.Event
	for {
		select {
		case e := <-sub.C():
			out = append(out, e)
		default:
			return out
		}
	}
}

// equal waits until the replica equals the source.
func equal(t *testing.T, p *servertest.Pair) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		p.WaitIdle(t, "overflow", 60*time.Second)
		d := treecmp.Compare(p.SrcDir, p.TgtDir)
		if d == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica differs: %s", d)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A full disk queue (QJournalSpaceMax) auto-disconnects the connection
// (4007 naming the filled disk-based queue, 4008), discards the queue,
// reconnects (4009, 4010) and remirrors with orphan removal, so the
// replica ends equal though the queued operations were lost. The queue
// size alert (4072) fires on the way.
func TestDiskQueueFullAutoDisconnects(t *testing.T) {
	p, sub := overflowPair(t, map[string]string{"QJournalSpaceMax": "1", "QJournalFileSize": "1",
		"QJournalDir": t.TempDir()})
	fillWhilePaused(t, p)
	equal(t, p)
	var reasons []string
	n := map[int]int{}
	for _, e := range seen(sub) {
		n[e.ID]++
		if e.ID == 4007 {
			reasons = append(reasons, e.Message)
		}
	}
	if len(reasons) == 0 || !strings.Contains(reasons[0], "disk-based queue on the source has been filled") {
		t.Fatalf("4007 reasons %q", reasons)
	}
	for _, id := range []int{4008, 4009, 4010, 4048, 4052, 4072} {
		if n[id] == 0 {
			t.Errorf("event %d not raised: %v", id, n)
		}
	}
	if n[8196] != 0 {
		t.Errorf("8196 (memory) raised for a full disk queue")
	}
	if v := p.Src.Snapshot().Source.Values["autoDisConnects"]; v == 0 {
		t.Error("autoDisConnects not counted")
	}
}

// Without a disk queue, replication memory running out raises 8196, shows
// Replication Status "Out of Memory", and auto-disconnects the same way.
func TestMemoryExhaustedAutoDisconnects(t *testing.T) {
	p, sub := overflowPair(t, map[string]string{"QJournalSpaceMax": "0"})
	ctx := context.Background()
	oom := make(chan string, 1)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if st, err := p.Src.JobStatus(ctx, "overflow"); err == nil && st.ReplicationStatus == mgmt.ReplicationOutOfMemory {
				oom <- st.ReplicationStatus
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	fillWhilePaused(t, p)
	equal(t, p)
	close(stop)
	n := map[string]int{}
	var reason string
	for _, e := range seen(sub) {
		n[fmt.Sprintf("%s/%d", e.Source, e.ID)]++
		if e.ID == 4007 && reason == "" {
			reason = e.Message
		}
	}
	if n["RepDrv/8196"] == 0 || !strings.Contains(reason, "replication memory exhausted") {
		t.Fatalf("events %v, first 4007 %q", n, reason)
	}
	select {
	case <-oom:
	default:
		t.Error(`Replication Status never showed "Out of Memory"`)
	}
	if st, _ := p.Src.JobStatus(ctx, "overflow"); st.ReplicationStatus == mgmt.ReplicationOutOfMemory {
		t.Errorf("still Out of Memory after recovering")
	}
}
