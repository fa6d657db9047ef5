package repset

import (
	"fmt"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Rule is one line of a replication set: a path relative to the root (see
// the package doc for its syntax) with the reference's attributes Inc or
// Exc, and Rec.
type Rule struct {
	Path      string `json:"path"`
	Include   bool   `json:"include"`
	Recursive bool   `json:"recursive"`
}

// Attributes renders the rule's attributes the way the replication service
// view shows them ("Inc, Rec", "Exc").
func (r Rule) Attributes() string {
	s := "Exc"
	if r.Include {
		s = "Inc"
	}
	if r.Recursive {
		s += ", Rec"
	}
	return s
}

// normPath gives a rule path its identity: "." and "" both name the root.
func normPath(p string) string {
	if p == "." {
		return ""
	}
	return p
}

// seg is one compiled component of a rule path.
type seg struct {
	glob
	deep bool // "**": any number of components, including none
}

// pathPattern is a compiled rule path.
type pathPattern []seg

// compiledRule is a Rule ready for matching.
type compiledRule struct {
	Rule
	pat     pathPattern
	deep    pathPattern // D/**/L for a Rec rule whose last component L has wildcards; nil otherwise
	dirOnly bool        // the path ended in "/"
	nSegs   int         // specificity: components other than "**"
	litLast bool        // specificity tie-breaker: the last component has no wildcard
}

// compileRule validates r and prepares it for matching. Malformed paths are
// code 101 errors.
func compileRule(r Rule) (compiledRule, error) {
	r.Path = normPath(r.Path)
	pat, dirOnly, err := parseRulePath(r.Path)
	if err != nil {
		return compiledRule{}, catalog.Wrap(catalog.CodeInvalidParameter, err, "replication rule %q", r.Path)
	}
	c := compiledRule{Rule: r, pat: pat, dirOnly: dirOnly}
	for _, s := range pat {
		if !s.deep {
			c.nSegs++
		}
	}
	c.litLast = len(pat) == 0 || (!pat[len(pat)-1].wild && !pat[len(pat)-1].deep)
	if n := len(pat); r.Recursive && n > 0 && pat[n-1].wild && !pat[n-1].deep {
		c.deep = make(pathPattern, 0, n+1)
		c.deep = append(c.deep, pat[:n-1]...)
		c.deep = append(c.deep, seg{deep: true}, pat[n-1])
	}
	return c, nil
}

// parseRulePath splits and compiles a rule path.
func parseRulePath(p string) (pathPattern, bool, error) {
	if strings.IndexByte(p, 0) >= 0 {
		return nil, false, fmt.Errorf("NUL byte in path")
	}
	if p == "" {
		return nil, false, nil
	}
	if p[0] == '/' {
		return nil, false, fmt.Errorf("path must be relative to the replication set root")
	}
	dirOnly := strings.HasSuffix(p, "/")
	p = strings.TrimSuffix(p, "/")
	var pat pathPattern
	for _, comp := range strings.Split(p, "/") {
		switch comp {
		case "", ".", "..":
			return nil, false, fmt.Errorf("empty, \".\" or \"..\" component")
		case "**":
			// "**/**" matches what "**" matches.
			if n := len(pat); n == 0 || !pat[n-1].deep {
				pat = append(pat, seg{deep: true})
			}
			continue
		}
		g, err := compileGlob(comp)
		if err != nil {
			return nil, false, fmt.Errorf("component %q: %w", comp, err)
		}
		pat = append(pat, seg{glob: g})
	}
	return pat, dirOnly, nil
}

// reach matches pat against every prefix of rel: on return buf[j] reports
// whether pat matches rel[:j] exactly. ext reports whether pat could also
// match some path strictly below rel (a proper prefix of pat consumes all of
// rel, or pat ends in "**" and matches rel). buf and tmp need len(rel)+1
// elements; buf holds the result.
func (pat pathPattern) reach(rel []string, buf, tmp []bool) (ext bool) {
	n := len(rel)
	cur, next := buf, tmp
	clear(cur)
	cur[0] = true
	for i := range pat {
		if cur[n] {
			ext = true
		}
		s := &pat[i]
		if s.deep {
			seen := false
			for j := 0; j <= n; j++ {
				seen = seen || cur[j]
				next[j] = seen
			}
		} else {
			next[0] = false
			for j := 1; j <= n; j++ {
				next[j] = cur[j-1] && s.match(rel[j-1])
			}
		}
		cur, next = next, cur
	}
	if len(pat) > 0 && pat[len(pat)-1].deep && cur[n] {
		ext = true
	}
	if len(pat)%2 == 1 {
		copy(buf, cur) // the result ended up in tmp
	}
	return ext
}

// scratch holds the DP buffers of one matching call.
type scratch struct {
	a, b, c, d []bool
}

func newScratch(n int) *scratch {
	all := make([]bool, 4*(n+1))
	return &scratch{a: all[:n+1], b: all[n+1 : 2*(n+1)], c: all[2*(n+1) : 3*(n+1)], d: all[3*(n+1):]}
}

// verdict is what one rule says about one path.
type verdict struct {
	applies bool // the rule covers the entry itself
	covers  bool // Rec rule covering the whole subtree of the (directory) entry
	below   bool // the rule may cover some entry strictly below the directory
}

// judge evaluates the rule against rel; isDir tells whether rel is a
// directory.
func (c *compiledRule) judge(rel []string, isDir bool, sc *scratch) verdict {
	var v verdict
	ext := c.pat.reach(rel, sc.a, sc.b)
	c.judgeReach(sc.a, ext, c.Recursive, isDir, &v)
	if c.deep != nil {
		ext := c.deep.reach(rel, sc.c, sc.d)
		c.judgeReach(sc.c, ext, true, isDir, &v)
	}
	return v
}

func (c *compiledRule) judgeReach(r []bool, ext, rec, isDir bool, v *verdict) {
	n := len(r) - 1
	if r[n] && (!c.dirOnly || isDir) {
		v.applies = true
	}
	// A match of an ancestor (always a directory) covers its direct
	// entries, and with Rec everything below it.
	for k := 0; k < n; k++ {
		if r[k] && (rec || k == n-1) {
			v.applies = true
		}
		if r[k] && rec {
			v.covers = true
			v.below = true
		}
	}
	if r[n] && isDir {
		if rec {
			v.covers = true
		}
		v.below = true // direct entries at least
	}
	if ext {
		v.below = true
	}
}

// moreSpecific reports whether c beats o when both apply: more components
// win, then a literal last component beats a wildcard one ("data/a.txt"
// over "data/*"), then Exc beats Inc.
//
// Literal characters deliberately do not count: FromGlobs relies on an
// exclude anchored below an include being at least as specific whatever the
// lengths of the names involved.
func (c *compiledRule) moreSpecific(o *compiledRule) bool {
	if c.nSegs != o.nSegs {
		return c.nSegs > o.nSegs
	}
	if c.litLast != o.litLast {
		return c.litLast
	}
	return !c.Include && o.Include
}
