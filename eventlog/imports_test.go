package eventlog

import (
	"os/exec"
	"strings"
	"testing"
)

// The engine never imports the event log writers (nor any other consumer
// of its events): they depend on it, never the other way round.
func TestEngineImportsNoConsumer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/dtrep/dtrep/engine/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, consumer := range []string{"eventlog", "exporters", "snmp", "packs"} {
			if pkg == "github.com/dtrep/dtrep/"+consumer || strings.HasPrefix(pkg, "github.com/dtrep/dtrep/"+consumer+"/") {
				t.Errorf("the engine imports %s", pkg)
			}
		}
	}
}
