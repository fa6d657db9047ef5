//go:build linux

package server

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
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
		{"target path in LogDir", src, self, filepath.Join(s.set.String("LogDir"), "replica"), catalog.CodeInvalidPath},
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
