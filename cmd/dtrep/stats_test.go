package main

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

func TestStatsCommand(t *testing.T) {
	fake, logins, sock := testServer(t)
	fake.Snapshot = stats.Snapshot{
		Time:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Kernel: stats.Instance{Scope: catalog.ScopeKernel, Values: map[string]int64{"RepOpsGenerated": 42}},
		Connections: []stats.Instance{{Scope: catalog.ScopeConnection, Key: "1",
			Values: map[string]int64{"conOpsInRepQueue": 5}, Texts: map[string]string{"conPeerAddress": "10.0.0.2"}}},
	}
	out, err := runCLI(t, "--socket", sock, "stats")
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{
		`(?m)^SCOPE +INSTANCE +COUNTER +VALUE$`,
		`(?m)^kernel +- +RepOpsGenerated +42$`,
		`(?m)^connection +1 +conOpsInRepQueue +5$`,
		`(?m)^connection +1 +conPeerAddress +10\.0\.0\.2$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("stats table lacks %s:\n%s", re, out)
		}
	}

	out, err = runCLI(t, "--socket", sock, "stats", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var snap stats.Snapshot
	if err := json.Unmarshal([]byte(out), &snap); err != nil {
		t.Fatalf("stats JSON: %v\n%s", err, out)
	}
	if !snap.Time.Equal(fake.Snapshot.Time) || snap.Kernel.Values["RepOpsGenerated"] != 42 ||
		len(snap.Connections) != 1 || snap.Connections[0].Texts["conPeerAddress"] != "10.0.0.2" {
		t.Errorf("stats JSON decoded to %+v", snap)
	}

	before, _ := logins.Counts()
	_, err = runCLI(t, "--socket", sock, "stats", "--format", "csv")
	wantCode(t, err, catalog.CodeInvalidOption)
	if after, _ := logins.Counts(); after != before {
		t.Error("stats with a bad --format was sent")
	}
}
