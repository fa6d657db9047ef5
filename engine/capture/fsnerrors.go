package capture

import (
	"errors"
	"sync"
	"syscall"

	"github.com/fsnotify/fsnotify"
)

// errorPump drains fsnotify's error channel in its own goroutine.
//
// fsnotify sends some errors while holding the lock that Add and Remove
// take (a failed inotify_rm_watch while it handles IN_MOVE_SELF), on an
// unbuffered channel. Reading errors in the Serve goroutine, which also
// calls Add and Remove, would deadlock; the pump always receives at once
// and hands Serve a summary.
type errorPump struct {
	mu       sync.Mutex
	overflow int
	benign   int
	other    []error
	signal   chan struct{}
}

func newErrorPump() *errorPump { return &errorPump{signal: make(chan struct{}, 1)} }

// run receives until fsnotify closes the channel.
func (p *errorPump) run(errs <-chan error) {
	for err := range errs {
		p.mu.Lock()
		switch {
		case errors.Is(err, fsnotify.ErrEventOverflow):
			p.overflow++
		case errors.Is(err, syscall.EINVAL):
			// inotify_rm_watch on a watch the kernel already dropped: the
			// directory was moved and then deleted. Nothing is lost.
			p.benign++
		default:
			if len(p.other) < 16 {
				p.other = append(p.other, err)
			}
		}
		p.mu.Unlock()
		select {
		case p.signal <- struct{}{}:
		default:
		}
	}
}

// take returns and clears what arrived since the last call.
func (p *errorPump) take() (overflow, benign int, other []error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	overflow, benign, other = p.overflow, p.benign, p.other
	p.overflow, p.benign, p.other = 0, 0, nil
	return overflow, benign, other
}
