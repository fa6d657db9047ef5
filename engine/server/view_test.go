//go:build linux

package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/engine/view"
)

func viewOf(t *testing.T, s *server.Server) view.View {
	t.Helper()
	v, err := s.View(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Every status word is one of the reference's.
	cat := catalog.Must()
	check := func(folder string, fs view.Fields) {
		for _, vf := range cat.ViewFields {
			// Attributes and a snapshot's Type are in lists of their own.
			if vf.Folder != folder || vf.Enum == "" || vf.Name == "Attributes" || vf.Name == "Type" {
				continue
			}
			val, ok := fs.Get(vf.Name)
			if !ok {
				t.Errorf("%s: no %s", folder, vf.Name)
				continue
			}
			e, _ := cat.Enum(vf.Enum)
			found := vf.Enum == "Compression" // "On / Level 2" fills in the level
			for _, ev := range e.Values {
				found = found || ev.Name == val
			}
			if !found {
				t.Errorf("%s: %s is %q, not a word of %s", folder, vf.Name, val, vf.Enum)
			}
		}
	}
	for _, c := range v.Connections {
		check(view.FolderConnections, c.Row)
		check(view.FolderConnection, c.Items)
	}
	for _, s := range v.ReplicationSets {
		check(view.FolderSet, s.Items)
	}
	for _, e := range v.TargetEntries {
		check(view.FolderTargetEntries, e.Row)
		check(view.FolderTargetEntry, e.Items)
	}
	return v
}

func item(t *testing.T, fs view.Fields, name string) string {
	t.Helper()
	v, ok := fs.Get(name)
	if !ok {
		t.Fatalf("no item %q in %+v", name, fs)
	}
	return v
}

func waitView(t *testing.T, s *server.Server, what string, ok func(view.View) bool) view.View {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		v := viewOf(t, s)
		if ok(v) {
			return v
		}
		if time.Now().After(deadline) {
			b, _ := json.MarshalIndent(v, "", " ")
			t.Fatalf("view never showed %s:\n%s", what, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServiceViewOfAReplicatingPair(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{Source: map[string]string{"CalculateOnConnect": "1"}})
	ctx := context.Background()
	os.MkdirAll(filepath.Join(p.SrcDir, "sub"), 0o755)
	os.WriteFile(filepath.Join(p.SrcDir, "sub", "f.txt"), []byte("hello"), 0o644)
	p.CreateJob(t, "job1", func(s *mgmt.JobSpec) {
		s.Compression = 2
		s.BandwidthKbps = 5000
		s.Exclude = []string{"*.tmp"}
	})
	p.WaitIdle(t, "job1", 60*time.Second)

	v := viewOf(t, p.Src)
	if item(t, v.Root, "Server name") != "source" || item(t, v.Root, "Source module") != "Yes" ||
		item(t, v.Root, "Target module") != "Yes" || item(t, v.Root, "Failover module") != "No" ||
		item(t, v.Root, "Product version") == "" || item(t, v.Root, "Operating system") == "" {
		t.Errorf("root items %+v", v.Root)
	}
	if len(v.Connections) != 1 {
		t.Fatalf("%d connections", len(v.Connections))
	}
	c := v.Connections[0]
	snap := p.Src.Snapshot().Connections[0]
	want := map[string]string{
		"Replication Set": "job1", "Connection ID": "1", "Target Data State": "OK", "Target Status": "OK",
		"Transmit Mode": "Active", "Mirror Status": "Idle",
		"Bandwidth Limit (Kbps)": "5000", "Target Name": "target:" + port(p.Tgt.Addr().String()),
	}
	for k, w := range want {
		if got := item(t, c.Row, k); got != w {
			t.Errorf("connections folder %s = %q, want %q", k, got, w)
		}
	}
	if got := item(t, c.Row, "Sent (bytes)"); got == "0" || got != itoa(snap.Values["conBytesTx"]) {
		t.Errorf("Sent (bytes) %s, counter %d", got, snap.Values["conBytesTx"])
	}
	if got := item(t, c.Row, "Target IP"); got != p.Tgt.Addr().String()+" "+p.TgtDir {
		t.Errorf("Target IP %q", got)
	}
	if item(t, c.Row, "Connected Since") == "" {
		t.Error("Connected Since is blank while connected")
	}
	items := map[string]string{
		"Compression": "On / Level 2", "Mirror percent complete": "100.0%", "Target route": p.Tgt.Addr().String(),
		"Source Path": p.SrcDir, "Target Path": p.TgtDir, "Usage type": "Normal", "Contains": "2",
		"Total size": "5", "Transmit mode": "Active", "Target data state": "OK",
	}
	for k, w := range items {
		if got := item(t, c.Items, k); got != w {
			t.Errorf("connection item %s = %q, want %q", k, got, w)
		}
	}
	if item(t, c.Items, "Last calculated") == "" {
		t.Error("Last calculated is blank after CalculateOnConnect")
	}
	// CI runs as root on a kernel with fanotify; elsewhere the view says
	// why capture fell back.
	st, err := p.Src.JobStatus(ctx, "job1")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("CI") == "true" && c.ChangeCapture != "fanotify" ||
		c.ChangeCapture != "fanotify" && !strings.HasPrefix(c.ChangeCapture, "inotify (fanotify unavailable: ") ||
		st.ChangeCapture != c.ChangeCapture {
		t.Errorf("change capture: view %q, job status %q", c.ChangeCapture, st.ChangeCapture)
	}
	if len(c.Paths) != 2 || c.Paths[0].Attributes != "Inc, Rec" || c.Paths[1].Attributes != "Exc, Rec" ||
		c.Paths[0].Path != p.SrcDir {
		t.Errorf("paths %+v", c.Paths)
	}
	if len(v.ReplicationSets) != 1 || item(t, v.ReplicationSets[0].Row, "In Use") != "Yes" ||
		item(t, v.ReplicationSets[0].Row, "Files") != "1" || item(t, v.ReplicationSets[0].Row, "Directories") != "1" {
		t.Errorf("replication sets %+v", v.ReplicationSets)
	}

	// The target's side: one entry, OK, then Paused with the target.
	tv := viewOf(t, p.Tgt)
	if len(tv.TargetEntries) != 1 {
		t.Fatalf("target entries %+v", tv.TargetEntries)
	}
	e := tv.TargetEntries[0]
	if item(t, e.Row, "Source Name") != "source" || item(t, e.Row, "Replication Set") != "job1" ||
		item(t, e.Row, "Connection ID") != "1" || item(t, e.Row, "Target Data State") != "OK" ||
		item(t, e.Row, "Target Status") != "OK" {
		t.Errorf("target entry %+v", e.Row)
	}
	if err := p.Tgt.PauseTarget(ctx); err != nil {
		t.Fatal(err)
	}
	if got := item(t, viewOf(t, p.Tgt).TargetEntries[0].Row, "Target Status"); got != "Paused" {
		t.Errorf("Target Status with the target paused: %q", got)
	}
	p.Tgt.ResumeTarget(ctx)

	// Paused transmission.
	if err := p.Src.PauseJob(ctx, "job1"); err != nil {
		t.Fatal(err)
	}
	if got := item(t, viewOf(t, p.Src).Connections[0].Row, "Transmit Mode"); got != "Paused" {
		t.Errorf("Transmit Mode after a pause: %q", got)
	}
	p.Src.ResumeJob(ctx, "job1")

	// In use: neither the connection nor its replication set can go.
	if err := p.Src.DeleteConnection(ctx, 1); catalog.CodeOf(err) != catalog.CodeJobInUse {
		t.Errorf("deleting the running connection: %v", err)
	}
	if err := p.Src.DeleteReplicationSet(ctx, "job1"); catalog.CodeOf(err) != catalog.CodeJobInUse {
		t.Errorf("deleting the replication set in use: %v", err)
	}
	if err := p.Src.DeleteConnection(ctx, 7); catalog.CodeOf(err) != catalog.CodeConnectionNotExist {
		t.Errorf("deleting connection 7: %v", err)
	}

	// Stopped: the connection goes, the set is no longer in use, and the
	// target keeps a Disconnected entry.
	if err := p.Src.StopJob(ctx, "job1"); err != nil {
		t.Fatal(err)
	}
	v = viewOf(t, p.Src)
	if len(v.Connections) != 0 || item(t, v.ReplicationSets[0].Row, "In Use") != "No" {
		t.Errorf("after stopping: %d connections, set %+v", len(v.Connections), v.ReplicationSets[0].Row)
	}
	tv = waitView(t, p.Tgt, "a Disconnected entry", func(v view.View) bool {
		return len(v.TargetEntries) == 1 && item(t, v.TargetEntries[0].Row, "Target Data State") == "Disconnected"
	})
	// A new connection of the same job takes the entry's place.
	if err := p.Src.StartJob(ctx, "job1"); err != nil {
		t.Fatal(err)
	}
	waitView(t, p.Tgt, "the entry reused", func(v view.View) bool {
		return len(v.TargetEntries) == 1 && item(t, v.TargetEntries[0].Row, "Target Data State") == "OK"
	})
	p.Src.StopJob(ctx, "job1")

	// Not in use: the replication set can be deleted, and its job with it.
	if err := p.Src.DeleteReplicationSet(ctx, "job1"); err != nil {
		t.Fatal(err)
	}
	if v := viewOf(t, p.Src); len(v.ReplicationSets) != 0 {
		t.Errorf("sets after deleting: %+v", v.ReplicationSets)
	}
	if _, err := p.Src.JobStatus(ctx, "job1"); catalog.CodeOf(err) != catalog.CodeJobNotExist {
		t.Errorf("the job outlived its replication set: %v", err)
	}
	if err := p.Src.DeleteReplicationSet(ctx, "job1"); catalog.CodeOf(err) != catalog.CodeJobNotExist {
		t.Errorf("deleting it again: %v", err)
	}
}

func TestServiceViewOfALostConnection(t *testing.T) {
	// Without AutoRetransmit, a connection whose session is lost gives up.
	p := servertest.StartPair(t, servertest.Config{Source: map[string]string{"AutoRetransmit": "0"}})
	ctx := context.Background()
	link := newLink(t, p.Tgt.Addr().String())
	p.CreateJob(t, "job1", func(s *mgmt.JobSpec) { s.Target = link.addr() })
	p.WaitIdle(t, "job1", 60*time.Second)
	link.cut()

	v := waitView(t, p.Src, "the connection out of use", func(v view.View) bool {
		return len(v.Connections) == 1 && !v.Connections[0].InUse
	})
	c := v.Connections[0]
	if item(t, c.Row, "Transmit Mode") != "Error" || item(t, c.Row, "Target Status") != "Retrying" ||
		item(t, c.Row, "Connected Since") != "" || item(t, c.Row, "Target Name") != link.addr() {
		t.Errorf("lost connection %+v", c.Row)
	}
	if item(t, v.ReplicationSets[0].Row, "In Use") != "Yes" {
		t.Error("the set of a connection not yet deleted is not in use")
	}
	// It may be deleted now; its job then counts as stopped.
	if err := p.Src.DeleteConnection(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	v = viewOf(t, p.Src)
	if len(v.Connections) != 0 || item(t, v.ReplicationSets[0].Row, "In Use") != "No" {
		t.Errorf("after deleting: %+v", v)
	}
	st, err := p.Src.JobStatus(ctx, "job1")
	if err != nil || st.Enabled || st.ConnectionID != 0 {
		t.Errorf("job after its connection was deleted: %+v, %v", st, err)
	}
}

func TestServiceViewBeforeTheFirstConnect(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{})
	p.CreateJob(t, "job1", func(s *mgmt.JobSpec) { s.Target = "127.0.0.1:1" }) // nothing listens
	v := waitView(t, p.Src, "an error", func(v view.View) bool {
		return len(v.Connections) == 1 && item(t, v.Connections[0].Row, "Transmit Mode") == "Error"
	})
	c := v.Connections[0]
	if item(t, c.Row, "Target Data State") != "Mirror Required" || item(t, c.Row, "Target Status") != "Retrying" ||
		item(t, c.Row, "Target Name") != "127.0.0.1:1" || !c.InUse {
		t.Errorf("unconnected connection %+v", c)
	}
	if err := p.Src.DeleteConnection(context.Background(), c.ID); catalog.CodeOf(err) != catalog.CodeJobInUse {
		t.Errorf("deleting a connection still retrying: %v", err)
	}
}

// link is a TCP relay standing for the network between source and target;
// cut fails it as a broken network would.
type link struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func newLink(t *testing.T, target string) *link {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &link{ln: ln}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			a, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", target)
			if err != nil {
				a.Close()
				continue
			}
			l.mu.Lock()
			l.conns = append(l.conns, a, b)
			l.mu.Unlock()
			go func() { io.Copy(a, b); a.Close() }()
			go func() { io.Copy(b, a); b.Close() }()
		}
	}()
	t.Cleanup(l.cut)
	return l
}

func (l *link) addr() string { return l.ln.Addr().String() }

func (l *link) cut() {
	l.ln.Close()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
}

func port(hostport string) string {
	for i := len(hostport) - 1; i >= 0; i-- {
		if hostport[i] == ':' {
			return hostport[i+1:]
		}
	}
	return ""
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestChangeCaptureMethodSetting: ChangeCaptureMethod forces inotify, and
// the view and job status say so without a fallback reason.
func TestChangeCaptureMethodSetting(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{Source: map[string]string{"ChangeCaptureMethod": "inotify"}})
	p.CreateJob(t, "job1", nil)
	st := p.WaitIdle(t, "job1", 60*time.Second)
	v := viewOf(t, p.Src)
	if len(v.Connections) != 1 || v.Connections[0].ChangeCapture != "inotify" || st.ChangeCapture != "inotify" {
		t.Fatalf("job status %q, view %+v: want inotify", st.ChangeCapture, v.Connections)
	}
	os.WriteFile(filepath.Join(p.SrcDir, "after"), []byte("x"), 0o644)
	p.WaitStatus(t, "job1", 30*time.Second, func(s mgmt.JobStatus) bool {
		_, err := os.Stat(filepath.Join(p.TgtDir, "after"))
		return err == nil
	})
}
