package elasticsearch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// File is one file of the Elasticsearch pack (packs/elasticsearch).
type File struct {
	Path string // relative to the pack's directory, slash-separated
	Body []byte
	// Method and API say where Install sends Body; empty for files that
	// are only documentation or examples.
	Method, API string
}

// Pack generates every file of the pack from the catalog: the ILM
// policies, the index templates, the example queries and a README.
func Pack(cat *catalog.Catalog) ([]File, error) {
	var files []File
	add := func(path, method, api string, v any) {
		files = append(files, File{Path: path, Body: encodeJSON(v), Method: method, API: api})
	}
	add("ilm/"+EventsPolicy+".json", "PUT", "/_ilm/policy/"+EventsPolicy,
		ilmPolicy("90d", "dtrep events: roll over daily, delete 90 days after rollover"))
	add("ilm/"+StatsPolicy+".json", "PUT", "/_ilm/policy/"+StatsPolicy,
		ilmPolicy("30d", "dtrep statistics: roll over daily, delete 30 days after rollover"))
	add("index_template/"+EventsTemplate+".json", "PUT", "/_index_template/"+EventsTemplate,
		indexTemplate("logs-dtrep.events-*", EventsPolicy,
			"dtrep events (Double-Take 7.1 chapter 6 messages) in ECS", eventsMapping(cat)))
	add("index_template/"+StatsTemplate+".json", "PUT", "/_index_template/"+StatsTemplate,
		indexTemplate("metrics-dtrep.stats-*", StatsPolicy,
			"dtrep statistics, one document per block and snapshot, counters by catalog name", statsMapping(cat)))
	qs, err := Queries(cat)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		add("queries/"+q.Name+".search-template.json", "", "", q.Template)
		files = append(files, File{Path: "queries/" + q.Name + ".esql", Body: []byte(q.ESQL + "\n")})
	}
	files = append(files, File{Path: "README.md", Body: readme(files, qs)})
	return files, nil
}

// encodeJSON is the pack's one JSON layout: two-space indent, sorted keys,
// no HTML escaping (queries hold < and >), final newline.
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		panic("BUG: elasticsearch: pack: " + err.Error())
	}
	return b.Bytes()
}

func readme(files []File, qs []Query) []byte {
	var b strings.Builder
	b.WriteString("# dtrep pack for Elasticsearch\n\n")
	b.WriteString("Generated from the dtrep catalog by `go test ./exporters/elasticsearch -run TestPackCommitted -update`;\n")
	b.WriteString("do not edit by hand.\n\n")
	b.WriteString("dtrep's Elasticsearch exporter installs these objects itself before it sends the first document;\n")
	b.WriteString("`dtrep packs install elasticsearch` installs them on demand (with the Elasticsearch* settings).\n")
	b.WriteString("By hand, send each file to its API in this order:\n\n")
	b.WriteString("| file | request |\n|---|---|\n")
	for _, f := range files {
		if f.API != "" {
			fmt.Fprintf(&b, "| `%s` | `%s %s` |\n", f.Path, f.Method, f.API)
		}
	}
	b.WriteString("\nEvents go to the data stream `logs-dtrep.events-NAMESPACE`, statistics to `metrics-dtrep.stats-NAMESPACE`\n")
	b.WriteString("(ElasticsearchNamespace, `default` unless set).\n\n## Example queries\n\n")
	b.WriteString("Each question has a search template (`POST logs-dtrep.events-*/_search/template`) and an ES|QL query\n")
	b.WriteString("(`POST _query` with `{\"query\": ..., \"params\": [...]}` for the `?name` parameters).\n\n")
	for _, q := range qs {
		fmt.Fprintf(&b, "- %s: `queries/%s.search-template.json`, `queries/%s.esql`", q.Question, q.Name, q.Name)
		if len(q.Params) > 0 {
			var ps []string
			for k, v := range q.Params {
				ps = append(ps, fmt.Sprintf("`%s` (e.g. %q)", k, v))
			}
			fmt.Fprintf(&b, "; parameters %s", strings.Join(ps, ", "))
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
