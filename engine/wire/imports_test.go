package wire

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The session layer builds on wire, never the reverse: wire imports no
// engine package but the catalog (STYLE.md, section 1).
func TestImportsOnlyCatalogFromEngine(t *testing.T) {
	const module = "github.com/dtrep/dtrep/"
	allowed := map[string]bool{module + "engine/catalog": true}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, module) && !allowed[path] {
				t.Errorf("%s imports %s", e.Name(), path)
			}
		}
	}
}
