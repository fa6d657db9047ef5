package email

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters/email/smtptest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Events of the selected levels reach every recipient through STARTTLS
// and AUTH as one digest with the right headers and each event's fields;
// an event of another level does not.
func TestDigestThroughSTARTTLSWithAuth(t *testing.T) {
	c := smtptest.MakeCert(t)
	srv := smtptest.Start(t, "--tlscert", c.CertFile, "--tlskey", c.KeyFile, "--auth", "dtrep:s3cret")
	cfg := testConfig(srv.Port)
	cfg.Security, cfg.CACert, cfg.Username, cfg.Password = SecuritySTARTTLS, c.PEM, "dtrep", "s3cret"
	r := runNotifier(t, cfg)

	conn := events.Context{ConnID: 3, Job: "payroll", RepSet: "payroll-set", Peer: "10.0.0.2:6320"}
	r.raise(catalog.EventDoubleTake4011, conn) // Error
	r.raise(catalog.EventDoubleTake4007, conn) // Warning
	r.raise(catalog.EventDoubleTake4019, conn) // Information: not selected
	got := srv.Next(t, 10*time.Second)
	if !got.TLS || got.Auth != "dtrep" {
		t.Errorf("tls %v auth %q, want STARTTLS and AUTH as dtrep", got.TLS, got.Auth)
	}
	if got.MailFrom != "dtrep@src.example" || strings.Join(got.RcptTos, ",") != "ops@example.com,night@example.com" {
		t.Errorf("envelope from %q to %v", got.MailFrom, got.RcptTos)
	}
	m, body := got.Parse(t)
	ce4011, _ := catalog.Must().Event(events.SourceEngine, 4011)
	wantSubject := "[dtrep] 2 events on src: 1 error, 1 warning"
	for h, want := range map[string]string{
		"Subject": wantSubject, "From": "<dtrep@src.example>",
		HeaderServer: "src", HeaderEventIDs: "4011,4007", HeaderLevel: string(catalog.LevelError),
		"Content-Type": "text/plain; charset=UTF-8", "X-Mailer": "dtrep",
	} {
		if g := m.Header.Get(h); g != want {
			t.Errorf("%s: %q, want %q", h, g, want)
		}
	}
	if to := m.Header.Get("To"); !strings.Contains(to, "ops@example.com") || !strings.Contains(to, `"Night Shift" <night@example.com>`) {
		t.Errorf("To: %q", to)
	}
	if m.Header.Get("Message-Id") == "" || m.Header.Get("Date") == "" {
		t.Errorf("no Message-ID or Date: %v", m.Header)
	}
	for _, want := range []string{
		"dtrep server src raised 2 events", "Event 4011 (Error)", "Event 4007 (Warning)", "Job:             payroll",
		"Replication set: payroll-set", "Connection:      3", "Peer:            10.0.0.2:6320",
		"Required action: " + strings.SplitN(ce4011.Action, "\n", 2)[0],
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "4019") {
		t.Errorf("unselected event 4019 in the body:\n%s", body)
	}
	r.waitCounter(t, CounterMessagesSent, 1, 5*time.Second)
	if c := r.n.Counters(); c[CounterEventsSent] != 2 || c[CounterStatus] != CodeWorking {
		t.Errorf("counters %v", c)
	}
	// The same counters, as /metrics publishes them.
	want := `
# HELP dtrep_email_events_sent_total Events reported in e-mails the server accepted.
# TYPE dtrep_email_events_sent_total counter
dtrep_email_events_sent_total 2
# HELP dtrep_email_messages_sent_total E-mails the server accepted.
# TYPE dtrep_email_messages_sent_total counter
dtrep_email_messages_sent_total 1
# HELP dtrep_email_status Chapter 5 code of the last attempt: 2200 sent, 2201, 2202, 2207 or 2216 failed, 0 none yet.
# TYPE dtrep_email_status gauge
dtrep_email_status 2200
`
	if err := testutil.CollectAndCompare(r.n.Collector(), strings.NewReader(want),
		"dtrep_email_events_sent_total", "dtrep_email_messages_sent_total", "dtrep_email_status"); err != nil {
		t.Error(err)
	}
	if problems, err := testutil.CollectAndLint(r.n.Collector()); err != nil || len(problems) != 0 {
		t.Errorf("metric lint: %v %v", problems, err)
	}
}

// One event makes a message whose subject names it.
func TestSingleEventSubject(t *testing.T) {
	srv := smtptest.Start(t)
	cfg := testConfig(srv.Port)
	cfg.Digest = 0
	r := runNotifier(t, cfg)
	ev := r.raise(catalog.EventDoubleTake4007, events.Context{})
	m, _ := srv.Next(t, 10*time.Second).Parse(t)
	want := fmt.Sprintf("[dtrep] %s 4007 on src: %s", ev.Level, firstLine(ev.Message))
	if g := m.Header.Get("Subject"); g != want {
		t.Errorf("Subject %q, want %q", g, want)
	}
}

