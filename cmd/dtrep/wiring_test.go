package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestWiringHasNoInit: the command tree, exporters and packs are listed in
// newRootCommand, exporterStarters and the pack maps; an init function here
// would make the wiring depend on the order files are initialised in again.
func TestWiringHasNoInit(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "init" {
				t.Errorf("%s: func init wires something outside newRootCommand", fset.Position(fn.Pos()))
			}
		}
	}
	for _, want := range []string{"serve", "job", "target", "verify", "snmp"} {
		if c, _, err := rootCmd.Find([]string{want}); err != nil || c.Name() != want {
			t.Errorf("dtrep %s is not wired: %v", want, err)
		}
	}
	if c, _, err := rootCmd.Find([]string{"target", "failover"}); err != nil || c.Name() != "failover" {
		t.Errorf("dtrep target failover is not wired: %v", err)
	}
}
