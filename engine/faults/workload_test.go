//go:build linux

package faults

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// workload changes a tree the way users do: creates, overwrites, appends,
// partial writes, truncations, renames of files and directories, deletes,
// chmods, symlinks, hard links and explicit mtimes. It tracks what it made
// so most steps hit something that exists; a step that fails (the path
// went away meanwhile) is simply skipped.
type workload struct {
	root  string
	tag   string // in every name it makes, so two workloads never collide
	rng   *rand.Rand
	files []string // relative paths of regular files it made
	dirs  []string // relative paths of directories, "" is the root
	n     int
	// maxBytes bounds the data one step writes.
	maxBytes int
	// log records each step that changed something, for the failure
	// report of a test.
	mu  sync.Mutex
	log []string
}

func (w *workload) note(format string, args ...any) {
	w.mu.Lock()
	w.log = append(w.log, time.Now().Format("15:04:05.000")+" "+fmt.Sprintf(format, args...))
	w.mu.Unlock()
}

// history lists the steps whose description mentions any of names.
func (w *workload) history(names ...string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, l := range w.log {
		for _, n := range names {
			if n != "" && strings.Contains(l, n) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}

func newWorkload(root, tag string, seed int64) *workload {
	return &workload{root: root, tag: tag, rng: rand.New(rand.NewSource(seed)), dirs: []string{""}, maxBytes: 96 << 10}
}

func (w *workload) abs(rel string) string { return filepath.Join(w.root, rel) }

func (w *workload) pick(list []string) (int, string) {
	if len(list) == 0 {
		return -1, ""
	}
	i := w.rng.Intn(len(list))
	return i, list[i]
}

func (w *workload) data() []byte {
	n := w.rng.Intn(w.maxBytes + 1)
	if w.rng.Intn(4) == 0 {
		n = w.rng.Intn(64) // many small files
	}
	b := make([]byte, n)
	w.rng.Read(b)
	return b
}

func (w *workload) newName(prefix string) string {
	w.n++
	_, dir := w.pick(w.dirs)
	return filepath.Join(dir, fmt.Sprintf("%s%s%05d", prefix, w.tag, w.n))
}

// step makes one random change.
func (w *workload) step() {
	switch r := w.rng.Intn(100); {
	case r < 28 || len(w.files) == 0: // create
		rel := w.newName("f")
		if os.WriteFile(w.abs(rel), w.data(), 0o644) == nil {
			w.files = append(w.files, rel)
			w.note("create %s", rel)
		}
	case r < 40: // overwrite in place, keeping or changing the size
		_, rel := w.pick(w.files)
		f, err := os.OpenFile(w.abs(rel), os.O_WRONLY, 0)
		if err == nil {
			fi, _ := f.Stat()
			off := int64(0)
			if fi != nil && fi.Size() > 0 {
				off = w.rng.Int63n(fi.Size())
			}
			_, _ = f.WriteAt(w.data(), off)
			f.Close()
			w.note("overwrite %s at %d", rel, off)
		}
	case r < 48: // append
		_, rel := w.pick(w.files)
		f, err := os.OpenFile(w.abs(rel), os.O_WRONLY|os.O_APPEND, 0)
		if err == nil {
			_, _ = f.Write(w.data())
			f.Close()
			w.note("append %s", rel)
		}
	case r < 53: // truncate
		_, rel := w.pick(w.files)
		if os.Truncate(w.abs(rel), int64(w.rng.Intn(4096))) == nil {
			w.note("truncate %s", rel)
		}
	case r < 62: // rename a file, maybe to another directory
		i, rel := w.pick(w.files)
		to := w.newName("r")
		if os.Rename(w.abs(rel), w.abs(to)) == nil {
			w.files[i] = to
			w.note("rename %s %s", rel, to)
		}
	case r < 70: // delete a file
		i, rel := w.pick(w.files)
		if os.Remove(w.abs(rel)) == nil {
			w.files = append(w.files[:i], w.files[i+1:]...)
			w.note("delete %s", rel)
		}
	case r < 76: // make a directory
		rel := w.newName("d")
		if os.Mkdir(w.abs(rel), 0o755) == nil {
			w.dirs = append(w.dirs, rel)
			w.note("mkdir %s", rel)
		}
	case r < 79: // rename a directory
		i, rel := w.pick(w.dirs)
		if rel == "" {
			return
		}
		to := w.newName("rd")
		if strings.HasPrefix(to+"/", rel+"/") {
			return // into itself
		}
		if os.Rename(w.abs(rel), w.abs(to)) == nil {
			w.dirs[i] = to
			w.moved(rel, to)
			w.note("rename-dir %s %s", rel, to)
		}
	case r < 81: // remove a directory tree
		_, rel := w.pick(w.dirs)
		if rel == "" {
			return
		}
		if os.RemoveAll(w.abs(rel)) == nil {
			w.removed(rel)
			w.note("remove-dir %s", rel)
		}
	case r < 87: // chmod
		_, rel := w.pick(w.files)
		mode := []os.FileMode{0o600, 0o640, 0o644, 0o664, 0o755}[w.rng.Intn(5)]
		if os.Chmod(w.abs(rel), mode) == nil {
			w.note("chmod %s %o", rel, mode)
		}
	case r < 91: // symlink
		_, target := w.pick(w.files)
		rel := w.newName("s")
		if os.Symlink(filepath.Base(target), w.abs(rel)) == nil {
			w.note("symlink %s -> %s", rel, filepath.Base(target))
		}
	case r < 95: // hard link
		_, rel := w.pick(w.files)
		to := w.newName("h")
		if os.Link(w.abs(rel), w.abs(to)) == nil {
			w.files = append(w.files, to)
			w.note("link %s %s", rel, to)
		}
	default: // set an explicit mtime
		_, rel := w.pick(w.files)
		when := time.Unix(1_600_000_000+w.rng.Int63n(100_000_000), w.rng.Int63n(1e9))
		if os.Chtimes(w.abs(rel), when, when) == nil {
			w.note("chtimes %s", rel)
		}
	}
}

// moved rewrites tracked paths after a directory rename.
func (w *workload) moved(from, to string) {
	fix := func(list []string) {
		for i, p := range list {
			if strings.HasPrefix(p, from+"/") {
				list[i] = to + p[len(from):]
			}
		}
	}
	fix(w.files)
	fix(w.dirs)
}

// removed forgets tracked paths under a removed directory.
func (w *workload) removed(dir string) {
	keep := func(list []string) []string {
		out := list[:0]
		for _, p := range list {
			if p != dir && !strings.HasPrefix(p, dir+"/") {
				out = append(out, p)
			}
		}
		return out
	}
	w.files = keep(w.files)
	w.dirs = keep(w.dirs)
}

// runner runs a workload on its own goroutine until stopped.
type runner struct {
	stop chan struct{}
	done sync.WaitGroup
}

// run makes a change every pace until the runner is stopped.
func (w *workload) run(pace time.Duration) *runner {
	r := &runner{stop: make(chan struct{})}
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		for {
			select {
			case <-r.stop:
				return
			default:
			}
			w.step()
			time.Sleep(pace)
		}
	}()
	return r
}

func (r *runner) halt() {
	close(r.stop)
	r.done.Wait()
}
