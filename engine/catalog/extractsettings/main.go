package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

func main() {
	ref := flag.String("ref", "engine/catalog/testdata/reference-guide-7.1.txt", "reference text")
	keep := flag.String("keep", "", "reviewed settings.json whose machine-checkable fields are kept")
	flag.Parse()
	if err := run(*ref, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "extractsettings:", err)
		os.Exit(1)
	}
}

func run(refPath, keepPath string) error {
	b, err := os.ReadFile(refPath)
	if err != nil {
		return fmt.Errorf("read reference: %w", err)
	}
	settings, err := refparse.ParseSettings(string(b))
	if err != nil {
		return err
	}
	reviewed := map[string]catalog.Setting{}
	if keepPath != "" {
		kb, err := os.ReadFile(keepPath)
		if err != nil {
			return fmt.Errorf("read reviewed: %w", err)
		}
		var old []catalog.Setting
		if err := json.Unmarshal(kb, &old); err != nil {
			return fmt.Errorf("parse reviewed: %w", err)
		}
		for _, s := range old {
			reviewed[s.Name] = s
		}
	}
	for i := range settings {
		s := &settings[i]
		if old, ok := reviewed[s.Name]; ok {
			s.Type, s.Min, s.Max, s.Allowed, s.Value = old.Type, old.Min, old.Max, old.Allowed, old.Value
			s.RestartRequired = old.RestartRequired
			continue
		}
		guess(s)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // "<null>" stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(settings); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}
