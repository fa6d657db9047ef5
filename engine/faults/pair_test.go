//go:build linux

package faults

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/treecmp"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/stats"
)

// pair is a source and a target process and one job between them.
type pair struct {
	src, tgt       *proc
	srcDir, tgtDir string
	job            string
}

// pairOpts place and tune a pair.
type pairOpts struct {
	srcNS, tgtNS string // network namespaces; "" for the test's own
	targetHost   string // the address the source dials the target on
	tgtDir       string // replica location; "" for a fresh temporary one
	src, tgt     map[string]string
}

// startPair starts the target, then the source, then a job seeded with a
// small tree, and waits for the first mirror.
func startPair(t *testing.T, o pairOpts) *pair {
	t.Helper()
	if o.targetHost == "" {
		o.targetHost = "127.0.0.1"
	}
	p := &pair{srcDir: t.TempDir(), tgtDir: o.tgtDir, job: "faults"}
	if p.tgtDir == "" {
		p.tgtDir = filepath.Join(t.TempDir(), "replica")
	}
	p.tgt = newProc(t, "target", o.tgtNS, o.tgt)
	p.src = newProc(t, "source", o.srcNS, o.src)
	p.tgt.start(t)
	p.src.start(t)
	seed := newWorkload(p.srcDir, "s", 1)
	for i := 0; i < 60; i++ {
		seed.step()
	}
	c := p.src.client()
	defer c.Close()
	ctx := context.Background()
	spec := mgmt.JobSpec{Name: p.job, SourcePath: p.srcDir, Target: p.tgt.addr(o.targetHost), TargetPath: p.tgtDir}
	if err := c.CreateJob(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := c.StartJob(ctx, p.job); err != nil {
		t.Fatal(err)
	}
	if ok, why := p.waitSynced(t, 60*time.Second); !ok {
		t.Fatalf("first mirror: %s", why)
	}
	return p
}

// status is the job's status on the source.
func (p *pair) status() (mgmt.JobStatus, error) {
	c := p.src.client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.JobStatus(ctx, p.job)
}

// sourceStats is the source's statistics snapshot.
func (p *pair) sourceStats(t *testing.T) stats.Snapshot {
	t.Helper()
	c := p.src.client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.Stats(ctx)
	if err != nil {
		t.Fatalf("source statistics: %v", err)
	}
	return s
}

// targetStats is the target's statistics snapshot.
func (p *pair) targetStats(t *testing.T) stats.Snapshot {
	t.Helper()
	c := p.tgt.client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.Stats(ctx)
	if err != nil {
		t.Fatalf("target statistics: %v", err)
	}
	return s
}

// idle reports a connected job with nothing queued, unacknowledged or
// being mirrored.
func idle(st mgmt.JobStatus) bool {
	return st.ConState == mgmt.ConStateActive && st.MirrorStatus == mgmt.MirrorIdle &&
		st.Counters["conOpsInCmdQueue"] == 0 && st.Counters["conOpsInAckQueue"] == 0
}

// waitSynced waits until the job is idle and the replica equals the
// source, twice in a row half a second apart (so an equality that
// something still queued would undo does not count). It returns the last
// difference when the time runs out.
func (p *pair) waitSynced(t *testing.T, timeout time.Duration) (bool, string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last, streak := "", 0
	for time.Now().Before(deadline) {
		st, err := p.status()
		switch {
		case err != nil:
			last, streak = err.Error(), 0
		case !idle(st):
			last, streak = fmt.Sprintf("job not idle: conState %d, mirror %s, queued %d, unacknowledged %d, %s",
				st.ConState, st.MirrorStatus, st.Counters["conOpsInCmdQueue"], st.Counters["conOpsInAckQueue"],
				st.LastError), 0
		default:
			if d := treecmp.Compare(p.srcDir, p.tgtDir); d != "" {
				last, streak = d, 0
			} else if streak++; streak == 2 {
				return true, ""
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return false, last
}

// waitStatus polls the job's status until ok accepts it.
func (p *pair) waitStatus(t *testing.T, timeout time.Duration, what string, ok func(mgmt.JobStatus) bool) mgmt.JobStatus {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var st mgmt.JobStatus
	var err error
	for time.Now().Before(deadline) {
		if st, err = p.status(); err == nil && ok(st) {
			return st
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s; last status %+v, err %v", what, timeout, st, err)
	return st
}
