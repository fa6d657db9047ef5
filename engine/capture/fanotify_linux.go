package capture

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"golang.org/x/sys/unix"
)

// fanotifyInit is fanotify_init(2); tests replace it to see capture fall
// back when the kernel refuses.
var fanotifyInit = unix.FanotifyInit

// fanUnlimited asks for a kernel queue without bound
// (FAN_UNLIMITED_QUEUE). The mark reports the whole file system, so a burst
// of changes anywhere on it (a copy, a build, another replica) would
// otherwise overflow the 16,384 events max_queued_events allows while the
// reader waits for a core, and cost a root Rescan, a full difference
// mirror, for changes that were not the set's. The reader drains the queue
// continuously, so it stays short; should the kernel fail to allocate an
// event it still queues an overflow. The overflow test turns it off.
var fanUnlimited = true

// fanMask is what the filesystem mark reports: every change of an entry's
// name, data or attributes, for directories too, renames as one event
// carrying both names.
const fanMask = unix.FAN_CREATE | unix.FAN_DELETE | unix.FAN_MODIFY | unix.FAN_ATTRIB | unix.FAN_RENAME | unix.FAN_ONDIR

// fanOutsideMax bounds the handles remembered as outside the root (the
// mark reports the whole file system); past it they are forgotten and
// looked up again.
const fanOutsideMax = 1 << 16

// fanotifyCapture is the fanotify backend: one mark on the root's file
// system reports every change there, each with its directory's file handle
// and the entry's name. Capture keeps no per-directory kernel state: it
// only remembers which path a directory handle stands for (looked up with
// open_by_handle_at the first time one is seen, learnt from the event for
// directories created or moved since), so watching a tree of any size
// takes one system call.
type fanotifyCapture struct {
	*Watcher
	group *os.File // the fanotify group, non-blocking, read through the runtime's poller
	mount int      // the root, opened for open_by_handle_at

	realRoot  string // root with symbolic links resolved, as /proc/self/fd shows paths
	rootKey   string
	parentKey string // handle of the root's parent: a removal or rename of the root arrives there
	rootName  string

	// Owned by the Serve goroutine (and by New before it).
	dirs    *fanDirs            // directories under the root, by handle
	outside map[string]struct{} // directory handles outside the root

	batches chan []fanEvent
	quit    chan struct{}
	readers sync.WaitGroup
	readErr error // why the reader stopped; set before batches is closed
}

// startFanotify marks the file system holding w's root.
func startFanotify(w *Watcher) error {
	realRoot, err := filepath.EvalSymlinks(w.root)
	if err != nil {
		return err
	}
	// A file system mounted below the root would go unseen: the mark
	// covers the root's own file system only.
	if mp, err := mountBelow(mountInfo, realRoot); err != nil || mp != "" {
		if err == nil {
			err = fmt.Errorf("another file system is mounted at %s, below the root", mp)
		}
		return err
	}
	flags := uint(unix.FAN_CLASS_NOTIF | unix.FAN_CLOEXEC | unix.FAN_NONBLOCK | unix.FAN_REPORT_DFID_NAME_TARGET)
	if fanUnlimited {
		flags |= unix.FAN_UNLIMITED_QUEUE
	}
	fd, err := fanotifyInit(flags, unix.O_RDONLY|unix.O_LARGEFILE|unix.O_CLOEXEC)
	if err != nil {
		return fmt.Errorf("fanotify_init: %w", err)
	}
	b := &fanotifyCapture{Watcher: w, group: os.NewFile(uintptr(fd), "fanotify"), mount: -1, realRoot: realRoot,
		outside: map[string]struct{}{},
		batches: make(chan []fanEvent, 4), quit: make(chan struct{})}
	if err := b.mark(); err != nil {
		b.release()
		return err
	}
	w.serve = func(ctx context.Context) error {
		b.readers.Add(1)
		go b.read()
		return serveWith[[]fanEvent](ctx, w, b)
	}
	w.release = b.release
	return nil
}

// mark adds the filesystem mark and learns the handles of the root and
// its parent.
func (b *fanotifyCapture) mark() error {
	if err := unix.FanotifyMark(int(b.group.Fd()), unix.FAN_MARK_ADD|unix.FAN_MARK_FILESYSTEM, fanMask,
		unix.AT_FDCWD, b.root); err != nil {
		return fmt.Errorf("fanotify_mark on %s: %w", b.root, err)
	}
	mount, err := unix.Open(b.root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening %s: %w", b.root, err)
	}
	b.mount = mount
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, b.root, 0)
	if err != nil {
		return fmt.Errorf("name_to_handle_at %s: %w", b.root, err)
	}
	b.rootKey = handleKey(h)
	b.dirs = newFanDirs(b.rootKey)
	if parent := filepath.Dir(b.root); parent != b.root {
		if h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, parent, 0); err == nil {
			b.parentKey, b.rootName = handleKey(h), filepath.Base(b.root)
		}
	}
	return nil
}