// A burst becomes few messages: 500 events within the digest window make
// ceil(500/maxEventsPerMessage) messages carrying every event once; past
// EmailBufferSize the oldest go, and the next message says how many.
func TestBurstIsDigested(t *testing.T) {
	srv := smtptest.Start(t)
	cfg := testConfig(srv.Port)
	cfg.Digest = time.Second
	r := runNotifier(t, cfg)
	const burst = 500
	for range burst {
		r.raise(catalog.EventDoubleTake4007, events.Context{})
	}
	wantMsgs := (burst + maxEventsPerMessage - 1) / maxEventsPerMessage
	total := 0
	for range wantMsgs {
		_, body := srv.Next(t, 20*time.Second).Parse(t)
		total += strings.Count(body, "Event 4007 (")
	}
	if total != burst {
		t.Errorf("%d events in %d messages, want %d", total, wantMsgs, burst)
	}
	r.waitCounter(t, CounterEventsSent, burst, 5*time.Second)
	if c := r.n.Counters(); c[CounterMessagesSent] != int64(wantMsgs) || c[CounterEventsDropped] != 0 || c[CounterEventsLost] != 0 {
		t.Errorf("counters %v, want %d messages, nothing dropped", c, wantMsgs)
	}

	small := testConfig(srv.Port)
	small.Digest, small.BufferSize = time.Second, 50
	r2 := runNotifier(t, small)
	for range 120 {
		r2.raise(catalog.EventDoubleTake4007, events.Context{})
	}
	_, body := srv.Next(t, 20*time.Second).Parse(t)
	if n := strings.Count(body, "Event 4007 ("); n != 50 || !strings.Contains(body, "70 more events were selected but dropped") {
		t.Errorf("%d events, want 50 and 70 dropped:\n%.400s", n, body)
	}
	if c := r2.n.Counters(); c[CounterEventsDropped] != 70 {
		t.Errorf("events_dropped %d, want 70", c[CounterEventsDropped])
	}
}

// Implicit TLS (SMTPS) with AUTH.
func TestImplicitTLS(t *testing.T) {
	c := smtptest.MakeCert(t)
	srv := smtptest.Start(t, "--tlscert", c.CertFile, "--tlskey", c.KeyFile, "--smtps", "--auth", "u:p")
	cfg := testConfig(srv.Port)
	cfg.Security, cfg.CACert, cfg.Username, cfg.Password = SecurityTLS, c.PEM, "u", "p"
	if err := SendTest(context.Background(), cfg, "src", nil); err != nil {
		t.Fatal(err)
	}
	got := srv.Next(t, 10*time.Second)
	m, body := got.Parse(t)
	if !got.TLS || got.Auth != "u" || m.Header.Get("Subject") != "[dtrep] Test e-mail from dtrep on src" ||
		!strings.Contains(body, "Levels: error, warning") {
		t.Errorf("tls %v auth %q subject %q body:\n%s", got.TLS, got.Auth, m.Header.Get("Subject"), body)
	}
}

