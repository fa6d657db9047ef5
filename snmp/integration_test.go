//go:build linux

package snmp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/mib"
	"github.com/posteo/go-agentx/value"
)

// agentXConfig sends traps through snmpd only.
func agentXConfig(t testing.TB, n *netSNMP) Config {
	return Config{Enabled: true, AgentXNetwork: "unix", AgentXAddress: n.socket, Base: defaultBase(t),
		TrapPath: PathAgentX, Version: "2c", Community: "public", Timeout: time.Second, Retries: 1}
}

// walk reads a subtree through snmpd by name: object.instance -> value.
func (n *netSNMP) walk(t *testing.T, oid string) map[string]string {
	t.Helper()
	out, err := n.cmd("snmpwalk", []string{"-Oe", "-Os", "-OQ", "-OU"}, oid)
	if err != nil {
		t.Fatal(err)
	}
	return parseQ(out)
}

// parseQ reads NAME = VALUE lines (-OQ), strings unquoted.
func parseQ(out string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		name, v, ok := strings.Cut(l, " = ")
		if ok {
			m[name] = strings.Trim(v, `"`)
		}
	}
	return m
}

// engineValues renders the table the sub-agent would build from the
// engine's values now, keyed as snmpwalk -Os prints instances.
func engineValues(a *SubAgent, tb *table) map[string]string {
	m := map[string]string{}
	for _, e := range tb.entries {
		for _, o := range a.layout.Objects {
			if len(e.oid) == len(o.OID)+1 && value.CompareOIDs(e.oid[:len(o.OID)], value.OID(o.OID)) == 0 {
				m[fmt.Sprintf("%s.%d", o.Name, e.oid[len(e.oid)-1])] = fmt.Sprint(e.val)
			}
		}
	}
	return m
}

// elapsedObjects are the objects whose value is a time since: they move
// between two reads.
func elapsedObject(a *SubAgent, key string) bool {
	name, _, _ := strings.Cut(key, ".")
	o, ok := a.layout.Object(name)
	return ok && o.Derive == mib.DeriveElapsed
}

// compareWalk checks that the walk holds exactly the engine's instances
// with the engine's values (times since within 2 seconds).
func compareWalk(t *testing.T, a *SubAgent, walked, want map[string]string) {
	t.Helper()
	for k, v := range want {
		got, ok := walked[k]
		switch {
		case !ok:
			t.Errorf("%s missing from the walk", k)
		case elapsedObject(a, k):
			g, _ := strconv.ParseInt(got, 10, 64)
			w, _ := strconv.ParseInt(v, 10, 64)
			if g < w-2 || g > w+2 {
				t.Errorf("%s = %s, engine %s", k, got, v)
			}
		case got != v:
			t.Errorf("%s = %q, engine %q", k, got, v)
		}
	}
	for k := range walked {
		if _, ok := want[k]; !ok {
			t.Errorf("%s walked but not in the engine's values", k)
		}
	}
}

func writeTree(t *testing.T, dir string, files int, size int) {
	t.Helper()
	for i := 0; i < files; i++ {
		p := filepath.Join(dir, fmt.Sprintf("d%d/f%d", i%7, i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(i + j)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNetSNMPServesEngineValues(t *testing.T) {
	n := startNetSNMP(t)
	p := servertest.StartPair(t, servertest.Config{})
	a := runSubAgent(t, p.Src, agentXConfig(t, n))
	waitFor(t, "AgentX session", 10*time.Second, func() bool { return a.Stats().Sessions > 0 })

	writeTree(t, p.SrcDir, 40, 3000)
	p.CreateJob(t, "job1", nil)
	st := p.WaitIdle(t, "job1", 60*time.Second)
	id := st.ConnectionID

	a.rebuild()
	walked := n.walk(t, "DT-MIB::dtObjects")
	compareWalk(t, a, walked, engineValues(a, buildTable(a.layout, p.Src.Snapshot(), time.Now())))
	if len(walked) != len(a.layout.Scalars())+len(a.layout.Columns()) {
		t.Errorf("walked %d instances, want %d scalars and one row of %d columns", len(walked),
			len(a.layout.Scalars()), len(a.layout.Columns()))
	}

	// snmpget by name, against the engine's own figures.
	out, err := n.cmd("snmpget", []string{"-Oe", "-Os", "-OQ", "-OU"}, "DT-MIB::dtConnectionCount.0",
		fmt.Sprintf("DT-MIB::dtconBytesTx.%d", id), fmt.Sprintf("DT-MIB::dtconBytesTx64.%d", id),
		fmt.Sprintf("DT-MIB::dtconState.%d", id), fmt.Sprintf("DT-MIB::dtconIpAddress.%d", id))
	if err != nil {
		t.Fatal(err)
	}
	got := parseQ(out)
	snap := p.Src.Snapshot()
	tx := snap.Connections[0].Values["conBytesTx"]
	want := map[string]string{
		"dtConnectionCount.0":                "1",
		fmt.Sprintf("dtconBytesTx.%d", id):   strconv.FormatInt(tx, 10),
		fmt.Sprintf("dtconBytesTx64.%d", id): strconv.FormatInt(tx, 10),
		fmt.Sprintf("dtconState.%d", id):     "1",
		fmt.Sprintf("dtconIpAddress.%d", id): "127.0.0.1",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("snmpget %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if tx == 0 {
		t.Error("the job transmitted nothing")
	}

	// A second connection's row appears, and goes with the connection.
	p.CreateJob(t, "job2", func(s *mgmt.JobSpec) { s.TargetPath = filepath.Join(t.TempDir(), "replica2") })
	st2 := p.WaitIdle(t, "job2", 60*time.Second)
	row := fmt.Sprintf("dtconState.%d", st2.ConnectionID)
	waitFor(t, "second row", 5*time.Second, func() bool { return n.walk(t, "DT-MIB::dtconState")[row] == "1" })
	if err := p.Src.StopJob(context.Background(), "job2"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "row gone", 5*time.Second, func() bool {
		w := n.walk(t, "DT-MIB::dtconState")
		_, still := w[row]
		return !still && len(w) == 1
	})

	// snmpd killed and started again: the sub-agent comes back by itself.
	n.killSnmpd()
	if err := p.Src.PauseJob(context.Background(), "job1"); err != nil { // a trap raised meanwhile
		t.Fatal(err)
	}
	n.startSnmpd()
	back := time.Now()
	waitFor(t, "values after the snmpd restart", 10*time.Second, func() bool {
		out, err := n.cmd("snmpget", []string{"-Oe", "-Os", "-OQ"}, "DT-MIB::dtConnectionCount.0")
		return err == nil && parseQ(out)["dtConnectionCount.0"] == "1"
	})
	t.Logf("values served %s after snmpd restarted", time.Since(back).Round(time.Millisecond))
	n.waitTrap("dttrapConnectionPause", 10*time.Second, func(tr receivedTrap) bool {
		return tr["DT-MIB::dtTrapEventId.0"] == "4015"
	})
}
