//go:build linux

package snmp

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
)

// trapFrom matches a notification by the event that sent it and the
// connection it concerns, and checks it carries every object.
func trapFrom(t *testing.T, eventID, connID int) func(receivedTrap) bool {
	return func(tr receivedTrap) bool {
		if tr["DT-MIB::dtTrapEventId.0"] != strconv.Itoa(eventID) ||
			tr["DT-MIB::dtTrapConnectionId.0"] != strconv.Itoa(connID) {
			return false
		}
		for _, o := range []string{"dtTrapPeerAddress", "dtTrapRepSetName", "dtTrapMessage", "dtTrapEventSource"} {
			if _, ok := tr["DT-MIB::"+o+".0"]; !ok {
				t.Errorf("trap %v lacks %s", tr, o)
			}
		}
		if _, ok := tr["SNMPv2-MIB::sysUpTime.0"]; !ok {
			t.Errorf("trap %v lacks sysUpTime.0", tr)
		}
		return true
	}
}

// Every trap the engine can be made to send for real, through snmpd.
func TestNetSNMPTrapsFromReplication(t *testing.T) {
	n := startNetSNMP(t)
	p := servertest.StartPair(t, servertest.Config{})
	a := runSubAgent(t, p.Src, agentXConfig(t, n))
	waitFor(t, "AgentX session", 10*time.Second, func() bool { return a.Stats().Sessions > 0 })
	ctx := context.Background()
	const wait = 15 * time.Second

	proxy := newTCPProxy(t, p.Tgt.Addr().String())
	writeTree(t, p.SrcDir, 20, 2000)
	p.CreateJob(t, "job1", func(s *mgmt.JobSpec) { s.Target = proxy.addr })
	id := p.WaitIdle(t, "job1", 60*time.Second).ConnectionID

	tr := n.waitTrap("dttrapConnectionSucceeded", wait, trapFrom(t, 4016, id))
	if tr["DT-MIB::dtTrapPeerAddress.0"] != proxy.addr || tr["DT-MIB::dtTrapEventSource.0"] != "Double-Take" ||
		!strings.HasPrefix(tr["DT-MIB::dtTrapMessage.0"], "Service has established a connection to 127.0.0.1 ("+proxy.addr+")") {
		t.Errorf("dttrapConnectionSucceeded carries %v", tr)
	}
	if tr["DT-MIB::dtTrapRepSetName.0"] == "" {
		t.Errorf("no replication set name in %v", tr)
	}
	n.waitTrap("dttrapMirrorStart", wait, trapFrom(t, 4019, id))
	n.waitTrap("dttrapMirrorEnd", wait, trapFrom(t, 4023, id))
	n.waitTrap("dttrapReplicationStart", wait, trapFrom(t, 4024, id))

	// Transmission paused and resumed, then the target module.
	must(t, p.Src.PauseJob(ctx, "job1"))
	n.waitTrap("dttrapConnectionPause", wait, trapFrom(t, 4015, id))
	must(t, p.Src.ResumeJob(ctx, "job1"))
	n.waitTrap("dttrapConnectionResume", wait, trapFrom(t, 4014, id))
	must(t, p.Src.PauseTarget(ctx))
	n.waitTrap("dttrapConnectionPause", wait, trapFrom(t, 4026, 0))
	must(t, p.Src.ResumeTarget(ctx))
	n.waitTrap("dttrapConnectionResume", wait, trapFrom(t, 4027, 0))

	// A mirror slow enough to pause, resume and stop.
	slow := t.TempDir()
	writeTree(t, slow, 4, 512<<10)
	p.CreateJob(t, "job2", func(s *mgmt.JobSpec) {
		s.SourcePath, s.TargetPath, s.BandwidthKbps = slow, filepath.Join(t.TempDir(), "replica2"), 64
	})
	// The mirror runs while it queues ("In Progress") and while it waits
	// for the slow link to carry what it queued ("Waiting").
	st2 := p.WaitStatus(t, "job2", wait, func(s mgmt.JobStatus) bool {
		return s.MirrorStatus == "In Progress" || s.MirrorStatus == "Waiting"
	})
	id2 := st2.ConnectionID
	must(t, p.Src.PauseMirror(ctx, "job2"))
	n.waitTrap("dttrapMirrorPause", wait, trapFrom(t, 4020, id2))
	must(t, p.Src.ResumeMirror(ctx, "job2"))
	n.waitTrap("dttrapMirrorResume", wait, trapFrom(t, 4021, id2))
	must(t, p.Src.StopMirror(ctx, "job2"))
	n.waitTrap("dttrapMirrorStop", wait, trapFrom(t, 4022, id2))
	must(t, p.Src.StopJob(ctx, "job2"))
	n.waitTrap("dttrapReplicationStop", wait, trapFrom(t, 4025, id2))
	n.waitTrap("dttrapConnectionLost", wait, trapFrom(t, 4017, id2))

	// The network goes: auto-disconnect, failed reconnections, then the
	// auto-reconnect succeeds once it is back.
	proxy.down()
	n.waitTrap("dttrapAutoDisconnectEndConnection", wait, trapFrom(t, 4008, id))
	n.waitTrap("dttrapAutoReconnect", wait, trapFrom(t, 4009, id))
	n.waitTrap("dttrapConnectionFailed", wait, trapFrom(t, 4011, id))
	proxy.up()
	n.waitTrap("dttrapConnectionSucceeded", wait, trapFrom(t, 4010, id))

	// A verification, then a restore from the target, of the reconnected job.
	p.WaitIdle(t, "job1", 60*time.Second)
	must(t, p.Src.StartActivity(ctx, "job1", mgmt.ActivityVerify, mgmt.ActivityOptions{}))
	n.waitTrap("dttrapVerificationStart", wait, trapFrom(t, 4058, id))
	n.waitTrap("dttrapVerificationEnd", wait, trapFrom(t, 4062, id))
	p.WaitIdle(t, "job1", 60*time.Second)
	must(t, p.Src.StartActivity(ctx, "job1", mgmt.ActivityRestore, mgmt.ActivityOptions{}))
	n.waitTrap("dttrapRestoreStarted", wait, trapFrom(t, 4053, id))
	n.waitTrap("dttrapRestoreComplete", wait, trapFrom(t, 4057, id))

	// The traps this test does not cause (failover, licensing, scheduling,
	// memory pressure, a full target, replication set changes) go through
	// the same path from the test hook.
	caused := map[string]bool{}
	for _, name := range []string{"dttrapConnectionSucceeded", "dttrapMirrorStart", "dttrapMirrorEnd",
		"dttrapReplicationStart", "dttrapConnectionPause", "dttrapConnectionResume", "dttrapMirrorPause",
		"dttrapMirrorResume", "dttrapMirrorStop", "dttrapReplicationStop", "dttrapConnectionLost",
		"dttrapAutoDisconnectEndConnection", "dttrapAutoReconnect", "dttrapConnectionFailed",
		"dttrapKernelStarted", "dttrapKernelStopped", "dttrapSourceStarted", "dttrapSourceStopped",
		"dttrapTargetStarted", "dttrapTargetStopped", "dttrapVerificationStart", "dttrapVerificationEnd",
		"dttrapRestoreStarted", "dttrapRestoreComplete"} {
		caused[name] = true
	}
	hooked := 0
	for _, nt := range a.layout.Notifications {
		if caused[nt.Name] {
			continue
		}
		ev := events.Event{Source: "dtrep-test", ID: 90000 + hooked, Message: "hook " + nt.Name,
			Context: events.Context{ConnID: id, Peer: proxy.addr, RepSet: "hooked"}}
		must(t, a.sendTrap(nt.Name, ev))
		hooked++
	}
	for _, nt := range a.layout.Notifications {
		if caused[nt.Name] {
			continue
		}
		tr := n.waitTrap(nt.Name, wait, func(tr receivedTrap) bool {
			return tr["DT-MIB::dtTrapMessage.0"] == "hook "+nt.Name
		})
		if tr["DT-MIB::dtTrapRepSetName.0"] != "hooked" || tr["DT-MIB::dtTrapConnectionId.0"] != strconv.Itoa(id) {
			t.Errorf("%s carries %v", nt.Name, tr)
		}
	}
	if hooked+len(caused) != 40 {
		t.Errorf("%d traps caused and %d hooked, want 40 in all", len(caused), hooked)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A server's start and stop send the kernel, source and target traps; the
// ones of the stop leave during the sub-agent's grace period.
func TestNetSNMPKernelTraps(t *testing.T) {
	n := startNetSNMP(t)
	st := settingstest.With(t, map[string]string{"DataPath": t.TempDir(), "ConnectionSecret": "test",
		"LogDir": t.TempDir()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	srv, err := server.New(server.Options{Settings: st, Name: "kernel", Listener: ln,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	must(t, err)
	// Prepared before the server starts, as dtrep serve does.
	a, err := New(Options{Engine: srv, Config: agentXConfig(t, n), Refresh: 100 * time.Millisecond, Grace: 5 * time.Second})
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone, srvDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(runDone); a.Run(ctx) }()
	go func() { defer close(srvDone); srv.Serve(ctx) }()

	for name, id := range map[string]int{"dttrapKernelStarted": 4000, "dttrapSourceStarted": 4002, "dttrapTargetStarted": 4001} {
		n.waitTrap(name, 15*time.Second, trapFrom(t, id, 0))
	}
	cancel()
	<-srvDone
	select {
	case <-runDone:
	case <-time.After(10 * time.Second):
		t.Fatal("sub-agent did not stop")
	}
	for name, id := range map[string]int{"dttrapKernelStopped": 4005, "dttrapSourceStopped": 4003, "dttrapTargetStopped": 4004} {
		n.waitTrap(name, 5*time.Second, trapFrom(t, id, 0))
	}
}

// Direct traps and informs, SNMPv2c and SNMPv3, reach snmptrapd without
// snmpd.
func TestDirectTraps(t *testing.T) {
	n := startNetSNMP(t)
	engineID, _ := hex.DecodeString(testV3EngineID)
	dest := fmt.Sprintf("127.0.0.1:%d", n.trapPort)
	cases := []struct {
		name string
		cfg  func(*Config)
	}{
		{"v2c trap", func(c *Config) {}},
		{"v2c inform", func(c *Config) { c.Inform = true }},
		{"v3 trap", func(c *Config) { c.Version = "3" }},
		{"v3 inform", func(c *Config) { c.Version, c.Inform = "3", true }},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Enabled: true, AgentXNetwork: "unix", AgentXAddress: filepath.Join(t.TempDir(), "none"),
				Base: defaultBase(t), TrapPath: PathDirect, Destinations: []string{dest}, Version: "2c",
				Community: "public", Timeout: time.Second, Retries: 2,
				V3: V3Config{User: testV3User, AuthProtocol: "SHA", AuthPass: testV3Auth, PrivProtocol: "AES",
					PrivPass: testV3Priv, EngineID: engineID}}
			tc.cfg(&cfg)
			a := runSubAgent(t, newFakeEngine(), cfg)
			msg := fmt.Sprintf("direct %d", i)
			must(t, a.sendTrap("dttrapTargetFull", events.Event{Source: "Double-Take", ID: 4110, Message: msg}))
			n.waitTrap("dttrapTargetFull", 10*time.Second, func(tr receivedTrap) bool {
				return tr["DT-MIB::dtTrapMessage.0"] == msg
			})
			waitFor(t, "sent count", 5*time.Second, func() bool { return a.Stats().Paths[0].Sent == 1 })
		})
	}
}

// An inform nobody acknowledges is sent again, then counted as failed.
func TestDirectInformUnacknowledged(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0") // receives, never answers
	must(t, err)
	defer c.Close()
	cfg := Config{Enabled: true, AgentXNetwork: "unix", AgentXAddress: "/nonexistent", Base: defaultBase(t),
		TrapPath: PathDirect, Destinations: []string{c.LocalAddr().String()}, Version: "2c", Community: "public",
		Inform: true, Timeout: 200 * time.Millisecond, Retries: 2}
	a := runSubAgent(t, newFakeEngine(), cfg)
	must(t, a.sendTrap("dttrapTargetFull", events.Event{}))
	got := 0
	buf := make([]byte, 4096)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for got < 3 {
		if _, _, err := c.ReadFrom(buf); err != nil {
			break
		}
		got++
	}
	if got != 3 {
		t.Errorf("inform sent %d times, want 1 + 2 retries", got)
	}
	waitFor(t, "failed count", 5*time.Second, func() bool { return a.Stats().Paths[0].Failed == 1 })
}
