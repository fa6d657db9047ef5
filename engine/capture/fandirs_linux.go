package capture

import (
	"path"
	"strings"
)

// fanDirs is what fanotify capture knows of the directories under the
// root: a tree by name, each directory also found by its file handle when
// the kernel reported one. A directory moved or removed is one change to
// the tree whatever lies below it; a path is built from the names up to
// the root when an event needs it.
type fanDirs struct {
	top   *fanDir
	byKey map[string]*fanDir
}

type fanDir struct {
	parent *fanDir
	name   string
	key    string             // its handle, "" while known by name only
	kids   map[string]*fanDir // subdirectories known, by name
}

func newFanDirs(rootKey string) *fanDirs {
	d := &fanDirs{top: &fanDir{key: rootKey}, byKey: map[string]*fanDir{}}
	d.byKey[rootKey] = d.top
	return d
}

// path returns the directory with handle key, relative to the root.
func (d *fanDirs) path(key string) (string, bool) {
	n := d.byKey[key]
	if n == nil {
		return "", false
	}
	var names []string
	for ; n.parent != nil; n = n.parent {
		names = append(names, n.name)
	}
	if len(names) == 1 {
		return names[0], true
	}
	var b strings.Builder
	for i := len(names) - 1; i >= 0; i-- {
		b.WriteString(names[i])
		if i > 0 {
			b.WriteByte('/')
		}
	}
	return b.String(), true
}

// at returns the directory at rel, creating what is missing on the way
// when create is set (nil otherwise).
func (d *fanDirs) at(rel string, create bool) *fanDir {
	n := d.top
	for rel != "" {
		name, rest, _ := strings.Cut(rel, "/")
		rel = rest
		kid := n.kids[name]
		if kid == nil {
			if !create {
				return nil
			}
			kid = &fanDir{parent: n, name: name}
			if n.kids == nil {
				n.kids = map[string]*fanDir{}
			}
			n.kids[name] = kid
		}
		n = kid
	}
	return n
}

// set records that the directory with handle key is at rel.
func (d *fanDirs) set(key, rel string) {
	if old := d.byKey[key]; old != nil {
		old.key = ""
	}
	n := d.at(rel, true)
	if n.key != "" && n.key != key {
		delete(d.byKey, n.key) // a directory of that name before
	}
	n.key = key
	d.byKey[key] = n
}

// move follows a directory renamed from oldRel to newRel, both under the
// root, with everything known below it.
func (d *fanDirs) move(oldRel, newRel string) {
	n := d.at(oldRel, false)
	if n == nil || n == d.top {
		return
	}
	d.drop(newRel) // a rename replaces an empty directory there
	delete(n.parent.kids, n.name)
	p := d.at(parentOf(newRel), true)
	n.parent, n.name = p, path.Base(newRel)
	if p.kids == nil {
		p.kids = map[string]*fanDir{}
	}
	p.kids[n.name] = n
}

// drop forgets directory rel and everything known below it.
func (d *fanDirs) drop(rel string) {
	n := d.at(rel, false)
	if n == nil || n == d.top {
		return
	}
	delete(n.parent.kids, n.name)
	stack := []*fanDir{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.key != "" && d.byKey[n.key] == n {
			delete(d.byKey, n.key)
		}
		for _, k := range n.kids {
			stack = append(stack, k)
		}
	}
}
