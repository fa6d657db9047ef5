package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/engine/stats"
)

func fullInput() Input {
	set := SetInput{Name: "job1", Root: "/data", InUse: true,
		Rules: []repset.Rule{{Path: "", Include: true, Recursive: true}, {Path: "tmp", Include: false, Recursive: true}},
		Size:  repset.Size{Files: 10, Dirs: 3, Bytes: 4096, LastCalculated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)}}
	return Input{
		Catalog: catalog.Must(), ServerName: "alpha", ProductVersion: "dtrep v1.0.0", OperatingSystem: "Linux",
		SourceRunning: true, TargetRunning: true,
		Connections: []ConnInput{{ID: 3, Job: "job1", InUse: true, Set: set, Target: "beta.example:6320", TargetName: "beta",
			TargetAddr: "10.0.0.2:6320", TargetPath: "/replica", Compression: 2, BandwidthKbps: 0,
			TransmitMode: "Active", MirrorStatus: "In Progress", ReplicationStatus: "Replicating",
			TargetDataState: "Mirroring", ConState: catalog.ConStateActive,
			ConnectedSince: time.Date(2026, 1, 2, 3, 0, 0, 0, time.Local), QueueBytes: 777,
			ChangeCapture: "inotify (fanotify unavailable: fanotify_init: operation not permitted)",
			Counters: stats.Instance{Scope: catalog.ScopeConnection, Values: map[string]int64{
				"conBytesTx": 1000, "conBytesCompressedTx": 600, "conOpsInCmdQueue": 12, "conOpsInRepQueue": 5,
				"conOpsInMirQueue": 7, "conBytesInRepQueue": 50, "conBytesSkipped": 30, "conMirrorBytesRemain": 40,
				"conMirrorPercent": 457, "conBytesInDiskQueue": 9}}}},
		Sets: []SetInput{set, {Name: "idle", Root: "/idle", Rules: []repset.Rule{{Include: true}}}},
		Entries: []EntryInput{{SourceName: "gamma", SourceAddress: "10.0.0.3:40000", ReplicationSet: "g1",
			ConnectionID: 1, TargetDataState: "OK", TargetStatus: "OK"}},
	}
}

func TestBuildFillsEveryItemOfTheCatalog(t *testing.T) {
	v, missing := Build(fullInput())
	if len(missing) != 0 {
		t.Fatalf("items without a value: %v", missing)
	}
	// Each folder lists the catalog's items in the catalog's order.
	cat := catalog.Must()
	check := func(folder string, fs Fields) {
		t.Helper()
		var want []string
		for _, vf := range cat.ViewFields {
			if vf.Folder == folder && vf.Name != "Path" && vf.Name != "Attributes" &&
				!(folder == FolderTargetEntry && (vf.Name == "Time Taken" || vf.Name == "Type" || vf.Name == "ID" || vf.Name == "Target States")) {
				want = append(want, vf.Name)
			}
		}
		var got []string
		for _, f := range fs {
			got = append(got, f.Name)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", folder, got, want)
		}
	}
	check(FolderRoot, v.Root)
	check(FolderConnections, v.Connections[0].Row)
	check(FolderConnection, v.Connections[0].Items)
	check(FolderSets, v.ReplicationSets[0].Row)
	check(FolderSet, v.ReplicationSets[0].Items)
	check(FolderTargetEntries, v.TargetEntries[0].Row)
	check(FolderTargetEntry, v.TargetEntries[0].Items)
}

