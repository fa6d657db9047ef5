package capture

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/repset"
)

// BenchmarkCreate10kFiles measures records per second while 10,000 small
// files are created in 100 directories. File creation usually dominates;
// tail-ms is how long after the last file was written its record arrived,
// the part capture adds.
func BenchmarkCreate10kFiles(b *testing.B) {
	const files, dirs = 10000, 100
	var total, tail time.Duration
	for b.Loop() {
		b.StopTimer()
		root := b.TempDir()
		for d := range dirs {
			if err := os.Mkdir(filepath.Join(root, fmt.Sprint("d", d)), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		set, err := repset.New("bench", root, repset.Rule{Path: "", Include: true, Recursive: true})
		if err != nil {
			b.Fatal(err)
		}
		w, err := New(root, set, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Serve(ctx) }()
		created := make(chan struct{})
		go func() {
			seen := map[string]bool{}
			for c := range w.Changes() {
				if c.Kind == Create && !seen[c.Path] {
					seen[c.Path] = true
					if len(seen) == files {
						close(created)
					}
				}
			}
		}()
		data := []byte("small file\n")
		b.StartTimer()
		start := time.Now()
		for i := range files {
			p := filepath.Join(root, fmt.Sprint("d", i%dirs), fmt.Sprint("f", i))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		written := time.Now()
		select {
		case <-created:
		case <-time.After(deadline):
			b.Fatal("not every file was reported")
		}
		total += time.Since(start)
		tail += time.Since(written)
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(files*b.N)/total.Seconds(), "records/s")
	b.ReportMetric(float64(tail.Milliseconds())/float64(b.N), "tail-ms")
}