// Failures: each gives its chapter 5 code, is retried only when another
// attempt may pass, and is counted.
func TestFailures(t *testing.T) {
	c := smtptest.MakeCert(t)
	cases := []struct {
		name     string
		flags    []string // nil: nothing listens
		tune     func(*Config)
		status   int // Status after the last attempt
		attempts int64
		sent     int64 // messages that arrive
	}{
		{name: "refused", status: CodeConnecting, attempts: 3},
		{name: "timeout", flags: []string{"--stall"}, tune: func(c *Config) { c.Timeout, c.Retries = 300*time.Millisecond, 2 },
			status: CodeCommunicating, attempts: 2},
		{name: "dropped mid-message then accepted", flags: []string{"--drop", "2"}, status: CodeWorking, attempts: 3, sent: 1},
		{name: "4xx then accepted", flags: []string{"--tempfail", "1"}, status: CodeWorking, attempts: 2, sent: 1},
		{name: "5xx is final", flags: []string{"--reject-data"}, status: CodeSending, attempts: 1},
		{name: "every recipient refused", flags: []string{"--refuse-rcpt", "ops@example.com", "--refuse-rcpt", "night@example.com"},
			status: CodeAddressNotExist, attempts: 1},
		{name: "no STARTTLS offered", flags: []string{}, tune: func(c *Config) { c.Security = SecuritySTARTTLS },
			status: CodeConnecting, attempts: 3},
		{name: "untrusted certificate", flags: []string{"--tlscert", c.CertFile, "--tlskey", c.KeyFile},
			tune: func(c *Config) { c.Security = SecuritySTARTTLS }, status: CodeConnecting, attempts: 3},
		{name: "wrong password", flags: []string{"--tlscert", c.CertFile, "--tlskey", c.KeyFile, "--auth", "u:p"},
			tune: func(cf *Config) {
				cf.Security, cf.CACert, cf.Username, cf.Password = SecuritySTARTTLS, c.PEM, "u", "wrong"
			},
			status: CodeConnecting, attempts: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var srv *smtptest.Server
			port := 0
			if tc.flags != nil {
				srv = smtptest.Start(t, tc.flags...)
				port = srv.Port
			} else {
				port = smtptest.ClosedPort(t)
			}
			cfg := testConfig(port)
			cfg.Digest = 0
			if tc.tune != nil {
				tc.tune(&cfg)
			}
			r := runNotifier(t, cfg)
			r.raise(catalog.EventDoubleTake4007, events.Context{})
			if tc.sent > 0 {
				srv.Next(t, 20*time.Second)
				r.waitCounter(t, CounterMessagesSent, tc.sent, 5*time.Second)
			} else {
				r.waitCounter(t, CounterMessagesFailed, 1, 20*time.Second)
			}
			c := r.n.Counters()
			if c[CounterAttempts] != tc.attempts || c[CounterStatus] != int64(tc.status) ||
				c[CounterAttemptsFailed] != tc.attempts-tc.sent || c[CounterRetries] != tc.attempts-1 {
				t.Errorf("counters %v, want %d attempts ending in %d", c, tc.attempts, tc.status)
			}
			if tc.sent == 0 && c[CounterEventsFailed] != 1 {
				t.Errorf("events_failed %d, want 1", c[CounterEventsFailed])
			}
		})
	}
}

// A refused recipient is reported (2216) and counted; the others still
// receive the message. The test e-mail reports it as 2208.
func TestRecipientRefused(t *testing.T) {
	srv := smtptest.Start(t, "--refuse-rcpt", "night@example.com")
	cfg := testConfig(srv.Port)
	cfg.Digest = 0
	r := runNotifier(t, cfg)
	r.raise(catalog.EventDoubleTake4007, events.Context{})
	if got := srv.Next(t, 10*time.Second); strings.Join(got.RcptTos, ",") != "ops@example.com" {
		t.Errorf("delivered to %v", got.RcptTos)
	}
	r.waitCounter(t, CounterMessagesSent, 1, 5*time.Second)
	if c := r.n.Counters(); c[CounterRecipientsRejected] != 1 {
		t.Errorf("recipients_rejected %d", c[CounterRecipientsRejected])
	}
	err := SendTest(context.Background(), cfg, "src", nil)
	if catalog.CodeOf(err) != CodeSendingTest || !strings.Contains(err.Error(), "2216 E-mail notification address does not exist") ||
		!strings.Contains(err.Error(), "night@example.com") {
		t.Errorf("test e-mail: %v", err)
	}
}

// While the server holds a message without answering, the engine raises
// events at full speed: the notifier is still inside its first attempt
// when thousands of events have been raised, none lost at the hub.
func TestStalledServerNeverBlocksTheEngine(t *testing.T) {
	srv := smtptest.Start(t, "--stall")
	cfg := testConfig(srv.Port)
	cfg.Digest, cfg.Timeout, cfg.BufferSize = 0, 30*time.Second, 100000
	r := runNotifier(t, cfg)
	r.raise(catalog.EventDoubleTake4007, events.Context{})
	r.waitCounter(t, CounterAttempts, 1, 10*time.Second)
	const n = 20000
	for range n {
		r.raise(catalog.EventDoubleTake4007, events.Context{})
	}
	c := r.n.Counters()
	if c[CounterAttempts] != 1 || c[CounterAttemptsFailed] != 0 {
		t.Fatalf("the stalled attempt ended before the burst was raised: %v", c)
	}
	// Every event is waiting or counted lost at the hub (whose small
	// buffer a tight loop of Raise can outrun): none vanished unaccounted.
	deadline := time.Now().Add(10 * time.Second)
	accounted := func(c map[string]int64) bool { return c[CounterPending]+c[CounterEventsLost] == n }
	for !accounted(r.n.Counters()) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if c := r.n.Counters(); !accounted(c) || uint64(c[CounterEventsLost]) != r.eng.Hub.Stats().Dropped {
		t.Errorf("counters %v, hub %+v: want all %d events waiting or counted lost", c, r.eng.Hub.Stats(), n)
	}
}
