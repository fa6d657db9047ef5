package grafana

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/golden"
)

// The committed JSON is exactly what the code renders.
func TestCommittedDashboards(t *testing.T) {
	cat := catalog.Must()
	for file := range Files {
		want, err := Render(cat, file)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, file, want, "go test ./packs/grafana -run TestCommittedDashboards -update")
	}
}

// The committed files load back as Grafana dashboards, with unique panel
// IDs and panels that do not overlap.
func TestDashboardsLoad(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	uids := map[string]bool{}
	for file := range Files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard.Dashboard
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if d.Uid == nil || uids[*d.Uid] {
			t.Errorf("%s: missing or duplicate UID", file)
		} else {
			uids[*d.Uid] = true
		}
		ids := map[uint32]bool{}
		type cell struct{ x, y uint32 }
		taken := map[cell]string{}
		for _, p := range d.Panels {
			var id *uint32
			var title string
			var pos *dashboard.GridPos
			switch {
			case p.Panel != nil:
				id, pos = p.Panel.Id, p.Panel.GridPos
				if p.Panel.Title != nil {
					title = *p.Panel.Title
				}
				if len(p.Panel.Targets) == 0 {
					t.Errorf("%s: panel %q has no query", file, title)
				}
			case p.RowPanel != nil:
				id, pos = &p.RowPanel.Id, p.RowPanel.GridPos
				if p.RowPanel.Title != nil {
					title = *p.RowPanel.Title
				}
			}
			if id == nil || ids[*id] {
				t.Errorf("%s: panel %q: missing or duplicate ID", file, title)
			} else {
				ids[*id] = true
			}
			if pos == nil || pos.W == 0 || pos.H == 0 || pos.X+pos.W > 24 {
				t.Errorf("%s: panel %q: bad position %+v", file, title, pos)
				continue
			}
			for x := pos.X; x < pos.X+pos.W; x++ {
				for y := pos.Y; y < pos.Y+pos.H; y++ {
					if other, ok := taken[cell{x, y}]; ok {
						t.Fatalf("%s: panels %q and %q overlap at %d,%d", file, other, title, x, y)
					}
					taken[cell{x, y}] = title
				}
			}
		}
	}
}
