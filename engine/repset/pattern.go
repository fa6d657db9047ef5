package repset

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// errBadPattern is the cause carried by code 101 errors for malformed
// wildcards.
var errBadPattern = errors.New("malformed wildcard pattern")

type tokKind uint8

const (
	tokLit   tokKind = iota // literal bytes
	tokAny                  // ? : one rune
	tokStar                 // * : any bytes
	tokClass                // [...] : one rune in (or, negated, not in) ranges
)

type runeRange struct{ lo, hi rune }

type token struct {
	kind   tokKind
	lit    string      // tokLit
	neg    bool        // tokClass
	ranges []runeRange // tokClass
}

// glob is one compiled path component. Components are compiled once, when a
// rule is added, because matching runs for every file-system event.
type glob struct {
	src  string
	toks []token
	wild bool // false: the component is the literal string lit
	lit  string
}

// compileGlob parses one path component with path.Match syntax. The syntax
// and the matching are kept identical to path.Match (a fuzz test compares the
// two) so users can rely on its documentation.
func compileGlob(p string) (glob, error) {
	g := glob{src: p}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			g.toks = append(g.toks, token{kind: tokLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); {
		switch c := p[i]; c {
		case '*':
			flush()
			// Consecutive stars match the same as one.
			if n := len(g.toks); n == 0 || g.toks[n-1].kind != tokStar {
				g.toks = append(g.toks, token{kind: tokStar})
			}
			g.wild = true
			i++
		case '?':
			flush()
			g.toks = append(g.toks, token{kind: tokAny})
			g.wild = true
			i++
		case '[':
			flush()
			t, n, err := parseClass(p[i+1:])
			if err != nil {
				return glob{}, err
			}
			g.toks = append(g.toks, t)
			g.wild = true
			i += 1 + n
		case '\\':
			if i+1 >= len(p) {
				return glob{}, errBadPattern
			}
			lit.WriteByte(p[i+1])
			i += 2
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	if !g.wild && len(g.toks) == 1 {
		g.lit = g.toks[0].lit
	}
	return g, nil
}

// parseClass parses the inside of a [...] class that starts at s and returns
// the token and how many bytes of s it used, including the closing ']'.
func parseClass(s string) (token, int, error) {
	t := token{kind: tokClass}
	i := 0
	if i < len(s) && s[i] == '^' {
		t.neg = true
		i++
	}
	for {
		if i < len(s) && s[i] == ']' && len(t.ranges) > 0 {
			return t, i + 1, nil
		}
		lo, n, err := classRune(s[i:])
		if err != nil {
			return token{}, 0, err
		}
		i += n
		hi := lo
		if s[i] == '-' {
			hi, n, err = classRune(s[i+1:])
			if err != nil {
				return token{}, 0, err
			}
			i += 1 + n
		}
		t.ranges = append(t.ranges, runeRange{lo, hi})
	}
}

// classRune reads one possibly escaped rune of a class. Like path.Match it
// refuses a class that ends right after the rune, so s[n] is always valid on
// success.
func classRune(s string) (rune, int, error) {
	if len(s) == 0 || s[0] == '-' || s[0] == ']' {
		return 0, 0, errBadPattern
	}
	i := 0
	if s[0] == '\\' {
		i++
		if i >= len(s) {
			return 0, 0, errBadPattern
		}
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && w == 1 {
		return 0, 0, errBadPattern
	}
	i += w
	if i >= len(s) {
		return 0, 0, errBadPattern
	}
	return r, i, nil
}

// match reports whether name matches the whole component pattern.
func (g *glob) match(name string) bool {
	if !g.wild {
		return name == g.lit
	}
	// Classic star backtracking: each token other than * consumes a length
	// fixed by its position, so retrying only the last star is enough.
	// A star skips bytes, not runes, as in path.Match.
	ti, si := 0, 0
	starTi, starSi := -1, 0
	for {
		if ti < len(g.toks) {
			t := &g.toks[ti]
			if t.kind == tokStar {
				starTi, starSi = ti, si
				ti++
				continue
			}
			if n, ok := t.consume(name[si:]); ok {
				ti++
				si += n
				continue
			}
		} else if si == len(name) {
			return true
		}
		if starTi < 0 || starSi >= len(name) {
			return false
		}
		starSi++
		ti, si = starTi+1, starSi
	}
}

// consume matches t at the start of s and returns the bytes it used.
func (t *token) consume(s string) (int, bool) {
	switch t.kind {
	case tokLit:
		if strings.HasPrefix(s, t.lit) {
			return len(t.lit), true
		}
		return 0, false
	case tokAny:
		if len(s) == 0 {
			return 0, false
		}
		_, w := utf8.DecodeRuneInString(s)
		return w, true
	case tokClass:
		if len(s) == 0 {
			return 0, false
		}
		r, w := utf8.DecodeRuneInString(s)
		in := false
		for _, rg := range t.ranges {
			if rg.lo <= r && r <= rg.hi {
				in = true
				break
			}
		}
		return w, in != t.neg
	}
	return 0, false
}
