package repset

import (
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// FromGlobs builds a set from command-line style lists (--include GLOB,
// --exclude GLOB). A glob with a "/" is matched against the path relative to
// the root (a leading "/" is allowed and ignored); one without is matched
// against the base name at any depth. A trailing "/" limits a glob to
// directories. Every rule is recursive, so a matched directory brings (or
// drops) everything below it. With no includes the whole root is included.
//
// Excludes win over includes: "--include docs --exclude '*.md'" drops the
// Markdown files inside docs. Because specificity decides between rules, a
// base-name exclude is also anchored below each include, which makes it at
// least as specific as that include (see the package doc).
func FromGlobs(name, root string, includes, excludes []string) (*Set, error) {
	var rules []Rule
	for _, g := range append(append([]string(nil), includes...), excludes...) {
		if strings.Trim(g, "/") == "" {
			return nil, catalog.Err(catalog.CodeInvalidParameter, "empty include or exclude glob %q", g)
		}
	}
	incPaths := make([]string, 0, len(includes))
	for _, g := range includes {
		p := globPath(g)
		incPaths = append(incPaths, p)
		rules = append(rules, Rule{Path: p, Include: true, Recursive: true})
	}
	if len(includes) == 0 {
		incPaths = append(incPaths, "")
		rules = append(rules, Rule{Path: "", Include: true, Recursive: true})
	}
	for _, g := range excludes {
		p := globPath(g)
		rules = append(rules, Rule{Path: p, Recursive: true})
		if !isBaseGlob(g) {
			continue // anchored: it names one place, already specific
		}
		for _, in := range incPaths {
			if a := anchorBelow(in); a != "" {
				rules = append(rules, Rule{Path: a + "/**/" + g, Recursive: true})
			}
		}
	}
	return New(name, root, rules...)
}

// isBaseGlob reports whether g matches base names rather than paths.
func isBaseGlob(g string) bool { return !strings.Contains(strings.TrimSuffix(g, "/"), "/") }

// globPath turns a command-line glob into a rule path.
func globPath(g string) string {
	if isBaseGlob(g) {
		return "**/" + g
	}
	return strings.TrimPrefix(g, "/")
}

// anchorBelow is the directory under which an exclude must be anchored to
// beat include path p: p itself when its last component is literal (one more
// component wins), its parent when the last component is a wildcard (equal
// components; a literal exclude wins by its literal last component, a
// wildcard one by being an exclude). "" when the plain exclude already does.
func anchorBelow(p string) string {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return ""
	}
	dir, last := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, last = p[:i], p[i+1:]
	}
	if g, err := compileGlob(last); err == nil && !g.wild && last != "**" {
		return p
	}
	if dir == "**" {
		return ""
	}
	return dir
}
