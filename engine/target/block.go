package target

import (
	"errors"
	"strconv"
	"sync"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Events of target path blocking.
const (
	eventBlockUnavailable = catalog.EventDoubleTake4301 // Unable to block target paths, the driver is unavailable.
	eventBlocked          = catalog.EventDoubleTake4302 // Target Path %1 has been successfully blocked
	eventBlockFailed      = catalog.EventDoubleTake4303 // Blocking of target path: %1 failed. Error Code: %2
	eventUnblocked        = catalog.EventDoubleTake4304 // Target Path %1 has been successfully unblocked
	eventUnblockFailed    = catalog.EventDoubleTake4305 // Unblocking of target path: %1 failed. Error Code: %2
	eventAlreadyBlocked   = catalog.EventDoubleTake4306 // Target paths for source %1 (%2) Connection id: %3 are already blocked
	eventAlreadyUnblocked = catalog.EventDoubleTake4307 // Target paths for source %1 (%2) Connection id: %3 are already unblocked
)

// errNotBlocked is what unblockPath returns when the path is not mounted
// over any more (someone removed the block): event 4307.
var errNotBlocked = errors.New("target path is not blocked")

// errBlockUnavailable is what blockPath returns where the system offers no
// way to block a path (event 4301).
var errBlockUnavailable = errors.New("target path blocking is not available")

// blocks tracks the target paths blocked under TGBlockOnConnect: a path is
// blocked (mounted read-only over itself, so only the target's own
// descriptors opened before can change it) while at least one connected
// session uses it, and unblocked when the last one ends.
type blocks struct {
	mu    sync.Mutex
	paths map[string]*blockState
}

type blockState struct {
	refs    int  // sessions that asked for the block
	mounted bool // the read-only mount is in place
}

func (b *blocks) state(path string) *blockState {
	if b.paths == nil {
		b.paths = map[string]*blockState{}
	}
	st := b.paths[path]
	if st == nil {
		st = &blockState{}
		b.paths[path] = st
	}
	return st
}

// suspend lifts a block on path while a new session opens its handles on
// the writable mount below it; the returned func puts the block back.
func (b *blocks) suspend(path string) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.state(path)
	if !st.mounted {
		return func() {}
	}
	if err := unblockPath(path); err != nil {
		return func() {}
	}
	st.mounted = false
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if st.refs > 0 && !st.mounted && blockPath(path) == nil {
			st.mounted = true
		}
	}
}

// acquire blocks the session's target path if TGBlockOnConnect asks for it.
// It reports whether the session holds a reference to release.
func (s *session) acquireBlock() bool {
	m := s.m
	if m.cfg.Settings.Int(catalog.SettingTGBlockOnConnect) == 0 {
		return false
	}
	path := s.hello.TargetPath
	raise := func(id catalog.EventID, args ...string) { m.cfg.Hub.Raise(id, s.ctx(), args...) }
	m.blk.mu.Lock()
	st := m.blk.state(path)
	st.refs++
	if st.mounted {
		m.blk.mu.Unlock()
		raise(eventAlreadyBlocked, s.hello.ServerName, s.c.RemoteAddr().String(), s.connID())
		return true
	}
	err := blockPath(path)
	st.mounted = err == nil
	m.blk.mu.Unlock()
	switch {
	case err == nil:
		raise(eventBlocked, path)
	case errors.Is(err, errBlockUnavailable):
		raise(eventBlockUnavailable)
		m.cfg.Log.Warn("target path not blocked", "path", path, "err", err)
	default:
		raise(eventBlockFailed, path, strconv.Itoa(errnoOf(err)))
		m.cfg.Log.Warn("target path not blocked", "path", path, "err", err)
	}
	return true
}

// releaseBlock drops the session's reference and unblocks the path when no
// connected session uses it any more.
func (s *session) releaseBlock() {
	m := s.m
	path := s.hello.TargetPath
	m.blk.mu.Lock()
	st := m.blk.state(path)
	st.refs--
	if st.refs > 0 || !st.mounted {
		if st.refs <= 0 {
			delete(m.blk.paths, path)
		}
		m.blk.mu.Unlock()
		return
	}
	err := unblockPath(path)
	if err == nil || errors.Is(err, errNotBlocked) {
		delete(m.blk.paths, path)
	}
	m.blk.mu.Unlock()
	if errors.Is(err, errNotBlocked) {
		m.cfg.Hub.Raise(eventAlreadyUnblocked, s.ctx(), s.hello.ServerName,
			s.c.RemoteAddr().String(), s.connID())
		return
	}
	if err != nil {
		m.cfg.Hub.Raise(eventUnblockFailed, s.ctx(), path, strconv.Itoa(errnoOf(err)))
		m.cfg.Log.Warn("target path not unblocked", "path", path, "err", err)
		return
	}
	m.cfg.Hub.Raise(eventUnblocked, s.ctx(), path)
}
