package main

import (
	"os"
	"path/filepath"
	"slices"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/packs/scom"
)

// writeSCOMPacks writes the SCOM packs under dir, as committed under
// packs/scom (with the 2012 packs' references carrying the key token).
func writeSCOMPacks(dir string, opt packOptions) ([]string, error) {
	cat := catalog.Must()
	in, err := scom.DefaultInputs(cat)
	if err != nil {
		return nil, err
	}
	files, err := scom.Generate(cat, in, scom.Options{KeyToken: opt.keyToken})
	if err != nil {
		return nil, err
	}
	var written []string
	for name, b := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	slices.Sort(written)
	return written, nil
}
