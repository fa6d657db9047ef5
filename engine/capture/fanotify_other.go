//go:build !linux

package capture

import "errors"

// startFanotify: fanotify is a Linux interface.
func startFanotify(*Watcher) error { return errors.New("fanotify is Linux only") }
