package capture

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// renamedFrom returns the old path of a CREATE that completes a rename,
// paired by fsnotify through the kernel's rename cookie, or "".
//
// fsnotify v1.10 keeps the field unexported and shows it only in
// Event.String ("CREATE   \"new\" ← \"old\""), so it is read from there. The
// cookie is the only exact pairing inotify offers; if a future fsnotify
// changes the format this returns "" and pairing falls back to inodes (for
// directories) or to Remove+Create, which is slower to replicate but never
// wrong. TestRenamedFromFormat pins the format.
func renamedFrom(ev fsnotify.Event) string {
	s := ev.String()
	prefix := fmt.Sprintf("%-13s %q", ev.Op.String(), ev.Name)
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return ""
	}
	rest, ok = strings.CutPrefix(rest, " ← ")
	if !ok {
		return ""
	}
	old, err := strconv.Unquote(rest)
	if err != nil {
		return ""
	}
	return old
}