func (b *fanotifyCapture) release() error {
	if b.mount >= 0 {
		unix.Close(b.mount)
		b.mount = -1
	}
	return b.group.Close()
}

// read moves events from the kernel to Serve until the group is closed.
func (b *fanotifyCapture) read() {
	defer b.readers.Done()
	defer close(b.batches)
	buf := make([]byte, 256<<10)
	for {
		n, err := b.group.Read(buf)
		if err != nil {
			if !errors.Is(err, os.ErrClosed) {
				b.readErr = fmt.Errorf("reading fanotify events: %w", err)
			}
			return
		}
		evs, err := parseFanEvents(buf[:n], nil)
		if err != nil {
			b.readErr = err
			return
		}
		select {
		case b.batches <- evs:
		case <-b.quit:
			return
		}
	}
}

func (b *fanotifyCapture) events() <-chan []fanEvent { return b.batches }

func (b *fanotifyCapture) failed() error {
	if b.readErr == nil {
		return errors.New("fanotify reader stopped")
	}
	return b.readErr
}

// fanotify loses no events but in an overflow, which arrives in the stream.
func (b *fanotifyCapture) alarm() <-chan struct{} { return nil }
func (b *fanotifyCapture) lost() error            { return nil }

// Renames arrive whole: nothing waits for a second half.
func (b *fanotifyCapture) timer() <-chan time.Time { return nil }
func (b *fanotifyCapture) timeout()                {}

// resync: which directories are known does not depend on the rules.
func (b *fanotifyCapture) resync() error { return nil }

func (b *fanotifyCapture) stop() error {
	close(b.quit)
	err := b.release()
	b.readers.Wait()
	return err
}

// handle turns a batch of events into records.
func (b *fanotifyCapture) handle(evs []fanEvent) error {
	for i := range evs {
		if err := b.handleOne(&evs[i]); err != nil {
			return err
		}
	}
	return nil
}

func (b *fanotifyCapture) handleOne(ev *fanEvent) error {
	if ev.mask&unix.FAN_Q_OVERFLOW != 0 {
		b.counters.Events.Add(1)
		b.counters.Overflows.Add(1)
		b.forgetAll()
		b.emit(Change{Kind: Rescan})
		return nil
	}
	if b.parentKey != "" && ev.dir == b.parentKey && ev.name == b.rootName &&
		ev.mask&(unix.FAN_DELETE|unix.FAN_RENAME) != 0 {
		return catalog.Err(catalog.CodeSourcePathInvalid, "capture root %s was removed or moved", b.root)
	}
	isDir := ev.mask&unix.FAN_ONDIR != 0
	if ev.mask&unix.FAN_RENAME != 0 {
		return b.renamed(ev, isDir)
	}
	rel, ok := b.entry(ev.dir, ev.name)
	if !ok {
		b.counters.Outside.Add(1)
		return nil
	}
	b.counters.Events.Add(1)
	if rel == "" {
		return nil // the root itself
	}
	switch {
	case ev.mask&unix.FAN_DELETE != 0:
		// Events of one object and name are merged: a create and a delete
		// in one event left nothing behind.
		b.removed(rel, isDir)
	case ev.mask&unix.FAN_CREATE != 0:
		if isDir && ev.obj != "" {
			b.learn(ev.obj, rel)
		}
		b.created(rel, isDir, false)
	default:
		if ev.mask&unix.FAN_MODIFY != 0 && !isDir && b.set.Matches(rel, false) {
			b.emit(Change{Kind: Write, Path: rel})
		}
		if ev.mask&unix.FAN_ATTRIB != 0 && b.set.Matches(rel, isDir) {
			b.emit(Change{Kind: Chmod, Path: rel, IsDir: isDir})
		}
	}
	return nil
}

// renamed handles a rename, which fanotify reports whole: both entries
// and the object.
func (b *fanotifyCapture) renamed(ev *fanEvent, isDir bool) error {
	oldRel, oldIn := b.entry(ev.dir, ev.name)
	newRel, newIn := b.entry(ev.newDir, ev.newName)
	if oldIn || newIn {
		b.counters.Events.Add(1)
	} else {
		b.counters.Outside.Add(1)
	}
	if isDir {
		switch {
		case oldIn && newIn:
			b.moveDirs(oldRel, newRel)
			if ev.obj != "" {
				b.learn(ev.obj, newRel)
			}
		case oldIn:
			b.dropDirs(oldRel)
		case newIn:
			// Directories below it may be remembered as outside.
			clear(b.outside)
			if ev.obj != "" {
				b.learn(ev.obj, newRel)
			}
		default:
			// A directory moved elsewhere on the file system may hold the root.
			if err := b.checkRoot(); err != nil {
				return err
			}
		}
	}
	oldIn = oldIn && oldRel != "" && b.inSet(oldRel, isDir)
	newIn = newIn && newRel != "" && b.inSet(newRel, isDir)
	switch {
	case oldIn && newIn:
		b.emit(Change{Kind: Rename, Path: newRel, OldPath: oldRel, IsDir: isDir})
		if isDir && len(b.set.Rules()) > 1 {
			// The rules may treat the two places differently.
			b.emit(Change{Kind: Rescan, Path: newRel, IsDir: true})
		}
	case oldIn:
		b.emit(Change{Kind: Remove, Path: oldRel, IsDir: isDir})
	case newIn:
		b.created(newRel, isDir, true)
	}
	return nil
}

