package mgmt

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func decodeTask(b []byte) (TaskSpec, error) {
	var t TaskSpec
	if err := decodeStrict(bytes.NewReader(b), "task", &t); err != nil {
		return t, err
	}
	return t, t.Validate()
}

func TestDecodeTaskSpec(t *testing.T) {
	got, err := decodeTask([]byte(`{"name":"n","by":"u","timeout":0,"argv":["/bin/true","x"]}`))
	if err != nil || got.Timeout == nil || *got.Timeout != 0 || !reflect.DeepEqual(got.Argv, []string{"/bin/true", "x"}) {
		t.Fatalf("%+v %v", got, err)
	}
	for _, in := range []string{`{"argv":[]}`, `{"argv":[""]}`, `{"argv":["x"],"timeout":-1}`,
		`{"argv":["x"],"shell":true}`, `{"argv":["x"]} {}`, ``, `{"argv":["x"]` + strings.Repeat(" ", maxBodyBytes) + `}`} {
		if _, err := decodeTask([]byte(in)); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("%.40q: %v", in, err)
		}
	}
	for _, c := range []struct{ activity, action string }{{"verify", "start"}, {"orphans", "stop"}, {"restore", "resume"}} {
		if err := ValidateActivity(c.activity, c.action); err != nil {
			t.Errorf("%s %s: %v", c.activity, c.action, err)
		}
	}
	if ValidateActivity("mirror", "start") == nil || ValidateActivity("verify", "go") == nil {
		t.Fatal("unknown activity or action accepted")
	}
}

// FuzzDecodeTaskSpec feeds untrusted task bodies: refused with 101, or a
// task that validates and survives a round trip.
func FuzzDecodeTaskSpec(f *testing.F) {
	f.Add([]byte(`{"name":"n","by":"u","timeout":30,"argv":["/bin/sh","-c","exit 0"]}`))
	f.Add([]byte(`{"argv":["a"],"timeout":null}`))
	f.Add([]byte(`{"argv":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		task, err := decodeTask(body)
		if err != nil {
			if c := catalog.CodeOf(err); c != catalog.CodeInvalidParameter {
				t.Fatalf("refused with code %d: %v", c, err)
			}
			return
		}
		b, err := json.Marshal(task)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeTask(b)
		if err != nil || !reflect.DeepEqual(again, task) {
			t.Fatalf("round trip: %+v -> %+v (%v)", task, again, err)
		}
	})
}
