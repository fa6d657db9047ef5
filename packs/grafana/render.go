package grafana

import (
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Files maps each committed dashboard file to its builder.
var Files = map[string]func(*catalog.Catalog) (dashboard.Dashboard, error){
	"dtrep-overview.json":   Overview,
	"dtrep-connection.json": Connection,
}

// Render returns a dashboard file's JSON as committed: indented, with a
// final newline.
func Render(cat *catalog.Catalog, file string) ([]byte, error) {
	build, ok := Files[file]
	if !ok {
		return nil, fmt.Errorf("no dashboard file %s", file)
	}
	d, err := build(cat)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return append(b, '\n'), nil
}
