package settings

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestValidate(t *testing.T) {
	c := catalog.Must()
	cases := []struct {
		name, value string
		norm        string // "" with err set
		err         string
	}{
		{"AutoRemirror", "7", "", "101 Invalid parameter was supplied: AutoRemirror=7: allowed 0, 1, 2, 3, 4"},
		{"AutoRemirror", "4", "4", ""},
		{"MaxConnections", "70000", "", "101 Invalid parameter was supplied: MaxConnections=70000: allowed an integer from 0 to 65535"},
		{"MaxConnections", "+12", "12", ""},
		{"MaxConnections", "1.5", "", "101 Invalid parameter was supplied: MaxConnections=1.5: allowed an integer from 0 to 65535"},
		{"AutoReconnect", "yes", "1", ""},
		{"AutoReconnect", "FALSE", "0", ""},
		{"AutoReconnect", "2", "", "101 Invalid parameter was supplied: AutoReconnect=2: allowed 0, 1"},
		{"LogDir", "logs", "", "101 Invalid parameter was supplied: LogDir=logs: allowed an absolute path"},
		{"LogDir", "", "", "101 Invalid parameter was supplied: LogDir=\"\": allowed an absolute path"},
		{"TGMoveFilesPath", "", "", ""}, // unset, as <null>
		{"LogFile", "a\nb", "", "101 Invalid parameter was supplied: LogFile=\"a\\nb\": allowed text"},
		{"DefaultProtocol", "23", "23", ""},
		{"DefaultProtocol", "4", "", "allowed 2, 23, 3"},
	}
	for _, tc := range cases {
		s, ok := c.Setting(tc.name)
		if !ok {
			t.Fatalf("no setting %s", tc.name)
		}
		got, err := Normalize(s, tc.value)
		if tc.err == "" {
			if err != nil || got != tc.norm {
				t.Errorf("%s=%q: got %q, %v; want %q", tc.name, tc.value, got, err, tc.norm)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s=%q accepted", tc.name, tc.value)
			continue
		}
		checkInvalid(t, err, tc.err)
		if Validate(s, tc.value) == nil {
			t.Errorf("Validate accepted %s=%q", tc.name, tc.value)
		}
	}
}

// Every catalog value must pass its own validation, or Open could never
// succeed.
func TestCatalogValuesValidate(t *testing.T) {
	for _, s := range catalog.Must().Settings {
		if got, err := Normalize(s, s.Value); err != nil || got != s.Value {
			t.Errorf("%s: value %q -> %q, %v", s.Name, s.Value, got, err)
		}
	}
}
