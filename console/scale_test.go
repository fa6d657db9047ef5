package console

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
)

// TestConsoleThousandJobs opens Manage Jobs on a server with 1,000 jobs:
// the browser draws one page of rows, pages, filters, and a change to one
// job reaches its row without redrawing the rest.
func TestConsoleThousandJobs(t *testing.T) {
	const jobs = 1000
	dir := t.TempDir()
	n := startNode(t, nodeConfig{name: "many", dataPath: filepath.Join(dir, "data"), logDir: filepath.Join(dir, "logs")})
	ctx := context.Background()
	start := time.Now()
	for i := range jobs {
		if err := os.MkdirAll(filepath.Join(dir, "src", fmt.Sprint(i)), 0o755); err != nil {
			t.Fatal(err)
		}
		spec := mgmt.JobSpec{Name: fmt.Sprintf("job-%04d", i), SourcePath: filepath.Join(dir, "src", fmt.Sprint(i)),
			Target: "127.0.0.1:1", TargetPath: filepath.Join(dir, "dst", fmt.Sprint(i))}
		if err := n.srv.CreateJob(ctx, spec); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d jobs created in %s", jobs, time.Since(start).Round(time.Millisecond))
	_, base := startConsole(t, n.srv, dir)
	b := newBrowser(t)
	loaded := time.Now()
	b.login(base, monitorToken)
	t.Logf("logged in after %s", time.Since(loaded).Round(time.Millisecond))
	b.navigate(base + "#/jobs")
	b.wait("every job counted", `document.querySelector('#jobs-count')?.textContent === '1000 jobs'`, 60*time.Second)
	t.Logf("Manage Jobs with %d jobs shown %s after login started", jobs, time.Since(loaded).Round(time.Millisecond))
	if rows := evalIn[int](b, `document.querySelectorAll('#jobs-table tbody tr').length`); rows != PageSize {
		t.Fatalf("%d rows drawn, want one page of %d", rows, PageSize)
	}
	if got := evalIn[string](b, `document.querySelector('#page-info').textContent`); got != "page 1 of 20" {
		t.Fatalf("pager says %q", got)
	}
	b.screenshot("jobs-1000")
	// Paging redraws one page: time it inside the browser.
	ms := evalIn[float64](b, `(() => { const t0 = performance.now(); for (let i = 0; i < 19; i++) document.querySelector('#next').click(); return (performance.now() - t0) / 19; })()`)
	t.Logf("one page drawn in %.2f ms (browser time, mean of 19)", ms)
	b.wait("the last page", `document.querySelector('#jobs-table tbody tr:last-child')?.dataset.name === 'job-0999'`, 10*time.Second)
	b.js(`const f = document.querySelector('#job-filter'); f.value = 'job-0500'; f.dispatchEvent(new Event('input'))`)
	b.wait("one row filtered", `document.querySelectorAll('#jobs-table tbody tr').length === 1 && document.querySelector('#jobs-table tbody tr').dataset.name === 'job-0500'`, 10*time.Second)
	// A change to one job reaches its row; the other rows are the same
	// elements (not redrawn) only when the page is redrawn for the row.
	if err := n.srv.DeleteJob(ctx, "job-0500"); err != nil {
		t.Fatal(err)
	}
	t.Logf("paged and filtered after %s", time.Since(loaded).Round(time.Millisecond))
	b.wait("the deleted job gone", `document.querySelector('#jobs-count').textContent === '0 jobs'`, 10*time.Second)
	t.Logf("deletion shown after %s", time.Since(loaded).Round(time.Millisecond))
	drawn := evalIn[int](b, `performance.getEntriesByType('resource').filter(e => e.name.includes('/api/')).length`)
	if drawn > 10 {
		t.Fatalf("%d API requests: the page polls instead of following the event stream", drawn)
	}
}

// TestLiveSendsOnlyChanges: a polling round over 1,000 unchanged jobs sends
// the browsers nothing but the tick; one changed job sends one row.
func TestLiveSendsOnlyChanges(t *testing.T) {
	l := newLive()
	var jobs []mgmt.JobStatus
	for i := range 1000 {
		jobs = append(jobs, mgmt.JobStatus{Spec: mgmt.JobSpec{Name: fmt.Sprintf("j%d", i)}, TransmitMode: mgmt.TransmitActive})
	}
	row := ServerRow{ID: LocalID, Name: "s", Health: HealthOK, Jobs: len(jobs)}
	l.server(row, jobs)
	sub, snap := l.subscribe()
	defer l.unsubscribe(sub)
	if len(snap) != 2 || !strings.Contains(string(snap[1]), `"reset":true`) {
		t.Fatalf("snapshot: %d frames", len(snap))
	}
	l.server(row, jobs)
	select {
	case f := <-sub.ch:
		t.Fatalf("an unchanged round sent %.80s", f)
	default:
	}
	jobs[7].TransmitMode = mgmt.TransmitPaused
	jobs = jobs[:999] // j999 went
	l.server(row, jobs)
	f := <-sub.ch
	data, ok := strings.CutPrefix(string(f), "event: jobs\ndata: ")
	if !ok {
		t.Fatalf("frame %.80s", f)
	}
	var jf jobsFrame
	if err := json.Unmarshal([]byte(strings.TrimSpace(data)), &jf); err != nil {
		t.Fatal(err)
	}
	if len(jf.Upsert) != 1 || !strings.Contains(string(jf.Upsert[0]), `"j7"`) || len(jf.Remove) != 1 || jf.Remove[0] != "j999" {
		t.Fatalf("changes sent: %d rows, removed %q", len(jf.Upsert), jf.Remove)
	}
}

// TestLiveDropsALaggingBrowser: a browser that does not read is dropped
// (its EventSource reconnects to a fresh snapshot) and never blocks a round.
func TestLiveDropsALaggingBrowser(t *testing.T) {
	l := newLive()
	sub, _ := l.subscribe()
	for i := range subscriberBuffer + 1 {
		l.tick(time.UnixMilli(int64(i)))
	}
	select {
	case <-sub.gone:
	default:
		t.Fatal("a browser that lags by more than its buffer was kept")
	}
	if l.dropped != 1 {
		t.Fatalf("dropped %d", l.dropped)
	}
}
