package main

import (
	"path/filepath"
	"time"

	"github.com/dtrep/dtrep/engine/capture"
	"github.com/dtrep/dtrep/engine/repset"
)

// watchTree times how long the source's change capture takes to watch all
// of src (it walks the tree and adds an inotify watch per directory) and
// how many watches it holds then.
func watchTree(src string) (time.Duration, int64, error) {
	root, err := filepath.Abs(src)
	if err != nil {
		return 0, 0, err
	}
	set, err := repset.New("bench", root, repset.Rule{Path: "", Include: true, Recursive: true})
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	w, err := capture.New(root, set, capture.Options{})
	if err != nil {
		return 0, 0, err
	}
	d := time.Since(t0)
	n := w.Counters().Watches.Load()
	return d, n, w.Close()
}
