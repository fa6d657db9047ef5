package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// editConfig returns the file b with setting name set to value. It edits the
// text in place, replacing only the value's own bytes (and the key's, when it
// was written in another case) or appending one line, so comments, layout
// and keys dtrep does not know survive byte for byte. Shapes it cannot edit
// in place (block scalars, flow mappings) fall back to re-encoding the YAML
// tree, which keeps comments but not necessarily the layout. Either way the
// result is parsed again and must differ from b in that one setting only.
func editConfig(b []byte, name, value string) ([]byte, error) {
	before, err := scalarMap(b)
	if err != nil {
		return nil, err
	}
	out, ok := spliceConfig(b, name, value)
	if ok && sameExcept(before, out, name, value) {
		return out, nil
	}
	out, err = reencodeConfig(b, name, value)
	if err != nil {
		return nil, err
	}
	if !sameExcept(before, out, name, value) {
		return nil, fmt.Errorf("edit of %s did not round-trip", name)
	}
	return out, nil
}

// spliceConfig edits b's text directly; ok is false when the shape of the
// file does not allow it.
func spliceConfig(b []byte, name, value string) ([]byte, bool) {
	root, err := decodeRoot(b)
	if err != nil {
		return nil, false
	}
	scalar := yamlScalar(value)
	if root == nil || len(root.Content) == 0 {
		if root != nil && root.Style&yaml.FlowStyle != 0 {
			return nil, false // "{}" needs a re-encode
		}
		if len(bytes.TrimSpace(stripComments(b))) > 0 {
			return nil, false // an explicit null document
		}
		return appendLine(b, "", name, scalar), true
	}
	if root.Style&yaml.FlowStyle != 0 {
		return nil, false
	}
	lines := lineStarts(b)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if key(k.Value) != key(name) {
			continue
		}
		out, ok := spliceValue(b, lines, k, v, scalar)
		if !ok {
			return nil, false
		}
		if k.Value != name {
			out, ok = spliceText(out, lines, k, k.Value, name)
		}
		return out, ok
	}
	first := root.Content[0]
	return appendLine(b, strings.Repeat(" ", first.Column-1), name, scalar), true
}

// spliceValue replaces v's text with scalar. Edits on later lines or columns
// than k do not move k, so the key can be spliced afterwards.
func spliceValue(b []byte, lines []int, k, v *yaml.Node, scalar string) ([]byte, bool) {
	if v.Kind != yaml.ScalarNode || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil, false
	}
	if v.Tag == "!!null" && v.Value == "" {
		// "Name:" with nothing after the colon: insert after the colon.
		if k.Style != 0 || k.Line != v.Line && v.Line != 0 {
			return nil, false
		}
		start, ok := offset(b, lines, k.Line, k.Column)
		if !ok || !bytes.HasPrefix(b[start:], []byte(k.Value)) {
			return nil, false
		}
		rest := b[start+len(k.Value):]
		colon := bytes.IndexByte(rest, ':')
		if colon < 0 || len(bytes.TrimSpace(rest[:colon])) > 0 {
			return nil, false
		}
		at := start + len(k.Value) + colon + 1
		return splice(b, at, at, " "+scalar), true
	}
	start, ok := offset(b, lines, v.Line, v.Column)
	if !ok {
		return nil, false
	}
	end, ok := scalarEnd(b, start, v)
	if !ok {
		return nil, false
	}
	return splice(b, start, end, scalar), true
}

// spliceText replaces the plain scalar n, whose text is old, by repl.
func spliceText(b []byte, lines []int, n *yaml.Node, old, repl string) ([]byte, bool) {
	if n.Style != 0 {
		return nil, false
	}
	start, ok := offset(b, lines, n.Line, n.Column)
	if !ok || !bytes.HasPrefix(b[start:], []byte(old)) {
		return nil, false
	}
	return splice(b, start, start+len(old), repl), true
}

