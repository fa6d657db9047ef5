package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/internal/golden"
)

// referenceSample is the Sample DTStat output of chapter 3, from the copy
// of the reference the catalog is tested against.
func referenceSample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../engine/catalog/testdata/reference-guide-7.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "Sample DTStat output")
	if i < 0 {
		t.Fatal("no sample in the reference")
	}
	s = s[i:]
	start := strings.Index(s, "```\n") + 4
	end := strings.Index(s[start:], "```")
	return s[start : start+end]
}

// sampleSnapshot holds the sample's values.
func sampleSnapshot() stats.Snapshot {
	k := catalog.ScopeKernel
	return stats.Snapshot{
		Time: time.Date(2007, 9, 11, 12, 48, 5, 204000000, time.Local),
		Kernel: stats.Instance{Scope: k, Values: map[string]int64{"SystemAllocatorTotalBytes": 0, "IQAllocatorTotalBytes": 0,
			"SourceState": 2, "TargetState": 1, "RepOpsGenerated": 436845, "RepBytesGenerated": 0,
			"MirOpsGenerated": 3316423, "MirBytesGenerated": 108352749214952},
			Texts: map[string]string{"Start Time": "Tue Sep 11 12:45:26 2007"}},
		Security: stats.Instance{Scope: catalog.ScopeSecurity, Values: map[string]int64{"Logins": 1, "FailedLogins": 0}},
		Source: stats.Instance{Scope: catalog.ScopeSource, Values: map[string]int64{"autoDisConnects": 0, "autoReConnects": 1},
			Texts: map[string]string{"lastFileTouched": "/log/data file"}},
		Targets: []stats.Instance{{Scope: catalog.ScopeTarget, Key: "10.10.1.104",
			Values: map[string]int64{"Ops Received": 25, "Mirror Ops Received": 23},
			Texts:  map[string]string{"PeerAddress": "10.10.1.104", "LocalAddress": "10.10.1.104"}}},
		Connections: []stats.Instance{{Scope: catalog.ScopeConnection, Key: "1",
			Values: map[string]int64{"conState": 1, "conOpsTx": 27, "conBytesTx": 14952687269, "conBytesCompressedTx": 14952,
				"conOpsRx": 201127, "conBytesRx": 647062280, "conBandwidthLimit": 429496295, "conBytesSkipped": 22867624,
				"conMirrorPercent": 1000},
			Texts: map[string]string{"conPeerAddress": "10.10.1.104", "connectTime": "Tue Sep 11 12:45:34 2007"}}},
	}
}

// The screen block is the reference's sample line for line; only the time
// stamp differs, because the sample's "0/11/10" cannot be produced from a
// date (dtrep writes 09/11/2007).
func TestScreenMatchesTheReferenceSample(t *testing.T) {
	var b bytes.Buffer
	if err := writeScreen(&b, catalog.Must(), sampleSnapshot()); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(referenceSample(t), "0/11/10 12:48:05:2040", "09/11/2007 12:48:05:2040", 1)
	if b.String() != want {
		t.Fatalf("screen differs from the reference sample\n got:\n%s\nwant:\n%s", b.String(), want)
	}
	checkTestdata(t, "screen.golden", b.Bytes())
}

func checkTestdata(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	golden.Check(t, path, got, "go test ./cmd/dtstat -update")
}

// Every statistic the catalog gives a DTStat section is on the screen
// exactly once, in its own scope.
func TestScreenLayoutCoversTheCatalog(t *testing.T) {
	cat := catalog.Must()
	seen := map[string]int{}
	for _, l := range screenLayout {
		for _, n := range l.names {
			c, ok := cat.Counter(n)
			if !ok {
				t.Fatalf("layout names %q, not in the catalog", n)
			}
			if c.Scope != l.scope {
				t.Errorf("%s is %s, laid out as %s", n, c.Scope, l.scope)
			}
			seen[n]++
		}
	}
	for _, c := range cat.Counters {
		if c.DTStatSection != "" && seen[c.Name] != 1 {
			t.Errorf("%s (%s) is on the screen %d times", c.Name, c.DTStatSection, seen[c.Name])
		}
	}
}

func TestScreenRepeatsTargetsAndConnections(t *testing.T) {
	s := sampleSnapshot()
	s.Targets = append(s.Targets, stats.Instance{Scope: catalog.ScopeTarget, Texts: map[string]string{"PeerAddress": "10.0.0.9"}})
	c2 := s.Connections[0]
	c2.Texts = map[string]string{"conPeerAddress": "10.0.0.8:6320"}
	c2.Values = map[string]int64{"conMirrorPercent": 457}
	s.Connections = append(s.Connections, c2)
	var b bytes.Buffer
	writeScreen(&b, catalog.Must(), s)
	out := b.String()
	if strings.Count(out, "TARGET::") != 2 || strings.Count(out, "CONNECTION::") != 2 ||
		!strings.Contains(out, "TARGET:: PeerAddress: 10.0.0.9 LocalAddress: \n") ||
		!strings.Contains(out, "  conMirrorPercent: 45.7%\n") {
		t.Fatalf("two targets and connections:\n%s", out)
	}
	// Blocks stay whole: the second target's lines come before SOURCE.
	if strings.Index(out, "PeerAddress: 10.0.0.9") > strings.Index(out, "SOURCE::") {
		t.Fatal("TARGET blocks are split")
	}
}
