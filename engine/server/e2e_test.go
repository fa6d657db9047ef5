//go:build linux

package server

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestMirrorThenLiveWorkload(t *testing.T) {
	p := startPair(t, nil)
	rng := rand.New(rand.NewSource(1))
	big := make([]byte, 3<<20+123)
	rng.Read(big)
	writeFile(t, filepath.Join(p.srcDir, "big.bin"), big, 0o644)
	writeFile(t, filepath.Join(p.srcDir, "dir/a/one.txt"), []byte("one"), 0o600)
	writeFile(t, filepath.Join(p.srcDir, "dir/a/two.txt"), []byte("two"), 0o640)
	writeFile(t, filepath.Join(p.srcDir, "empty"), nil, 0o644)
	if err := os.Symlink("dir/a/one.txt", filepath.Join(p.srcDir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(p.srcDir, "dir/a/two.txt"), filepath.Join(p.srcDir, "hard")); err != nil {
		t.Fatal(err)
	}

	p.createJob(t, "job1", nil)
	p.waitSynced(t, "job1", 30*time.Second)

	// Live workload.
	src := func(s string) string { return filepath.Join(p.srcDir, s) }
	// Rename a non-empty directory, then write inside it.
	must(t, os.Rename(src("dir/a"), src("dir/b")))
	writeFile(t, src("dir/b/three.txt"), []byte("three"), 0o644)
	// Rapid create-rename-delete.
	for i := 0; i < 50; i++ {
		n := src(fmt.Sprintf("tmp%d", i))
		writeFile(t, n, []byte("x"), 0o644)
		must(t, os.Rename(n, n+".renamed"))
		if i%2 == 0 {
			must(t, os.Remove(n+".renamed"))
		}
	}
	// Overwrite in the middle of the large file, append, truncate.
	f, err := os.OpenFile(src("big.bin"), os.O_RDWR, 0)
	must(t, err)
	_, err = f.WriteAt(bytes.Repeat([]byte("M"), 5000), 1<<20)
	must(t, err)
	_, err = f.WriteAt([]byte("appended"), int64(len(big)))
	must(t, err)
	must(t, f.Close())
	writeFile(t, src("trunc.txt"), bytes.Repeat([]byte("t"), 100000), 0o644)
	must(t, os.Truncate(src("trunc.txt"), 10))
	// Symlinks, hard links, permission changes.
	must(t, os.Symlink("big.bin", src("link2")))
	must(t, os.Remove(src("link")))
	must(t, os.Symlink("dir/b/three.txt", src("link")))
	must(t, os.Link(src("dir/b/three.txt"), src("hard2")))
	must(t, os.Chmod(src("dir/b/one.txt"), 0o755))
	// Thousands of small files.
	for i := 0; i < 2000; i++ {
		writeFile(t, src(fmt.Sprintf("many/%02d/f%d", i%20, i)), []byte(fmt.Sprint(i)), 0o644)
	}
	p.waitSynced(t, "job1", 60*time.Second)

	snap := p.src.reg.Snapshot()
	if snap.Kernel.Values["RepOpsGenerated"] == 0 || snap.Kernel.Values["MirOpsGenerated"] == 0 {
		t.Fatalf("kernel counters not moving: %v", snap.Kernel.Values)
	}
	if len(snap.Connections) != 1 || snap.Connections[0].Values["conBytesTx"] == 0 {
		t.Fatalf("connection counters: %+v", snap.Connections)
	}
	cv := snap.Connections[0].Values
	if cv["SentMirrorBytes"] == 0 || cv["SentReplicationBytes"] == 0 ||
		cv["SentMirrorBytes"]+cv["SentReplicationBytes"] != cv["conBytesTx"] {
		t.Fatalf("sent mirror %d + replication %d != conBytesTx %d", cv["SentMirrorBytes"],
			cv["SentReplicationBytes"], cv["conBytesTx"])
	}
	tsnap := p.tgt.reg.Snapshot()
	if len(tsnap.Targets) != 1 || tsnap.Targets[0].Values["Ops Received"] == 0 {
		t.Fatalf("target counters: %+v", tsnap.Targets)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
