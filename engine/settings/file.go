package settings

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// fileLayer is what a configuration file says, validated.
type fileLayer struct {
	values  map[string]fileValue // key(name) -> value
	unknown []string             // keys the catalog does not know, as written
}

type fileValue struct {
	name  string // the reference's spelling
	value string // normalised
	line  int
}

// parseConfig reads a configuration file: one YAML document whose top level
// maps setting names to scalars. A null value (Name: or Name: ~) leaves the
// setting unset. Every known setting's value is validated; the first error
// of each kind is reported with its line so the user can find it.
func parseConfig(ix *index, b []byte) (*fileLayer, error) {
	layer := &fileLayer{values: map[string]fileValue{}}
	root, err := decodeRoot(b)
	if err != nil || root == nil {
		return layer, err
	}
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			errs = append(errs, fmt.Errorf("line %d: keys must be setting names", k.Line))
			continue
		}
		s, known := ix.lookup(k.Value)
		if !known {
			layer.unknown = append(layer.unknown, k.Value)
			continue
		}
		if prev, dup := layer.values[key(s.Name)]; dup {
			errs = append(errs, fmt.Errorf("line %d: %s already set on line %d", k.Line, s.Name, prev.line))
			continue
		}
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if v.Kind != yaml.ScalarNode {
			errs = append(errs, fmt.Errorf("line %d: %s: want a single value", v.Line, s.Name))
			continue
		}
		if v.Tag == "!!null" {
			continue
		}
		norm, err := Normalize(s, v.Value)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", v.Line, err))
			continue
		}
		layer.values[key(s.Name)] = fileValue{name: s.Name, value: norm, line: k.Line}
	}
	return layer, errors.Join(errs...)
}

// decodeRoot returns the top-level mapping, or nil for a file without one
// (empty, comments only, or an explicit null).
func decodeRoot(b []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, fmt.Errorf("yaml: %w", err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, fmt.Errorf("yaml: %w", err)
		}
		return nil, fmt.Errorf("line %d: only one YAML document is allowed", more.Line)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	switch {
	case root.Kind == yaml.MappingNode:
		return root, nil
	case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
		return nil, nil
	}
	return nil, fmt.Errorf("line %d: the file must map setting names to values", root.Line)
}
