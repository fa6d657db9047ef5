//go:build linux

package server

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// Jobs that would destroy data are refused when they are created, with
// the code that names the problem: a target path that is the source path,
// lies inside it or holds it on this same server (however the server is
// spelled), a source path that is a root, a symlink or the server's own
// data, and a target path over the server's own directories.
func TestJobsThatDestroyDataAreRefused(t *testing.T) {
	s, _ := newServer(t, "self", map[string]string{"LogDir": t.TempDir()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	self := s.Addr().String()
	port := strconv.Itoa(s.Addr().(*net.TCPAddr).Port)

	src := filepath.Join(t.TempDir(), "protected")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	srcLink := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(src, srcLink); err != nil {
		t.Fatal(err)
	}
	dataSrc := filepath.Join(s.dataPath, "mine")
	if err := os.MkdirAll(dataSrc, 0o755); err != nil {
		t.Fatal(err)
	}
	elsewhere := filepath.Join(t.TempDir(), "replica")
	cases := []struct {
		name, source, target, targetPath string
		code                             int
	}{
		{"target path is the source path", src, self, src, catalog.CodeSourcePathInvalid},
		{"same path through localhost", src, net.JoinHostPort("localhost", port), src, catalog.CodeSourcePathInvalid},
		{"same path through a symlink", src, self, srcLink, catalog.CodeSourcePathInvalid},
		{"target path inside the source path", src, self, filepath.Join(src, "replica"), catalog.CodeSourcePathInvalid},
		{"target path holds the source path", src, self, filepath.Dir(src), catalog.CodeSourcePathInvalid},
		{"source path is the root", "/", self, elsewhere, catalog.CodeSourcePathInvalid},
		{"source path is a symlink", srcLink, self, elsewhere, catalog.CodeSourcePathInvalid},
		{"source path in DataPath", dataSrc, self, elsewhere, catalog.CodeSourcePathInvalid},
		{"target path in DataPath", src, self, filepath.Join(s.dataPath, "replica"), catalog.CodeInvalidPath},
		{"target path in LogDir", src, self, filepath.Join(s.set.String(catalog.SettingLogDir), "replica"), catalog.CodeInvalidPath},
	}
	for i, c := range cases {
		err := s.CreateJob(ctx, mgmt.JobSpec{Name: "bad" + strconv.Itoa(i), SourcePath: c.source, Target: c.target, TargetPath: c.targetPath})
		if catalog.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want code %d", c.name, err, c.code)
		}
	}
	if jobs, _ := s.ListJobs(ctx); len(jobs) != 0 {
		t.Fatalf("refused jobs were stored: %+v", jobs)
	}
	// A separate directory on this same server is a legitimate job.
	if err := s.CreateJob(ctx, mgmt.JobSpec{Name: "good", SourcePath: src, Target: self, TargetPath: elsewhere}); err != nil {
		t.Fatalf("a job into a separate directory: %v", err)
	}
}

// Stored jobs are checked again when the server starts them: a jobs.json
// written by hand or by an older version cannot start a job creation
// would refuse. The job stays listed with the reason, and starting it by
// hand is refused with the same code. A source path that is only missing
// for now still starts (the connection waits for it).
func TestStoredJobsAreCheckedAtStart(t *testing.T) {
	data := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(t.TempDir(), link); err != nil {
		t.Fatal(err)
	}
	jobs := `[
 {"spec": {"name": "root", "source_path": "/", "target": "127.0.0.1:9", "target_path": "/srv/replica"}, "id": "a1", "enabled": true},
 {"spec": {"name": "link", "source_path": "` + link + `", "target": "127.0.0.1:9", "target_path": "/srv/replica"}, "id": "a2", "enabled": true},
 {"spec": {"name": "later", "source_path": "` + filepath.Join(t.TempDir(), "not-yet") + `", "target": "127.0.0.1:9", "target_path": "/srv/replica"}, "id": "a3", "enabled": true}
]`
	if err := os.WriteFile(filepath.Join(data, "jobs.json"), []byte(jobs), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := newServer(t, "restarted", map[string]string{"DataPath": data, "AutoReconnect": "1"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	s.Addr() // Serve has started what it starts

	for _, name := range []string{"root", "link"} {
		st, err := s.JobStatus(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if st.ConnectionID != 0 || !strings.Contains(st.LastError, "140") {
			t.Errorf("%s: connection %d, last error %q; want not started, with 140", name, st.ConnectionID, st.LastError)
		}
		if err := s.StartJob(ctx, name); catalog.CodeOf(err) != catalog.CodeSourcePathInvalid {
			t.Errorf("starting %s by hand: %v, want 140", name, err)
		}
	}
	if st, err := s.JobStatus(ctx, "later"); err != nil || st.ConnectionID == 0 {
		t.Errorf("a job whose source path is missing for now was not started: %+v %v", st, err)
	}
}
