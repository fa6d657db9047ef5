// Command gennames writes engine/catalog/names_gen.go, the typed constants
// code uses to name counters, settings and events, from the catalog.
package main

import (
	"log"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
)

func main() {
	src, err := catalog.GenerateNames(catalog.Must())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(catalog.NamesFile, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
