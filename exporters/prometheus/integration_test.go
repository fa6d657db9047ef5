//go:build linux

package prometheus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/internal/testrun"
)

// A real Prometheus scrapes a replicating pair; PromQL over its HTTP API
// returns what the engine reports.
func TestPrometheusScrapesReplicatingPair(t *testing.T) {
	promBin := tool(t, "prometheus")
	p := servertest.StartPair(t, servertest.Config{})
	srcURL := serveExporter(t, p.Src)
	tgtURL := serveExporter(t, p.Tgt)
	prom := startPrometheus(t, promBin, map[string]string{"source": srcURL, "target": tgtURL})

	p.CreateJob(t, "prom", nil)
	p.WaitIdle(t, "prom", 60*time.Second)

	// Keep data flowing until Prometheus sees a send rate.
	ctx, stopWriting := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		writeLoad(ctx, t, p.SrcDir)
	}()
	res := prom.waitQuery(t, `rate(dtrep_connection_sent_bytes_total{role="source",dtrep_job="prom"}[1m]) > 0`, 60*time.Second,
		func(r []promSample) bool { return len(r) == 1 })
	if got := res[0].Metric; got["connection_id"] != "1" || got["replication_set"] == "" || got["target"] != p.Tgt.Addr().String() {
		t.Errorf("sent-bytes series labels: %v", got)
	}
	prom.waitQuery(t, `rate(dtrep_target_received_ops_total{role="target"}[1m]) > 0`, 30*time.Second,
		func(r []promSample) bool { return len(r) == 1 })
	stopWriting()
	wg.Wait()
	p.WaitIdle(t, "prom", 60*time.Second)

	// Once idle, the latest scrape holds exactly the engine's counters.
	src := p.Src.Snapshot()
	sent := src.Connections[0].Values["conBytesTx"]
	prom.waitQuery(t, `dtrep_connection_sent_bytes_total{role="source",dtrep_job="prom"}`, 30*time.Second,
		func(r []promSample) bool {
			return len(r) == 1 && r[0].Value == float64(p.Src.Snapshot().Connections[0].Values["conBytesTx"])
		})
	if sent == 0 {
		t.Error("engine reports no bytes sent")
	}
	prom.waitQuery(t, `dtrep_target_received_ops_total{role="target"}`, 30*time.Second,
		func(r []promSample) bool {
			tg := p.Tgt.Snapshot().Targets
			return len(r) == 1 && len(tg) == 1 && r[0].Value == float64(tg[0].Values["Ops Received"]) && r[0].Value > 0
		})
	for _, q := range []string{
		`dtrep_kernel_connections{role="source"} == 1`,
		`dtrep_connection_state_flag{role="source",state="Active"} == 1`,
		`dtrep_target_connection_status{role="target",state="OK",source_name="source"} == 1`,
		`dtrep_events_total{role="source",source="Double-Take",id="4016"} >= 1`,
		`time() - dtrep_kernel_start_time_seconds{role="source"} < 600`,
		`time() - dtrep_connection_connect_time_seconds{role="source"} < 600`,
		`up{job="dtrep"} == 1`,
	} {
		prom.waitQuery(t, q, 30*time.Second, func(r []promSample) bool { return len(r) >= 1 })
	}
	// Each state set names the word the engine reports now.
	words := map[string]func(mgmt.JobStatus) string{
		"dtrep_connection_transmit_mode":      func(s mgmt.JobStatus) string { return s.TransmitMode },
		"dtrep_connection_mirror_status":      func(s mgmt.JobStatus) string { return s.MirrorStatus },
		"dtrep_connection_replication_status": func(s mgmt.JobStatus) string { return s.ReplicationStatus },
		"dtrep_connection_target_data_state":  func(s mgmt.JobStatus) string { return s.TargetDataState },
	}
	for fam, word := range words {
		prom.waitQuery(t, fam+`{role="source",dtrep_job="prom"} == 1`, 30*time.Second, func(r []promSample) bool {
			st, err := p.Src.JobStatus(context.Background(), "prom")
			return err == nil && len(r) == 1 && r[0].Metric["state"] == word(st)
		})
	}
	if n := len(prom.waitQuery(t, `up{job="dtrep"} == 1`, 10*time.Second, func(r []promSample) bool { return len(r) == 2 })); n != 2 {
		t.Errorf("%d targets up, want 2", n)
	}

	// promtool's linter accepts the live output of both servers.
	for _, u := range []string{srcURL, tgtURL} {
		promtoolCheckMetrics(t, httpGet(t, u))
	}
}

// serveExporter runs an exporter for srv on a loopback port until the test
// ends and returns its metrics URL.
func serveExporter(t *testing.T, srv *server.Server) string {
	t.Helper()
	e, err := New(srv, Options{Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + testrun.Listen(t, e.Serve) + MetricsPath
}

// writeLoad writes 64 KiB files into dir until ctx ends.
func writeLoad(ctx context.Context, t *testing.T, dir string) {
	data := bytes.Repeat([]byte("dtrep prometheus load "), 3000)
	for i := 0; ctx.Err() == nil; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("load-%d", i%50)), data, 0o644); err != nil {
			t.Errorf("load: %v", err)
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: HTTP %d, %v", u, resp.StatusCode, err)
	}
	return string(b)
}

// promServer is a Prometheus process started for one test.
type promServer struct {
	base string
}

// startPrometheus runs Prometheus scraping each metrics URL every second,
// with a role label from the map key.
func startPrometheus(t *testing.T, bin string, targets map[string]string) *promServer {
	t.Helper()
	dir := t.TempDir()
	var cfg bytes.Buffer
	cfg.WriteString("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: dtrep\n    static_configs:\n")
	for role, u := range targets {
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "      - targets: [%q]\n        labels: {role: %q}\n", pu.Host, role)
	}
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, cfg.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("prometheus log:\n%s", b)
		}
	})
	ps := &promServer{base: "http://" + addr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(ps.base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return ps
			}
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("prometheus exited:\n%s", b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("prometheus not ready after 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// promSample is one element of an instant vector.
type promSample struct {
	Metric map[string]string
	Value  float64
}

// query runs an instant query.
func (ps *promServer) query(q string) ([]promSample, error) {
	resp, err := http.Get(ps.base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("query %s: %w", q, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, body.Error)
	}
	var out []promSample
	for _, r := range body.Data.Result {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("query %s: value %v: %w", q, r.Value[1], err)
		}
		out = append(out, promSample{Metric: r.Metric, Value: v})
	}
	return out, nil
}

// waitQuery polls a query until ok accepts its result.
func (ps *promServer) waitQuery(t *testing.T, q string, timeout time.Duration, ok func([]promSample) bool) []promSample {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last []promSample
	var err error
	for time.Now().Before(deadline) {
		last, err = ps.query(q)
		if err == nil && ok(last) {
			return last
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("query %s: not satisfied after %s: last %v, err %v", q, timeout, last, err)
	return nil
}
