package capture

import (
	"fmt"
	"strings"
)

// Method is the kernel interface capture reads changes from.
type Method uint8

const (
	// Auto uses fanotify where the kernel and the process's privileges
	// allow it, and inotify otherwise.
	Auto Method = iota
	// Fanotify marks the root's whole file system once (Linux 5.17 or
	// later, CAP_SYS_ADMIN): no per-directory state, no events lost
	// between a directory's creation and its watch.
	Fanotify
	// Inotify adds a watch per wanted directory (fsnotify).
	Inotify
)

var methodNames = [...]string{Auto: "auto", Fanotify: "fanotify", Inotify: "inotify"}

func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("method(%d)", uint8(m))
}

// ParseMethod reads a method's name, as the ChangeCaptureMethod setting
// gives it ("" is auto).
func ParseMethod(s string) (Method, error) {
	if s == "" {
		return Auto, nil
	}
	for m, n := range methodNames {
		if strings.EqualFold(s, n) {
			return Method(m), nil
		}
	}
	return Auto, fmt.Errorf("change capture method %q is none of auto, fanotify, inotify", s)
}
