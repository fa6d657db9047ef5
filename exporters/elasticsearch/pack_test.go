package elasticsearch

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/golden"
)

// packDir is the committed pack, relative to this package.
var packDir = filepath.Join("..", "..", "packs", "elasticsearch")

// TestPackCommitted keeps packs/elasticsearch equal to what the catalog
// generates; -update rewrites it.
func TestPackCommitted(t *testing.T) {
	files, err := Pack(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, f := range files {
		want[filepath.FromSlash(f.Path)] = true
		p := filepath.Join(packDir, filepath.FromSlash(f.Path))
		golden.Check(t, p, f.Body, "go test ./exporters/elasticsearch -run TestPackCommitted -update")
	}
	// A file the generator no longer writes must not linger.
	filepath.WalkDir(packDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(packDir, p)
		if !want[rel] {
			t.Errorf("%s is not generated", rel)
		}
		return nil
	})
}

// TestTemplates checks what Elasticsearch needs of the templates: a data
// stream, a priority above the built-in 100, the policy, and a mapping for
// every field a document can carry.
func TestTemplates(t *testing.T) {
	cat := catalog.Must()
	files, err := Pack(cat)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	for _, tc := range []struct{ path, pattern, policy string }{
		{"index_template/logs-dtrep.events.json", "logs-dtrep.events-*", EventsPolicy},
		{"index_template/metrics-dtrep.stats.json", "metrics-dtrep.stats-*", StatsPolicy},
	} {
		f, ok := byPath[tc.path]
		if !ok {
			t.Fatalf("%s missing", tc.path)
		}
		var tpl struct {
			IndexPatterns []string       `json:"index_patterns"`
			DataStream    map[string]any `json:"data_stream"`
			Priority      int            `json:"priority"`
			Template      struct {
				Settings struct {
					Index struct {
						Lifecycle struct{ Name string } `json:"lifecycle"`
					} `json:"index"`
				} `json:"settings"`
			} `json:"template"`
		}
		if err := json.Unmarshal(f.Body, &tpl); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if !slices.Equal(tpl.IndexPatterns, []string{tc.pattern}) || tpl.DataStream == nil ||
			tpl.Priority <= 100 || tpl.Template.Settings.Index.Lifecycle.Name != tc.policy {
			t.Errorf("%s: %+v", tc.path, tpl)
		}
		if f.Method != "PUT" || !strings.HasPrefix(f.API, "/_index_template/") {
			t.Errorf("%s: installed with %s %s", tc.path, f.Method, f.API)
		}
	}
	for _, c := range cat.Counters {
		m := fieldMapping(t, statsMapping(cat), "dtrep.stats."+c.Name)
		want := "long"
		if c.Kind == catalog.KindInfo {
			want = "keyword"
			if c.Unit == "timestamp" {
				want = "date"
			}
		}
		if m["type"] != want {
			t.Errorf("counter %s mapped %v, want %s", c.Name, m["type"], want)
		}
	}
}

// fieldMapping walks a mapping's properties down a dotted path.
func fieldMapping(t *testing.T, mapping object, path string) object {
	t.Helper()
	cur := mapping
	parts := strings.Split(path, ".")
	// Catalog names hold no dots, but "dtrep.stats.Date/Time Stamp" is
	// three parts: the last may hold anything but a dot.
	for _, p := range parts {
		props, ok := cur["properties"].(object)
		if !ok {
			t.Fatalf("%s: no properties above %s", path, p)
		}
		next, ok := props[p].(object)
		if !ok {
			t.Fatalf("%s: %s not mapped", path, p)
		}
		cur = next
	}
	return cur
}

// TestDocumentsMapped checks that every leaf field of a sample event and
// statistics document has an explicit mapping.
func TestDocumentsMapped(t *testing.T) {
	cat := catalog.Must()
	b := newDocBuilder(cat, "host1", "default")
	check := func(name string, body []byte, mapping object) {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		for _, leaf := range leaves("", m) {
			if strings.HasPrefix(leaf, "labels.") {
				continue // dynamic template
			}
			fieldMapping(t, mapping, leaf)
		}
	}
	for _, body := range sampleEventDocs(b) {
		check("event", body, eventsMapping(cat))
	}
	for _, body := range b.stats(sampleSnapshot(cat)) {
		check("stats", body, statsMapping(cat))
	}
	check("exporter", b.exporterDoc(sampleSnapshot(cat).Time, map[string]int64{CounterSent: 1}), statsMapping(cat))
}

// leaves lists the dotted paths of a decoded document's values.
func leaves(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok {
			out = append(out, leaves(p, sub)...)
			continue
		}
		out = append(out, p)
	}
	return out
}

func TestQueriesUseCatalogCodes(t *testing.T) {
	qs, err := Queries(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Query{}
	for _, q := range qs {
		byName[q.Name] = q
		if !strings.HasPrefix(q.ESQL, "FROM logs-dtrep.events-*") {
			t.Errorf("%s: ES|QL %q", q.Name, q.ESQL)
		}
	}
	if q := byName["auto-disconnect-history"]; !strings.Contains(q.ESQL, `"4007", "4008"`) {
		t.Errorf("auto-disconnect codes: %s", q.ESQL)
	}
	if q := byName["job-errors"]; !strings.Contains(q.ESQL, "?job") ||
		!strings.Contains(string(encodeJSON(q.Template)), "{{job}}") {
		t.Errorf("job-errors parameters: %s", q.ESQL)
	}
}
