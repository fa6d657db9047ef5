package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

// defaultRef is the reference's committed copy, relative to the module root
// the command is normally run from.
const defaultRef = "engine/catalog/testdata/reference-guide-7.1.txt"

func main() {
	what := flag.String("what", "", "what to extract: events, errors, traps, enums or view")
	ref := flag.String("ref", defaultRef, "path of the reference guide's text")
	flag.Parse()
	if err := run(os.Stdout, *what, *ref); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}

// run extracts what from the reference at path and writes it as indented
// JSON.
func run(w io.Writer, what, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read reference: %w", err)
	}
	v, err := extract(what, string(b))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // messages quote and use & as written
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %s: %w", what, err)
	}
	return nil
}

// extract returns the data file's content for what.
func extract(what, ref string) (any, error) {
	switch what {
	case "events":
		return refparse.ParseEvents(ref)
	case "errors":
		return refparse.ParseErrors(ref)
	case "traps":
		traps, err := refparse.ParseTraps(ref)
		if err != nil {
			return nil, err
		}
		return withTrapEvents(traps)
	case "enums":
		return refparse.ParseEnums(ref)
	case "view":
		return refparse.ParseView(ref)
	case "":
		return nil, fmt.Errorf("-what is required (events, errors, traps, enums or view)")
	}
	return nil, fmt.Errorf("unknown -what %q (events, errors, traps, enums or view)", what)
}
