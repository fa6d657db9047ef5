package main

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func column(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("no column %s in %q", name, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestConnectionCSV(t *testing.T) {
	var b bytes.Buffer
	f, err := newCSV(&b, catalog.Must(), false)
	if err != nil {
		t.Fatal(err)
	}
	s := sampleSnapshot()
	if err := f.write(s); err != nil {
		t.Fatal(err)
	}
	s.Connections = nil
	f.write(s)
	rows := readCSV(t, b.Bytes())
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	h := rows[0]
	if h[0] != "DateTimeStamp" || !slices.Contains(h, "conBytesTx") || !slices.Contains(h, "RepOpsGenerated") ||
		!slices.Contains(h, "Logins") || !slices.Contains(h, "lastFileTouched") {
		t.Fatalf("header %q", h)
	}
	// Not in the -s file: the target statistics and TargetOpenHandles.
	for _, absent := range []string{"OpsReceived", "PeerAddress", "TargetOpenHandles"} {
		if slices.Contains(h, absent) {
			t.Errorf("-s header has %s", absent)
		}
	}
	if got := column(t, rows, "conBytesTx"); got[0] != "14952687269" || got[1] != "" {
		t.Errorf("conBytesTx column %q", got)
	}
	if got := column(t, rows, "conMirrorPercent"); got[0] != "100.0" {
		t.Errorf("conMirrorPercent column %q", got)
	}
	if got := column(t, rows, "MirBytesGenerated"); got[0] != "108352749214952" || got[1] != "108352749214952" {
		t.Errorf("server-wide column %q", got)
	}
	if got := column(t, rows, "DateTimeStamp"); got[0] != "09/11/2007 12:48:05:2040" {
		t.Errorf("time column %q", got)
	}
	checkTestdata(t, "connections.csv", b.Bytes())
}

func TestTargetCSV(t *testing.T) {
	var b bytes.Buffer
	f, err := newCSV(&b, catalog.Must(), true)
	if err != nil {
		t.Fatal(err)
	}
	s := sampleSnapshot()
	s.Targets = append(s.Targets, stats.Instance{Scope: catalog.ScopeTarget, Values: map[string]int64{"Ops Received": 7},
		Texts: map[string]string{"PeerAddress": "10.0.0.9"}})
	f.write(s)
	rows := readCSV(t, b.Bytes())
	want := []string{"DateTimeStamp", "PeerAddress", "LocalAddress", "OpsReceived", "MirrorOpsReceived", "Retries",
		"OpsDropped", "OpsRemaining", "OrphanFilesRemoved", "OrphanDirectoriesRemoved", "OrphanBytesRemoved",
		"BytesInTargetQueue", "BytesInTargetDiskQueue", "TasksSucceeded", "TasksFailed", "TasksIgnored"}
	if !slices.Equal(rows[0], want) {
		t.Fatalf("-st header\n%q\nwant\n%q", rows[0], want)
	}
	if got := column(t, rows, "OpsReceived"); !slices.Equal(got, []string{"25", "7"}) {
		t.Errorf("OpsReceived %q", got)
	}
	checkTestdata(t, "targets.csv", b.Bytes())
}

func TestFilters(t *testing.T) {
	s := sampleSnapshot()
	s.Connections = append(s.Connections, stats.Instance{Scope: catalog.ScopeConnection, Key: "2",
		Texts: map[string]string{"conPeerAddress": "10.0.0.8:6320"}})
	o := options{ips: []string{"10.0.0.8"}}
	got := o.filterIP(s)
	if len(got.Connections) != 1 || got.Connections[0].Key != "2" || len(got.Targets) != 0 {
		t.Fatalf("-IP 10.0.0.8 kept %+v %+v", got.Connections, got.Targets)
	}
	o = options{ips: []string{"10.10.1.104"}}
	if got := o.filterIP(s); len(got.Connections) != 1 || len(got.Targets) != 1 {
		t.Fatalf("-IP 10.10.1.104 kept %d connections, %d targets", len(got.Connections), len(got.Targets))
	}
	o = options{start: s.Time.Add(1), stop: s.Time.Add(2)}
	if o.keep(s) {
		t.Error("-Start after the snapshot kept it")
	}
	o = options{start: s.Time, stop: s.Time}
	if !o.keep(s) {
		t.Error("the bounds are inclusive")
	}
}
