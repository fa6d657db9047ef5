//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/statsfile"
	"github.com/dtrep/dtrep/internal/syncbuf"
)

// startLogger runs statistics logging on a server's settings, a snapshot
// every 50 ms, until the returned stop is called (which writes the final
// snapshot and closes the file).
func startLogger(t *testing.T, set settings.Reader, name string, snap func() stats.Snapshot) (path string, stop func()) {
	t.Helper()
	l := statsfile.NewLogger(statsfile.LoggerOptions{Settings: set, Catalog: catalog.Must(), Server: name,
		Snapshot: snap, Tick: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.Serve(ctx) }()
	var once bool
	stop = func() {
		if !once {
			once = true
			cancel()
			<-done
		}
	}
	t.Cleanup(stop)
	return statsfile.Path(set), stop
}

func dtstat(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

func statsSettings() map[string]string {
	return map[string]string{"StatsLoggingOn": "1", "StatsWriteInterval": "0", "CalculateOnConnect": "1"}
}

func TestStatisticsFileOfAReplicatingPair(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{Source: statsSettings(), Target: statsSettings()})
	srcFile, stopSrc := startLogger(t, p.SrcSettings, "source", p.Src.Snapshot)
	tgtFile, stopTgt := startLogger(t, p.TgtSettings, "target", p.Tgt.Snapshot)

	for i := 0; i < 200; i++ {
		writeFile(t, filepath.Join(p.SrcDir, fmt.Sprintf("d%d/f%d", i%5, i)), bytes.Repeat([]byte{byte(i)}, 1000+i))
	}
	p.CreateJob(t, "job1", nil)
	p.WaitIdle(t, "job1", 60*time.Second)
	for i := 0; i < 50; i++ { // replication after the mirror
		writeFile(t, filepath.Join(p.SrcDir, fmt.Sprintf("live/f%d", i)), []byte("live"))
	}
	p.WaitStatus(t, "job1", 60*time.Second, func(st mgmt.JobStatus) bool {
		return st.Counters["conOpsRx"] == st.Counters["conOpsTx"] && st.Counters["conOpsInCmdQueue"] == 0 &&
			p.Src.Snapshot().Kernel.Values["RepOpsGenerated"] >= 50
	})
	time.Sleep(200 * time.Millisecond) // a few snapshots of the idle state
	stopSrc()
	stopTgt()
	engine := p.Src.Snapshot()
	target := p.Tgt.Snapshot()

	dir := t.TempDir()
	connCSV, tgtCSV := filepath.Join(dir, "c.csv"), filepath.Join(dir, "t.csv")
	if _, e, code := dtstat(t, "-p", "-f", srcFile, "-s", connCSV); code != 0 {
		t.Fatalf("dtstat -p -f -s: %d %s", code, e)
	}
	if _, e, code := dtstat(t, "-P", "-F", tgtFile, "-ST", tgtCSV); code != 0 {
		t.Fatalf("dtstat -p -f -st: %d %s", code, e)
	}

	// The file's last snapshot is the engine's final state.
	rows := readCSVFile(t, connCSV)
	if len(rows) < 5 {
		t.Fatalf("only %d rows: the file was not written during replication", len(rows))
	}
	last := len(rows) - 2 // rows[1:] are the data rows
	conn := engine.Connections[0]
	for _, name := range []string{"conOpsTx", "conBytesTx", "conOpsRx", "conBytesRx", "conBytesCompressedTx"} {
		if got := column(t, rows, name)[last]; got != strconv.FormatInt(conn.Values[name], 10) || got == "0" {
			t.Errorf("%s: file %s, engine %d", name, got, conn.Values[name])
		}
	}
	for _, name := range []string{"RepOpsGenerated", "MirOpsGenerated", "MirBytesGenerated"} {
		if got := column(t, rows, name)[last]; got != strconv.FormatInt(engine.Kernel.Values[name], 10) || got == "0" {
			t.Errorf("%s: file %s, engine %d", name, got, engine.Kernel.Values[name])
		}
	}
	if got := column(t, rows, "conPeerAddress")[last]; got != conn.Texts["conPeerAddress"] {
		t.Errorf("conPeerAddress %q, engine %q", got, conn.Texts["conPeerAddress"])
	}
	// The counters grew during the run: the mirror shows in the file.
	if first := column(t, rows, "MirOpsGenerated")[0]; first == column(t, rows, "MirOpsGenerated")[last] {
		t.Errorf("MirOpsGenerated did not change over the file (%s)", first)
	}

	trows := readCSVFile(t, tgtCSV)
	tb := target.Targets[0]
	if got := column(t, trows, "OpsReceived")[len(trows)-2]; got != strconv.FormatInt(tb.Values["Ops Received"], 10) || got == "0" {
		t.Errorf("OpsReceived: file %s, engine %d", got, tb.Values["Ops Received"])
	}
	if got := column(t, trows, "PeerAddress")[0]; got != "127.0.0.1" {
		t.Errorf("PeerAddress %q", got)
	}

	// The screen shows the same final values.
	out, _, code := dtstat(t, "-f", srcFile)
	if code != 0 {
		t.Fatal(out)
	}
	blocks := strings.Split(out, "=====\n")
	final := blocks[len(blocks)-1]
	if !strings.Contains(final, fmt.Sprintf(" conBytesTx: %d\n", conn.Values["conBytesTx"])) ||
		!strings.Contains(final, fmt.Sprintf("RepOpsGenerated: %d ", engine.Kernel.Values["RepOpsGenerated"])) {
		t.Errorf("last screen block:\n%s", final)
	}

	t.Run("Start and Stop", func(t *testing.T) {
		times := column(t, rows, "DateTimeStamp")
		at := func(i int) time.Time {
			ts, err := time.ParseInLocation("01/02/2006 15:04:05", times[i][:19], time.Local)
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}
		// The run may cross a minute: the bounds come from its first and
		// last snapshots.
		first, last := at(0), at(len(times)-1)
		after := filepath.Join(t.TempDir(), "after.csv")
		// -Start takes minutes: the snapshots of the first snapshot's
		// minute and those after it stay, those of earlier minutes go.
		dtstat(t, "-p", "-f", srcFile, "-s", after, "-Start", first.Format("01/02/2006 15:04"))
		if n := len(readCSVFile(t, after)); n != len(rows) {
			t.Errorf("-Start in the run's first minute kept %d of %d rows", n, len(rows))
		}
		dtstat(t, "-p", "-f", srcFile, "-s", after, "-Start", last.Add(time.Minute).Format("01/02/200615:04"))
		if n := len(readCSVFile(t, after)); n != 1 {
			t.Errorf("-Start after the run kept %d rows", n-1)
		}
		dtstat(t, "-p", "-f", srcFile, "-s", after, "-Stop", first.Add(-time.Minute).Format("01/02/2006"), first.Add(-time.Minute).Format("15:04"))
		if n := len(readCSVFile(t, after)); n != 1 {
			t.Errorf("-Stop before the run kept %d rows", n-1)
		}
	})

	t.Run("IP", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "ip.csv")
		dtstat(t, "-p", "-f", srcFile, "-s", out, "-IP", "192.0.2.7")
		for _, v := range column(t, readCSVFile(t, out), "conPeerAddress") {
			if v != "" {
				t.Fatalf("-IP 192.0.2.7 kept a connection to %s", v)
			}
		}
		dtstat(t, "-p", "-f", srcFile, "-s", out, "-ip", "192.0.2.7,127.0.0.1")
		if v := column(t, readCSVFile(t, out), "conPeerAddress"); v[len(v)-1] != conn.Texts["conPeerAddress"] {
			t.Fatalf("-IP 127.0.0.1 dropped the connection: %q", v[len(v)-1])
		}
	})

	t.Run("truncated file", func(t *testing.T) {
		b, _ := os.ReadFile(srcFile)
		cut := filepath.Join(t.TempDir(), "cut.sts")
		os.WriteFile(cut, b[:len(b)-10], 0o644)
		out := filepath.Join(t.TempDir(), "cut.csv")
		if _, e, code := dtstat(t, "-p", "-f", cut, "-s", out); code != 0 {
			t.Fatalf("exit %d: %s", code, e)
		}
		if n := len(readCSVFile(t, out)); n != len(rows)-1 {
			t.Errorf("%d rows from a file torn in its last record, want %d", n, len(rows)-1)
		}
		screen, _, _ := dtstat(t, "-f", cut)
		if !strings.Contains(screen, "torn last record: true") {
			t.Errorf("the torn record is not mentioned:\n%s", screen[len(screen)-200:])
		}
	})

	t.Run("corrupted file", func(t *testing.T) {
		b, _ := os.ReadFile(srcFile)
		b[middleSnapshotOffset(t, b)] ^= 0x55 // inside one snapshot in the middle of the file
		bad := filepath.Join(t.TempDir(), "bad.sts")
		os.WriteFile(bad, b, 0o644)
		out := filepath.Join(t.TempDir(), "bad.csv")
		if _, e, code := dtstat(t, "-p", "-f", bad, "-s", out); code != 0 {
			t.Fatalf("exit %d: %s", code, e)
		}
		if n := len(readCSVFile(t, out)); n != len(rows)-1 {
			t.Errorf("%d rows from a file with one damaged record, want %d", n, len(rows)-1)
		}
	})

	t.Run("not a statistics file", func(t *testing.T) {
		logFile := filepath.Join(t.TempDir(), "dtlog1.dtl")
		os.WriteFile(logFile, []byte("03/23/2012\t13:34:06.1234\t1\t1\t1\t2\t4000\tstarted\n"), 0o644)
		_, e, code := dtstat(t, "-f", logFile)
		if code != 2 || !strings.Contains(e, "143 Invalid statistics file") {
			t.Fatalf("exit %d: %s", code, e)
		}
	})
}