// scalarEnd finds where a single-line scalar starting at start ends.
func scalarEnd(b []byte, start int, v *yaml.Node) (int, bool) {
	eol := bytes.IndexByte(b[start:], '\n')
	if eol < 0 {
		eol = len(b) - start
	}
	line := b[start : start+eol]
	switch {
	case v.Style&yaml.DoubleQuotedStyle != 0:
		if len(line) == 0 || line[0] != '"' {
			return 0, false
		}
		for i := 1; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return start + i + 1, true
			}
		}
	case v.Style&yaml.SingleQuotedStyle != 0:
		if len(line) == 0 || line[0] != '\'' {
			return 0, false
		}
		for i := 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return start + i + 1, true
			}
		}
	case v.Style == 0:
		if bytes.HasPrefix(line, []byte(v.Value)) {
			return start + len(v.Value), true
		}
	}
	return 0, false // multi-line, tagged or anchored: re-encode
}

// reencodeConfig sets name in the YAML tree and encodes the whole tree.
func reencodeConfig(b []byte, name, value string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		head := root.HeadComment
		*root = yaml.Node{Kind: yaml.MappingNode, HeadComment: head}
	}
	root.Style &^= yaml.FlowStyle
	val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	found := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		if key(root.Content[i].Value) == key(name) {
			root.Content[i].Value = name
			old := root.Content[i+1]
			val.LineComment, val.HeadComment, val.FootComment = old.LineComment, old.HeadComment, old.FootComment
			root.Content[i+1] = val
			found = true
			break
		}
	}
	if !found {
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, val)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	return buf.Bytes(), nil
}

// scalarMap is the file's top-level mapping as key -> scalar text, keys
// folded to lower case; non-scalar values map to their kind.
func scalarMap(b []byte) (map[string]string, error) {
	root, err := decodeRoot(b)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if root == nil {
		return m, nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		v := root.Content[i+1]
		text := v.Value
		if v.Kind != yaml.ScalarNode {
			text = fmt.Sprintf("(kind %d, %d items)", v.Kind, len(v.Content))
		}
		m[key(root.Content[i].Value)] = text
	}
	return m, nil
}

// sameExcept reports whether out parses to before with only name changed
// (or added) to value.
func sameExcept(before map[string]string, out []byte, name, value string) bool {
	after, err := scalarMap(out)
	if err != nil {
		return false
	}
	if v, ok := after[key(name)]; !ok || v != value {
		return false
	}
	for k, v := range before {
		if w, ok := after[k]; k != key(name) && (!ok || w != v) {
			return false
		}
	}
	for k := range after {
		if _, ok := before[k]; k != key(name) && !ok {
			return false
		}
	}
	return true
}

// plainScalar matches values safe to write unquoted: they read back as the
// same text whatever YAML resolves them to.
var plainScalar = regexp.MustCompile(`^[A-Za-z0-9_./][A-Za-z0-9_./@+,;=:-]*$`)

// yamlReserved are plain words YAML reads as null or booleans.
var yamlReserved = map[string]bool{"null": true, "~": true, "true": true, "false": true,
	"yes": true, "no": true, "on": true, "off": true, "y": true, "n": true}

// yamlScalar writes value as a one-line YAML scalar: plain where safe, else
// double-quoted (a JSON string is a valid YAML double-quoted scalar).
func yamlScalar(value string) string {
	if plainScalar.MatchString(value) && !strings.HasSuffix(value, ":") && !yamlReserved[strings.ToLower(value)] {
		return value
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(value) // a string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}

func appendLine(b []byte, indent, name, scalar string) []byte {
	out := append([]byte{}, b...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, indent+name+": "+scalar+"\n"...)
}

func splice(b []byte, start, end int, repl string) []byte {
	out := make([]byte, 0, len(b)-(end-start)+len(repl))
	out = append(out, b[:start]...)
	out = append(out, repl...)
	return append(out, b[end:]...)
}

// lineStarts returns the byte offset of each line's start, line 1 first.
func lineStarts(b []byte) []int {
	starts := []int{0}
	for i, c := range b {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// offset converts the parser's 1-based line and rune column to a byte offset.
func offset(b []byte, lines []int, line, col int) (int, bool) {
	if line < 1 || line > len(lines) || col < 1 {
		return 0, false
	}
	at := lines[line-1]
	for i := 1; i < col; i++ {
		if at >= len(b) || b[at] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(b[at:])
		at += size
	}
	return at, true
}

// stripComments drops "#" comments that start a line, enough to tell an
// empty file from an explicit null document.
func stripComments(b []byte) []byte {
	var out []byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' {
			out = append(out, l...)
			out = append(out, '\n')
		}
	}
	return out
}