func TestBuildValues(t *testing.T) {
	v, _ := Build(fullInput())
	c := v.Connections[0]
	for name, want := range map[string]string{
		"Target Name": "beta:6320", "Target IP": "10.0.0.2:6320 /replica", "Target Status": "OK",
		"Queued (ops)": "12", "Sent (bytes)": "1000", "Sent Compressed (bytes)": "600",
		"Intermediate Queue (bytes)": "777", "Disk Queue (bytes)": "9", "Queued Replication (bytes)": "50",
		"Queued Replication (ops)": "5", "Skipped Mirror (bytes)": "30", "Remaining Mirror (bytes)": "40",
		"Bandwidth Limit (Kbps)": "Unlimited", "Connected Since": "Fri Jan  2 03:00:00 2026",
	} {
		if got, _ := c.Row.Get(name); got != want {
			t.Errorf("row %s = %q, want %q", name, got, want)
		}
	}
	for name, want := range map[string]string{
		"Compression": "On / Level 2", "Mirror percent complete": "45.7%", "Mirror remaining (bytes)": "40",
		"Mirror skipped (bytes)": "30", "Queued mirror (ops)": "7", "Replication queue (bytes)": "50",
		"Target route": "10.0.0.2:6320", "Source Path": "/data", "Target Path": "/replica", "Contains": "13",
		"Total size": "4096", "Last calculated": "Fri Jan  2 03:04:05 2026", "Usage type": "Normal",
	} {
		if got, _ := c.Items.Get(name); got != want {
			t.Errorf("item %s = %q, want %q", name, got, want)
		}
	}
	if len(c.Paths) != 2 || c.Paths[0] != (Path{"/data", "Inc, Rec"}) || c.Paths[1] != (Path{"/data/tmp", "Exc, Rec"}) {
		t.Errorf("paths %+v", c.Paths)
	}
	idle := v.ReplicationSets[1]
	if got, _ := idle.Row.Get("In Use"); got != "No" {
		t.Errorf("idle set In Use %q", got)
	}
	if got, _ := idle.Row.Get("Last Calculated"); got != "" {
		t.Errorf("never calculated: %q", got)
	}
	if got, _ := v.Root.Get("Failover module"); got != "No" {
		t.Errorf("Failover module %q", got)
	}
}

func TestFieldsJSONKeepsTheOrder(t *testing.T) {
	v, _ := Build(fullInput())
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, `"row":{"Replication Set":"job1","Connection ID":3,"Target Name":"beta:6320"`) {
		t.Fatalf("row JSON out of order or mistyped:\n%s", s)
	}
	var back View
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(b, again) {
		t.Fatalf("JSON does not round-trip:\n%s\n%s", b, again)
	}
	for _, bad := range []string{`{"a":true}`, `[1]`, `{"a":1.5}`, `{"a":{}}`} {
		var fs Fields
		if err := json.Unmarshal([]byte(bad), &fs); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
	if _, err := json.Marshal(Fields{{Name: "x", Value: "12a", Number: true}}); err == nil {
		t.Error("a non-number marshalled as a number")
	}
}

func TestWriteText(t *testing.T) {
	v, _ := Build(fullInput())
	var b bytes.Buffer
	if err := WriteText(&b, v); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Server Properties\n", "  Server name:", "Connections\n", "Replication sets\n",
		"Target connection entries\n", "Replication Set  Connection ID  Target Name", "gamma"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	WriteConnection(&b, v.Connections[0])
	if !strings.Contains(b.String(), "Connection 3 (job1)\n") || !strings.Contains(b.String(), "/data/tmp  Exc, Rec") ||
		!strings.Contains(b.String(), "  Change capture:") || !strings.Contains(b.String(), "inotify (fanotify unavailable: fanotify_init: operation not permitted)\n") {
		t.Errorf("connection:\n%s", b.String())
	}
	js, err := json.Marshal(v.Connections[0])
	if err != nil || !strings.Contains(string(js), `"change_capture":"inotify (fanotify unavailable: fanotify_init: operation not permitted)"`) {
		t.Errorf("connection JSON lacks change_capture (%v): %s", err, js)
	}
	b.Reset()
	WriteText(&b, View{})
	if strings.Count(b.String(), "(none)") != 3 {
		t.Errorf("empty folders:\n%s", b.String())
	}
}
