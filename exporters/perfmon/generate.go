package perfmon

import (
	"bytes"
	"fmt"

	"github.com/tc-hib/winres"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Paths of the generated files, relative to the repository root. The
// .syso files are the only ones of cmd/dtrep (a Go binary links a single
// .rsrc section): any other resource dtrep.exe must carry joins the
// ResourceSet built here. The event log's message table is a DLL of its own.
const (
	ManifestFile   = "exporters/perfmon/" + ManifestName
	SysoFileAMD64  = "cmd/dtrep/rsrc_windows_amd64.syso"
	SysoFileARM64  = "cmd/dtrep/rsrc_windows_arm64.syso"
	stringLanguage = 0x0409 // en-US, the reference's language
)

// GeneratedFiles renders every committed artifact of this package from the
// catalog, by path relative to the repository root: the counters manifest
// and the objects files that embed the string table in dtrep.exe.
func GeneratedFiles(cat *catalog.Catalog) (map[string][]byte, error) {
	sets, err := CounterSets(cat)
	if err != nil {
		return nil, err
	}
	man, err := ManifestXML(sets)
	if err != nil {
		return nil, err
	}
	blocks, err := StringBlocks(StringTable(sets))
	if err != nil {
		return nil, err
	}
	var rs winres.ResourceSet
	for blk, data := range blocks {
		if err := rs.Set(winres.RT_STRING, winres.ID(blk), stringLanguage, data); err != nil {
			return nil, fmt.Errorf("perfmon string table: %w", err)
		}
	}
	files := map[string][]byte{ManifestFile: man}
	for path, arch := range map[string]winres.Arch{SysoFileAMD64: winres.ArchAMD64, SysoFileARM64: winres.ArchARM64} {
		var b bytes.Buffer
		if err := rs.WriteObject(&b, arch); err != nil {
			return nil, fmt.Errorf("perfmon %s: %w", path, err)
		}
		files[path] = b.Bytes()
	}
	return files, nil
}
