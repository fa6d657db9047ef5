package logfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

func TestRouterSendsEventsToTheirLogs(t *testing.T) {
	dir := t.TempDir()
	hub := events.NewHub(catalog.Must())
	r, err := OpenRouter(RouterOptions{Settings: newSettings(dir),
		JobID: func(job string) (string, bool) { return map[string]string{"job1": "0123abcd"}[job], job == "job1" }})
	if err != nil {
		t.Fatal(err)
	}
	sub := hub.Subscribe(64, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Serve(ctx, sub) }()

	hub.Raise(catalog.EventDoubleTake4000, events.Context{})
	hub.Raise(catalog.EventDoubleTake4016, events.Context{Job: "job1", ConnID: 1}, "beta", "10.0.0.2:6320", "job1", "1")
	hub.Raise(catalog.EventDoubleTake4016, events.Context{Job: "unknown"}, "x")
	hub.Raise(catalog.EventDoubleTakeManagementService6001, events.Context{Job: "job1"}, "a management warning")
	// Wait for the last event to be written, then stop.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, "job-0123abcd.log")); err == nil && strings.Count(string(b), "\n") == 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done

	eng := parsedLines(t, filepath.Join(dir, "dtlog1.dtl"))
	if len(eng) != 3 || eng[0].ID != 4000 || eng[1].ID != 4016 || eng[2].ID != 4016 {
		t.Fatalf("engine log %+v", eng)
	}
	want, _ := catalog.Must().Event(events.SourceEngine, 4016)
	if eng[1].Text != want.Render("beta", "10.0.0.2:6320", "job1", "1") || eng[1].Type != TypeInfo {
		t.Errorf("4016 logged as %+v", eng[1])
	}
	master := parsedLines(t, filepath.Join(dir, MasterLogName))
	if len(master) != 1 || master[0].ID != 6001 || master[0].Type != TypeAlert || master[0].Text != "a management warning" {
		t.Fatalf("master.log %+v", master)
	}
	job := parsedLines(t, filepath.Join(dir, "job-0123abcd.log"))
	if len(job) != 2 || job[0].ID != 4016 || job[1].ID != 6001 {
		t.Fatalf("job log %+v", job)
	}
}
