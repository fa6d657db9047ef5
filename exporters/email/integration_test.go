//go:build linux

package email

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/exporters/email/smtptest"
)

// A replicating server's own events reach the mailbox: the mirror's start
// and completion, selected by ID, arrive in one digest naming the job.
func TestReplicatingServerSendsItsEvents(t *testing.T) {
	srv := smtptest.Start(t)
	p := servertest.StartPair(t, servertest.Config{})
	cfg := testConfig(srv.Port)
	cfg.Selection = Selection{Include: []IDRange{{4019, 4019}, {4023, 4023}}}
	cfg.Digest = 2 * time.Second
	n, err := New(p.Src, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	if err := os.WriteFile(filepath.Join(p.SrcDir, "f"), []byte(strings.Repeat("x", 4096)), 0o644); err != nil {
		t.Fatal(err)
	}
	p.CreateJob(t, "mailjob", nil)
	p.WaitIdle(t, "mailjob", 60*time.Second)

	m, body := srv.Next(t, 30*time.Second).Parse(t)
	if got := m.Header.Get(HeaderEventIDs); got != "4019,4023" {
		t.Errorf("%s: %q, want the mirror's start and completion", HeaderEventIDs, got)
	}
	if m.Header.Get(HeaderServer) != p.Src.ServerName() || !strings.Contains(body, "Job:             mailjob") ||
		!strings.Contains(body, "Event 4023 ("+string(catalog.LevelInformation)+")") {
		t.Errorf("server %q body:\n%s", m.Header.Get(HeaderServer), body)
	}
}
