package mgmt

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/failover"
)

// FuzzDecodeFailoverSpec feeds untrusted monitor bodies: refused with 101,
// or a spec that survives a round trip; validation never panics.
func FuzzDecodeFailoverSpec(f *testing.F) {
	f.Add([]byte(`{"set":"s","source":"10.0.0.1:6320","interval":"500ms","missed":4,"auto":true,"pre":["/bin/true"],"timeout":"1m"}`))
	f.Add([]byte(`{"interval":"-1s"}`))
	f.Add([]byte(`{"interval":5}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var spec failover.Spec
		if err := decodeStrict(bytes.NewReader(body), "failover monitor", &spec); err != nil {
			if c := catalog.CodeOf(err); c != catalog.CodeInvalidParameter {
				t.Fatalf("refused with code %d: %v", c, err)
			}
			return
		}
		_ = spec.Validate()
		b, err := json.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		var again failover.Spec
		if err := decodeStrict(bytes.NewReader(b), "failover monitor", &again); err != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		if b2, _ := json.Marshal(again); !bytes.Equal(b, b2) {
			t.Fatalf("round trip: %s -> %s", b, b2)
		}
	})
}

func TestValidateFailoverAction(t *testing.T) {
	for _, a := range []string{FailoverStart, FailoverUndo, FailoverReverse} {
		if err := ValidateFailoverAction(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	if err := ValidateFailoverAction("cutover"); catalog.CodeOf(err) != catalog.CodeInvalidCommand {
		t.Errorf("cutover: %v", err)
	}
}