// created reports a new entry. A directory moved in from outside the root
// is scanned (scan set): what it holds was never reported.
func (b *fanotifyCapture) created(rel string, isDir, scan bool) {
	if b.set.Matches(rel, isDir) {
		b.emit(Change{Kind: Create, Path: rel, IsDir: isDir})
	}
	if isDir && scan && b.set.WantDir(rel) {
		// A failed scan leaves what it did not reach unreported: the
		// directory vanished meanwhile (its Remove follows), or it cannot be
		// read, which the consumer's mirror of it reports.
		if err := b.walk(rel, true, func(string) (bool, error) { return true, nil }, func(string) {}); err != nil {
			b.counters.Errors.Add(1)
		}
	}
}

func (b *fanotifyCapture) removed(rel string, isDir bool) {
	if isDir {
		b.dropDirs(rel)
	}
	if b.inSet(rel, isDir) {
		b.emit(Change{Kind: Remove, Path: rel, IsDir: isDir})
	}
}

// entry returns the path of name in the directory with handle dir, and
// whether that directory is under the root.
func (b *fanotifyCapture) entry(dir, name string) (string, bool) {
	if dir == "" {
		return "", false
	}
	d, ok := b.dirPath(dir)
	if !ok {
		return "", false
	}
	if name == "." || name == "" {
		return d, true
	}
	return joinRel(d, name), true
}

// dirPath resolves a directory handle: from memory, else from the kernel.
func (b *fanotifyCapture) dirPath(key string) (string, bool) {
	if rel, ok := b.dirs.path(key); ok {
		return rel, true
	}
	if _, ok := b.outside[key]; ok {
		return "", false
	}
	rel, in, err := b.lookup(key)
	switch {
	case err != nil:
		// The directory is gone (ESTALE): its removal is in the stream.
		return "", false
	case !in:
		if len(b.outside) >= fanOutsideMax {
			clear(b.outside)
		}
		b.outside[key] = struct{}{}
		return "", false
	}
	b.dirs.set(key, rel)
	return rel, true
}

// lookup asks the kernel where the directory with handle key is now.
func (b *fanotifyCapture) lookup(key string) (rel string, in bool, err error) {
	fd, err := unix.OpenByHandleAt(b.mount, keyHandle(key), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return "", false, err
	}
	defer unix.Close(fd)
	// A removed directory still opens by its handle for a while; it has no
	// links then (and its path ends in " (deleted)", as a real name might).
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", false, err
	}
	if st.Nlink == 0 {
		return "", false, os.ErrNotExist
	}
	p, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return "", false, err
	}
	if p == b.realRoot {
		return "", true, nil
	}
	rel, in = strings.CutPrefix(p, b.realRoot+"/")
	return rel, in, nil
}

// learn remembers that directory handle key is at rel.
func (b *fanotifyCapture) learn(key, rel string) {
	delete(b.outside, key)
	b.dirs.set(key, rel)
}

// moveDirs follows a directory renamed inside the root.
func (b *fanotifyCapture) moveDirs(oldRel, newRel string) { b.dirs.move(oldRel, newRel) }

// dropDirs forgets directory rel and those below it.
func (b *fanotifyCapture) dropDirs(rel string) { b.dirs.drop(rel) }

// forgetAll drops every remembered directory but the root, after events
// were lost.
func (b *fanotifyCapture) forgetAll() {
	b.dirs = newFanDirs(b.rootKey)
	clear(b.outside)
}

// checkRoot fails when the root is no longer where capture watches it.
func (b *fanotifyCapture) checkRoot() error {
	h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, b.root, 0)
	if err != nil || handleKey(h) != b.rootKey {
		return catalog.Err(catalog.CodeSourcePathInvalid, "capture root %s was removed or moved", b.root)
	}
	return nil
}

// mountInfo lists this process's mounts.
const mountInfo = "/proc/self/mountinfo"

// mountBelow returns a mount point strictly below root listed in the
// mountinfo file at path, or "".
func mountBelow(path, root string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(b)) {
		// ID PARENT MAJ:MIN ROOT MOUNTPOINT ...; spaces and the like in
		// the mount point are octal escapes.
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := unescapeMount(f[4])
		if strings.HasPrefix(mp, root+"/") || root == "/" && mp != "/" {
			return mp, nil
		}
	}
	return "", nil
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
