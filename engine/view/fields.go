package view

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Field is one item of the view: its chapter 4 name and its value as the
// view shows it.
type Field struct {
	Name  string
	Value string
	// Number marks a decimal integer, which JSON carries as a number.
	Number bool
}

// Fields are items in the reference's order. In JSON they are one object
// whose keys keep that order.
type Fields []Field

// Get returns the value of the item called name.
func (fs Fields) Get(name string) (string, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// MarshalJSON implements json.Marshaler.
func (fs Fields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Name)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		if f.Number {
			if _, err := strconv.ParseInt(f.Value, 10, 64); err != nil {
				return nil, fmt.Errorf("view item %q: %q is not a number", f.Name, f.Value)
			}
			b.WriteString(f.Value)
			continue
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON implements json.Unmarshaler, keeping the keys' order.
func (fs *Fields) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*fs = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("view items: want an object, got %v", tok)
	}
	out := Fields{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		vt, err := dec.Token()
		if err != nil {
			return err
		}
		switch v := vt.(type) {
		case string:
			out = append(out, Field{Name: k, Value: v})
		case json.Number:
			if _, err := strconv.ParseInt(v.String(), 10, 64); err != nil {
				return fmt.Errorf("view item %q: %v is not an integer", k, v)
			}
			out = append(out, Field{Name: k, Value: v.String(), Number: true})
		default:
			return fmt.Errorf("view item %q: unexpected %v", k, vt)
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*fs = out
	return nil
}
