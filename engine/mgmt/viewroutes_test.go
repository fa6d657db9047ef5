package mgmt_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
	"github.com/dtrep/dtrep/engine/view"
)

func TestViewRoutes(t *testing.T) {
	fake, _, c := serveFake(t)
	ctx := context.Background()
	fake.SetView(view.View{
		Root:        view.Fields{{Name: "Server name", Value: "alpha"}},
		Connections: []view.Connection{{ID: 1, Job: "a", InUse: true}, {ID: 2, Job: "b"}},
		ReplicationSets: []view.ReplicationSet{{Name: "a", InUse: true,
			Row: view.Fields{{Name: "Name", Value: "a"}, {Name: "Files", Value: "3", Number: true}}}, {Name: "b"}},
	})
	v, err := c.View(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := v.Root.Get("Server name"); got != "alpha" || len(v.Connections) != 2 ||
		v.ReplicationSets[0].Row[1] != (view.Field{Name: "Files", Value: "3", Number: true}) {
		t.Fatalf("view %+v", v)
	}
	wantCode(t, c.DeleteConnection(ctx, 1), catalog.CodeJobInUse)
	wantCode(t, c.DeleteConnection(ctx, 9), catalog.CodeConnectionNotExist)
	wantCode(t, c.DeleteConnection(ctx, 0), 183) // refused before it is sent
	if err := c.DeleteConnection(ctx, 2); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.DeleteReplicationSet(ctx, "a"), catalog.CodeJobInUse)
	wantCode(t, c.DeleteReplicationSet(ctx, ".."), catalog.CodeInvalidParameter)
	if err := c.DeleteReplicationSet(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	calls := strings.Join(fake.Calls(), "|")
	if calls != "View|DeleteConnection 1|DeleteConnection 9|DeleteConnection 2|DeleteReplicationSet a|DeleteReplicationSet b" {
		t.Errorf("calls %s", calls)
	}
}

func TestLogRoutes(t *testing.T) {
	fake, _, c := serveFake(t)
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	fake.SetLogs([]mgmt.LogEntry{{Time: at, Service: "Double-Take", Type: 2, ID: 4000, Message: "one"},
		{Time: at, Service: "Double-Take", Type: 1, ID: 4011, Message: "two"}})
	page, err := c.ReadLogs(ctx, mgmt.LogQuery{Service: mgmt.LogServiceEngine, Tail: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 || page.Entries[0].Message != "two" || !page.Entries[0].Time.Equal(at) || page.Cursor == "" {
		t.Fatalf("page %+v", page)
	}
	page, err = c.ReadLogs(ctx, mgmt.LogQuery{Cursor: page.Cursor})
	if err != nil || len(page.Entries) != 0 {
		t.Fatalf("after the cursor: %+v, %v", page, err)
	}
	for _, q := range []mgmt.LogQuery{{Service: "console"}, {Service: "engine", Job: "a"}, {Limit: mgmt.MaxLogLimit + 1},
		{Job: "../x"}} {
		if _, err := c.ReadLogs(ctx, q); catalog.CodeOf(err) == 0 {
			t.Errorf("%+v accepted", q)
		}
	}
	if n := strings.Count(strings.Join(fake.Calls(), "|"), "ReadLogs"); n != 2 {
		t.Errorf("%d ReadLogs calls: refused queries were sent", n)
	}
}

// The server checks what it is sent itself: a client that skips the
// checks gets the same codes, and nothing reaches the Manager.
func TestViewAndLogRoutesCheckTheirInput(t *testing.T) {
	requireRoot(t)
	fake := mgmttest.NewFake()
	path := mgmttest.ServeUnix(t, fake, nil, mgmt.Options{})
	for _, tc := range []struct {
		method, url string
		status      int
		body        string
	}{
		{"GET", "/v1/logs?service=console", 400, `"code":116`},
		{"GET", "/v1/logs?limit=many", 400, `"code":101`},
		{"GET", "/v1/logs?tail=x", 400, `"code":101`},
		{"GET", "/v1/logs?job=a&service=engine", 400, `"code":116`},
		{"DELETE", "/v1/view/connections/0", 400, `"code":183`},
		{"DELETE", "/v1/view/connections/one", 400, `"code":183`},
		{"POST", "/v1/view", 405, `"code":102`},
	} {
		status, _, body := rawRequest(t, path, tc.method, tc.url, nil)
		if status != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.url, status, body, tc.status, tc.body)
		}
	}
	if calls := fake.Calls(); len(calls) != 0 {
		t.Errorf("refused requests reached the Manager: %q", calls)
	}
}
