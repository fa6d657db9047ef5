package engine_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/dtrep/dtrep/"

// listed is a package as `go list -json` reports it.
type listed struct {
	ImportPath string
	Imports    []string
}

// packages lists the packages under pattern with their direct imports
// (tests' imports included: a test must keep the boundaries too).
func packages(t *testing.T, pattern string) []listed {
	t.Helper()
	out, err := exec.Command("go", "list", "-test", "-json=ImportPath,Imports", pattern).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pattern, err)
	}
	var pkgs []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// consumers are the packages built on top of the engine: it never imports
// them (STYLE.md, section 1).
var consumers = []string{"exporters", "snmp", "eventlog", "packs", "mib", "cmd"}

func TestEngineImportsNoConsumer(t *testing.T) {
	for _, p := range packages(t, "github.com/dtrep/dtrep/engine/...") {
		for _, imp := range p.Imports {
			for _, c := range consumers {
				if strings.HasPrefix(imp, module+c+"/") || imp == module+c {
					t.Errorf("%s imports %s", p.ImportPath, imp)
				}
			}
		}
	}
}

// exporterEngine is what exporters may use of the engine: the interface
// exporters.Engine is built from (catalog, statistics, events), the status
// words, and the settings they are configured by. Tests may start a real
// server to drive them.
var exporterEngine = map[string]bool{
	module + "engine/catalog":  true,
	module + "engine/stats":    true,
	module + "engine/events":   true,
	module + "engine/status":   true,
	module + "engine/settings": true,
}

func TestExportersSeeTheEngineThroughTheirInterface(t *testing.T) {
	for _, p := range packages(t, "github.com/dtrep/dtrep/exporters/...") {
		if strings.HasSuffix(p.ImportPath, ".test") || strings.HasSuffix(p.ImportPath, "_test") ||
			strings.Contains(p.ImportPath, " [") {
			continue // test binaries and packages may start a real server
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"engine/") || exporterEngine[imp] {
				continue
			}
			t.Errorf("%s imports %s: exporters see the engine through exporters.Engine", p.ImportPath, imp)
		}
	}
}
