package settings

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Setting types of catalog.Setting.Type.
const (
	TypeInt    = "int"
	TypeBool   = "bool"
	TypeEnum   = "enum"
	TypePath   = "path"
	TypeString = "string"
	TypeSecret = "secret" // a string never shown back (tokens, shared secrets)
)

// maxText bounds string and path values; nothing in the catalog comes close,
// and a bound keeps a pasted file from becoming a setting.
const maxText = 4096

// Validate checks value against the setting's machine-checkable form. A
// refused value gives catalog code 101 with a text naming the setting, the
// value and what is allowed.
func Validate(s catalog.Setting, value string) error {
	_, err := Normalize(s, value)
	return err
}

// Normalize validates value and returns the form the Store keeps and
// writes: integers in plain decimal, booleans as 0 or 1 (true/false, yes/no
// and on/off are accepted, since YAML users write them). A check registered
// for the setting (RegisterCheck) then judges the normalized value.
func Normalize(s catalog.Setting, value string) (string, error) {
	norm, err := normalizeType(s, value)
	if err != nil {
		return "", err
	}
	if err := runCheck(s, norm); err != nil {
		return "", err
	}
	return norm, nil
}

// normalizeType is Normalize for the setting's catalog type alone.
func normalizeType(s catalog.Setting, value string) (string, error) {
	switch s.Type {
	case TypeInt:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || s.Min != nil && n < *s.Min || s.Max != nil && n > *s.Max {
			return "", invalid(s, value, intRange(s))
		}
		return strconv.FormatInt(n, 10), nil
	case TypeBool:
		switch strings.ToLower(value) {
		case "0", "false", "no", "off":
			return "0", nil
		case "1", "true", "yes", "on":
			return "1", nil
		}
		return "", invalid(s, value, "0, 1")
	case TypeEnum:
		for _, a := range s.Allowed {
			if value == a {
				return value, nil
			}
		}
		return "", invalid(s, value, strings.Join(s.Allowed, ", "))
	case TypePath:
		if value == "" && s.Value == "" {
			return "", nil // unset, as the reference's <null>
		}
		if !plainText(value) || !filepath.IsAbs(value) {
			return "", invalid(s, value, "an absolute path")
		}
		return value, nil
	case TypeString, TypeSecret:
		if !plainText(value) {
			return "", invalid(s, value, fmt.Sprintf("text of at most %d characters without control characters", maxText))
		}
		return value, nil
	}
	// The catalog's own test checks every type; reaching here means a data
	// file slipped through unchecked.
	panic(fmt.Sprintf("BUG: settings: %s has unknown type %q", s.Name, s.Type))
}

func invalid(s catalog.Setting, value, allowed string) error {
	return catalog.Err(catalog.CodeInvalidParameter, "%s=%s: allowed %s", s.Name, shown(s, value), allowed)
}

// shown renders a value for an error message: secrets never, odd values
// quoted so the reader sees exactly what was refused.
func shown(s catalog.Setting, value string) string {
	if s.Type == TypeSecret {
		return "(secret)"
	}
	if value == "" || strings.ContainsFunc(value, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) {
		return strconv.Quote(value)
	}
	return value
}

func intRange(s catalog.Setting) string {
	switch {
	case s.Min != nil && s.Max != nil:
		return fmt.Sprintf("an integer from %d to %d", *s.Min, *s.Max)
	case s.Min != nil:
		return fmt.Sprintf("an integer from %d", *s.Min)
	case s.Max != nil:
		return fmt.Sprintf("an integer up to %d", *s.Max)
	}
	return "an integer"
}

func plainText(v string) bool {
	return len(v) <= maxText && !strings.ContainsFunc(v, unicode.IsControl)
}
