package apply

import (
	"errors"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// ErrUnsafePath is wrapped by the error of every op refused because a path
// is malformed or would leave the root.
var ErrUnsafePath = errors.New("path is not safely beneath the target path")

// checkPath accepts p only if it is a non-empty relative slash-separated
// path whose components are all ordinary names. Cleaning is deliberately
// not attempted: the source sends canonical paths, so anything else is
// either a bug or an attack and is refused rather than reinterpreted.
func checkPath(p string) error {
	if p == "" {
		return unsafePath(p, "empty path")
	}
	if strings.IndexByte(p, 0) >= 0 {
		return unsafePath(p, "NUL byte")
	}
	if p[0] == '/' {
		return unsafePath(p, "absolute path")
	}
	for rest := p; ; {
		comp, tail, more := strings.Cut(rest, "/")
		switch comp {
		case "":
			return unsafePath(p, "empty component")
		case ".", "..":
			return unsafePath(p, "dot component")
		}
		if !more {
			return nil
		}
		rest = tail
	}
}

func unsafePath(p, why string) error {
	return catalog.Wrap(catalog.CodeInvalidParameter, ErrUnsafePath, "%q: %s", p, why)
}

// split returns p's parent ("" for the root) and final component.
func split(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// under reports whether key is p or lies beneath it.
func under(key, p string) bool {
	return key == p || (len(key) > len(p) && key[len(p)] == '/' && strings.HasPrefix(key, p))
}
