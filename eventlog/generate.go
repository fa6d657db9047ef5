package eventlog

import (
	"github.com/dtrep/dtrep/engine/catalog"
)

// Paths of the generated files, relative to the repository root.
const (
	MCFile         = "eventlog/messages/dtrep.mc"
	MessageDLLFile = "eventlog/messages/" + MessageDLLName
)

// GeneratedFiles renders every committed artifact of this package from the
// catalog, by path relative to the repository root.
func GeneratedFiles(cat *catalog.Catalog) (map[string][]byte, error) {
	evs, err := WindowsEvents(cat)
	if err != nil {
		return nil, err
	}
	table, err := MessageTable(evs)
	if err != nil {
		return nil, err
	}
	dll, err := MessageDLL(table)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		MCFile:             MessageCompilerSource(evs, WindowsSources(cat)),
		MessageDLLFile:     dll,
		JournalCatalogFile: JournalCatalog(cat),
	}, nil
}
