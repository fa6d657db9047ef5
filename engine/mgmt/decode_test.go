package mgmt

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestDecodeJobSpec(t *testing.T) {
	good := `{"name":"web","source_path":"/srv/www","target":"h:6320","target_path":"/b","compression":1,"bandwidth_kbps":0,"include":["*.c"]}`
	spec, err := decodeJobSpec(strings.NewReader(good))
	if err != nil {
		t.Fatalf("good spec: %v", err)
	}
	want := JobSpec{Name: "web", SourcePath: "/srv/www", Target: "h:6320", TargetPath: "/b", Compression: 1, Include: []string{"*.c"}}
	if !reflect.DeepEqual(spec, want) {
		t.Errorf("decoded %+v, want %+v", spec, want)
	}
	for name, body := range map[string]string{
		"empty":          "",
		"not JSON":       "name=web",
		"truncated":      `{"name":"web"`,
		"unknown field":  `{"name":"web","bandwith_kbps":5}`,
		"wrong type":     `{"name":"web","compression":"high"}`,
		"two values":     good + good,
		"trailing junk":  good + "x",
		"array":          "[" + good + "]",
		"invalid spec":   `{"name":"web"}`,
		"oversized body": `{"name":"` + strings.Repeat("a", maxBodyBytes) + `"}`,
	} {
		_, err := decodeJobSpec(strings.NewReader(body))
		if code := catalog.CodeOf(err); code != catalog.CodeInvalidParameter {
			t.Errorf("%s: err %v, code %d, want %d", name, err, code, catalog.CodeInvalidParameter)
		}
	}
}

// A body of exactly the limit is accepted (padding is JSON whitespace).
func TestDecodeJobSpecAtLimit(t *testing.T) {
	good := `{"name":"web","source_path":"/srv/www","target":"h:6320","target_path":"/b"}`
	body := good + strings.Repeat(" ", maxBodyBytes-len(good))
	if _, err := decodeJobSpec(strings.NewReader(body)); err != nil {
		t.Fatalf("body of exactly %d bytes: %v", maxBodyBytes, err)
	}
	if _, err := decodeJobSpec(strings.NewReader(body + " ")); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Fatalf("body one byte over the limit: %v", err)
	}
}

// FuzzDecodeJobSpec feeds untrusted bodies to the decoder: it must never
// panic, must either refuse with 101/140 or return a spec that validates, and
// an accepted spec must survive a JSON round trip unchanged.
func FuzzDecodeJobSpec(f *testing.F) {
	f.Add([]byte(`{"name":"web","source_path":"/srv/www","target":"h:6320","target_path":"/b","compression":3,"bandwidth_kbps":10,"include":["*.c"],"exclude":["[ab]*"]}`))
	f.Add([]byte(`{"name":"","source_path":"rel"}`))
	f.Add([]byte(`{"name":"a","source_path":"/","target":"[::1]:1","target_path":"/x"} {}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"include":["\u0000"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		spec, err := decodeJobSpec(bytes.NewReader(body))
		if err != nil {
			if c := catalog.CodeOf(err); c != catalog.CodeInvalidParameter && c != catalog.CodeSourcePathInvalid {
				t.Fatalf("refused with code %d: %v", c, err)
			}
			return
		}
		if err := spec.Validate(); err != nil {
			t.Fatalf("accepted a spec that does not validate: %v", err)
		}
		b, err := json.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeJobSpec(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("re-encoded spec refused: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(normalise(spec), normalise(again)) {
			t.Fatalf("round trip changed the spec:\n%+v\n%+v", spec, again)
		}
	})
}

// normalise treats an empty rule list like a missing one (omitempty).
func normalise(s JobSpec) JobSpec {
	if len(s.Include) == 0 {
		s.Include = nil
	}
	if len(s.Exclude) == 0 {
		s.Exclude = nil
	}
	return s
}
