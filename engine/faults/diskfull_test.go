//go:build linux

package faults

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/internal/testtool"
	"golang.org/x/sys/unix"
)

// smallDisk mounts a tmpfs of size bytes at a fresh directory, unmounted
// when the test ends. Without the privilege to mount, the test fails
// under CI and is skipped otherwise.
func smallDisk(t *testing.T, size int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		testtool.Missing(t, "cannot mount a tmpfs (root needed): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func freeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// TestTargetDiskFull replicates onto a small tmpfs that a filler file has
// all but filled: the target cannot write, raises event 4110 and retries
// (Target Status Retrying, the Retries counter) without dropping anything;
// once the filler is deleted the writes go through (4120) and the replica
// equals the source.
func TestTargetDiskFull(t *testing.T) {
	n := trials(t, 2)
	disk := smallDisk(t, 8<<20)
	p := startPair(t, pairOpts{tgtDir: filepath.Join(disk, "replica")})
	retries := func() int64 {
		var n int64
		for _, in := range p.targetStats(t).Targets {
			n += in.Values["Retries"]
		}
		return n
	}
	ran, identical := 0, 0
	for round := 1; round <= n; round++ {
		before := countEvents(p.tgt.events(t))
		retried := retries()
		// Leave 256 KiB free, then write 2 MiB of new files on the source,
		// with small changes around them. Everything of the round lives in
		// a directory of its own, removed once the round is over, so any
		// number of rounds fits the disk.
		filler := filepath.Join(disk, "filler")
		free := freeBytes(t, disk)
		if free < 4<<20 {
			t.Fatalf("round %d: only %d bytes free before filling: earlier rounds left too much", round, free)
		}
		if err := os.WriteFile(filler, make([]byte, free-256<<10), 0o600); err != nil {
			t.Fatal(err)
		}
		roundDir := filepath.Join(p.srcDir, fmt.Sprintf("round-%d", round))
		if err := os.Mkdir(roundDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 8; i++ {
			name := filepath.Join(roundDir, fmt.Sprintf("big-%d", i))
			data := strings.Repeat(fmt.Sprintf("round %d block %d ", round, i), 256<<10/18)
			if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		w := newWorkload(roundDir, "x", time.Now().UnixNano())
		w.maxBytes = 8 << 10
		r := w.run(2 * time.Millisecond)
		time.Sleep(time.Second)
		r.halt()

		// The target retries: event 4110, Target Status Retrying.
		deadline := time.Now().Add(30 * time.Second)
		for countEvents(p.tgt.events(t))[4110] <= before[4110] {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: no event 4110 (target disk full) within 30s", round)
			}
			time.Sleep(200 * time.Millisecond)
		}
		deadline = time.Now().Add(20 * time.Second)
		for !strings.Contains(p.tgt.viewJSON(t), `"Retrying"`) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: Target Status never Retrying: %s", round, p.tgt.viewJSON(t))
			}
			time.Sleep(200 * time.Millisecond)
		}
		if st, err := p.status(); err != nil || st.Counters["conOpsInAckQueue"] == 0 {
			t.Fatalf("round %d: nothing waits for the full target: %+v %v", round, st.Counters, err)
		}

		// Space returns: everything is written, nothing was lost.
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
		ran++
		if ok, why := p.waitSynced(t, 60*time.Second); ok {
			identical++
		} else {
			t.Errorf("round %d: after space returned: %s", round, why)
			continue
		}
		ev := countEvents(p.tgt.events(t))
		if retries() <= retried {
			t.Errorf("round %d: the Retries counter did not count the retries", round)
		}
		if ev[4120] <= before[4120] {
			t.Errorf("round %d: no event 4120 (write completed after retries): %v", round, ev)
		}
		if err := os.RemoveAll(roundDir); err != nil {
			t.Fatal(err)
		}
		if ok, why := p.waitSynced(t, 30*time.Second); !ok {
			t.Fatalf("round %d: removing the round's files: %s", round, why)
		}
	}
	ev := countEvents(p.tgt.events(t))
	t.Logf("disk full trials: %d ran, %d identical; target retries %d, events 4110 %d, 4120 %d",
		ran, identical, retries(), ev[4110], ev[4120])
}
