package catalog

import (
	"testing"

	"github.com/dtrep/dtrep/internal/golden"
)

// TestGeneratedNamesCommitted: names_gen.go is what the catalog generates, so
// a counter, setting or event added, renamed or moved in data/*.json without
// regenerating (go generate ./engine/catalog) fails here.
func TestGeneratedNamesCommitted(t *testing.T) {
	want, err := GenerateNames(Must())
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, NamesFile, want, "go generate ./engine/catalog")
}

// TestGeneratedNamesResolve: every constant names what the catalog holds
// under it, in the scope and kind its type says.
func TestGeneratedNamesResolve(t *testing.T) {
	c := Must()
	if k, ok := c.Counter(StatConOpsTx.Name()); !ok || k.Scope != ScopeConnection || k.Kind == KindInfo {
		t.Errorf("StatConOpsTx names %+v", k)
	}
	if k, ok := c.Counter(StatStartTime.Name()); !ok || k.Scope != ScopeKernel || k.Kind != KindInfo {
		t.Errorf("StatStartTime names %+v", k)
	}
	var markers = []ScopeMarker{Kernel{}, Security{}, Source{}, Target{}, Connection{}}
	for _, m := range markers {
		for _, n := range append(m.NumNames(), m.TextNames()...) {
			if k, ok := c.Counter(n); !ok || k.Scope != m.Scope() {
				t.Errorf("%s counter %q: %+v", m.Scope(), n, k)
			}
		}
	}
	if s, ok := c.Setting(SettingMirrorChunkSize.Name()); !ok || s.Name != "MirrorChunkSize" {
		t.Errorf("SettingMirrorChunkSize names %+v", s)
	}
	if len(settingNames) != len(c.Settings) {
		t.Errorf("%d setting constants for %d settings", len(settingNames), len(c.Settings))
	}
	for _, k := range eventKeys {
		if _, ok := c.Event(k.Source, k.ID); !ok {
			t.Errorf("event constant for %s not in the catalog", k)
		}
	}
	if EventDoubleTake4070.Key() != (EventKey{Source: "Double-Take", ID: 4070}) {
		t.Errorf("EventDoubleTake4070 is %s", EventDoubleTake4070.Key())
	}
}