func TestLiveStatisticsFromAServer(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{})
	writeFile(t, filepath.Join(p.SrcDir, "a"), []byte("a"))
	p.CreateJob(t, "job1", nil)
	p.WaitIdle(t, "job1", 60*time.Second)
	sock := mgmttest.ServeUnix(t, p.Src, p.Src, mgmt.Options{})
	t.Setenv(mgmt.SocketEnv, sock)

	saved := filepath.Join(t.TempDir(), "live.sts")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncbuf.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"-t", saved, "-IP", "127.0.0.1"}, &out, &errOut) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "conTasksIgnored") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "CONNECTION:: conPeerAddress: "+p.Tgt.Addr().String()+"\n") {
		t.Fatalf("live screen:\n%s", out.String())
	}
	f, err := statsfile.Open(saved)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s, err := f.Next(); err != nil || len(s.Connections) != 1 {
		t.Fatalf("-t saved %+v, %v", s, err)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return readCSV(t, b)
}

// middleSnapshotOffset walks the records of a statistics file (see the
// statsfile package documentation: a 16-byte file header, then records of
// marker, length, CRC and a payload whose first byte is the kind) and
// returns an offset inside the payload of the middle snapshot (kind 2).
func middleSnapshotOffset(t *testing.T, b []byte) int {
	t.Helper()
	var snaps []int
	for off := 16; off+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[off+4:]))
		payload := off + 12
		if payload+n > len(b) || n == 0 {
			break
		}
		if b[payload] == 2 {
			snaps = append(snaps, payload+n/2)
		}
		off = payload + n
	}
	if len(snaps) < 3 {
		t.Fatalf("only %d snapshots in the file", len(snaps))
	}
	return snaps[len(snaps)/2]
}
