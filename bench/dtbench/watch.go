package main

import (
	"path/filepath"
	"time"

	"github.com/dtrep/dtrep/engine/capture"
	"github.com/dtrep/dtrep/engine/repset"
)

// watchTree times how long the source's change capture takes to watch all
// of src (inotify walks the tree and adds a watch per directory; fanotify
// marks the file system once) and how many inotify watches it holds then.
func watchTree(src, method string) (time.Duration, int64, string, error) {
	m, err := capture.ParseMethod(method)
	if err != nil {
		return 0, 0, "", err
	}
	root, err := filepath.Abs(src)
	if err != nil {
		return 0, 0, "", err
	}
	set, err := repset.New("bench", root, repset.Rule{Path: "", Include: true, Recursive: true})
	if err != nil {
		return 0, 0, "", err
	}
	t0 := time.Now()
	w, err := capture.New(root, set, capture.Options{Method: m})
	if err != nil {
		return 0, 0, "", err
	}
	d := time.Since(t0)
	n := w.Counters().Watches.Load()
	return d, n, w.Method().String(), w.Close()
}
