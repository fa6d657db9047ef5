package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/internal/testrun"
)

// The event log writers the settings turn on, and the e-mail notifier,
// publish their counters on the server's /metrics, whichever exporter
// starts first.
func TestEventlogCountersOnMetrics(t *testing.T) {
	addr := freeAddr(t)
	srv, st := newTestServer(t, "eventlog-test", map[string]string{"PrometheusAddress": addr, "JournaldEnabled": "off",
		"SyslogAddress": "tcp://" + freeAddr(t), "EmailServer": freeAddr(t), "EmailTo": "ops@example.com"})
	var runs []func(context.Context) error
	for _, start := range []exporterStarter{startPrometheus, startEventlog, startEmail} {
		run, err := start(srv, st)
		if err != nil || run == nil {
			t.Fatalf("starter: run %v, err %v", run != nil, err)
		}
		runs = append(runs, run)
	}
	testrun.Run(t, runs...)
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`dtrep_eventlog_events_written_total{writer="syslog"} 0`,
		`dtrep_eventlog_events_dropped_total{writer="syslog"} 0`, `dtrep_eventlog_writer_up{writer="syslog"} 1`,
		"dtrep_email_messages_sent_total 0", "dtrep_email_events_pending 0", "dtrep_email_status 0"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(string(body), `writer="journald"`) {
		t.Error("journald switched off but on /metrics")
	}
}
