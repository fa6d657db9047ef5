package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/failover"
	"github.com/dtrep/dtrep/internal/testrun"
)

// A failover monitor whose source does not answer shows the condition met
// on /metrics: the state series of that state is 1, the others 0.
func TestFailoverStateOnMetrics(t *testing.T) {
	addr := freeAddr(t)
	srv, st := newTestServer(t, "failover-metrics", map[string]string{"PrometheusAddress": addr, "Port": "0",
		"ConsoleAddress": ""})
	run, err := startPrometheus(srv, st)
	if err != nil || run == nil {
		t.Fatalf("prometheus starter: run %v, err %v", run != nil, err)
	}
	testrun.Run(t, run, srv.Serve)
	ctx := context.Background()

	// Nothing listens on the source's address: every probe is missed.
	spec := failover.Spec{Set: "payroll", Source: freeAddr(t), Interval: failover.Duration(100 * time.Millisecond), Missed: 2}
	if _, err := srv.MonitorSource(ctx, spec); err != nil {
		t.Fatal(err)
	}
	want := []string{`dtrep_failover_state{set="payroll",state="Failover Condition Met"} 1`,
		`dtrep_failover_state{set="payroll",state="Monitoring"} 0`, `dtrep_failover_condition_met_timestamp_seconds{set="payroll"}`}
	deadline := time.Now().Add(30 * time.Second)
	for {
		body := scrape(t, addr)
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w) {
				missing = w
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %s:\n%s", missing, grepLines(body, "dtrep_failover"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
