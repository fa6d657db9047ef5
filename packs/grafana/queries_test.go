package grafana

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dtrep/dtrep/engine/catalog"
	exporter "github.com/dtrep/dtrep/exporters/prometheus"
	"github.com/dtrep/dtrep/internal/testtool"
	pack "github.com/dtrep/dtrep/packs/prometheus"
)

// queries lists a committed dashboard's PromQL: every target's expr and
// every query variable's label_values argument.
func queries(t *testing.T, file string) (exprs []string, variables []string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if e, ok := v["expr"].(string); ok {
				exprs = append(exprs, e)
			}
			if v["type"] == "query" {
				if q, ok := v["query"].(string); ok {
					variables = append(variables, q)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	return exprs, variables
}

var labelValues = regexp.MustCompile(`^label_values\((.+), ([a-z_]+)\)$`)

// Every query names only metrics, labels and status words the exporter
// serves.
func TestQueriesUseServedMetrics(t *testing.T) {
	cat := catalog.Must()
	chk, err := pack.NewChecker(cat)
	if err != nil {
		t.Fatal(err)
	}
	fams, err := exporter.Families(cat)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]map[string]bool{}
	for _, f := range fams {
		labels[f.Name] = map[string]bool{"instance": true, "job": true}
		for _, l := range f.Labels {
			labels[f.Name][l] = true
		}
	}
	for file := range Files {
		exprs, vars := queries(t, file)
		if len(exprs) < 10 {
			t.Fatalf("%s: only %d queries found", file, len(exprs))
		}
		for _, e := range exprs {
			if err := chk.Check(e); err != nil {
				t.Errorf("%s: %v", file, err)
			}
		}
		for _, v := range vars {
			m := labelValues.FindStringSubmatch(v)
			if m == nil {
				t.Errorf("%s: variable query %q is not label_values(selector, label)", file, v)
				continue
			}
			if err := chk.Check(m[1]); err != nil {
				t.Errorf("%s: variable %q: %v", file, v, err)
			}
			for _, name := range chk.Metrics(m[1]) {
				if !labels[name][m[2]] {
					t.Errorf("%s: variable %q: %s has no label %s", file, v, name, m[2])
				}
			}
		}
	}
}

// The dashboards show what the issue asks for.
func TestDashboardsCoverTheirSubjects(t *testing.T) {
	cat := catalog.Must()
	name := func(counter string) string {
		c, _ := cat.Counter(counter)
		return c.Prometheus
	}
	want := map[string][]string{
		"dtrep-overview.json": {
			name("Start Time"), name("ConnectionCount"), famStateFlag, name("conBytesTx"), name("conBytesRx"),
			name("conBytesCompressedTx"), name("conBytesInRepQueue"), name("conBytesInMirQueue"),
			name("conMirrorPercent"), name("conMirrorBytesRemain"), name("SentReplicationBytes"),
			name("autoDisConnects"), name("Retries"), famEventsDropped,
		},
		"dtrep-connection.json": {
			famTransmit, famMirrorStatus, famReplStatus, famDataState, name("conState"), name("connectTime"),
			name("conBytesTx"), name("conMirrorPercent"), name("conOpsInAckQueue"),
		},
	}
	for file, metrics := range want {
		exprs, vars := queries(t, file)
		all := strings.Join(append(exprs, vars...), "\n")
		for _, m := range metrics {
			if !regexp.MustCompile(`\b` + m + `\b`).MatchString(all) {
				t.Errorf("%s: no query on %s", file, m)
			}
		}
	}
	_, vars := queries(t, "dtrep-connection.json")
	if !strings.Contains(strings.Join(vars, "\n"), "connection_id)") {
		t.Error("the connection dashboard has no connection variable")
	}
}

// grafanaVars stand in for Grafana's variables so promtool can parse the
// expressions.
var grafanaVars = strings.NewReplacer("$__rate_interval", "1m", "$__range", "1h", "$"+varInstance, ".*",
	"$"+varConnection, "1")

// promtool parses every query: they are checked as recording rules.
func TestQueriesParse(t *testing.T) {
	bin := testtool.Path(t, "promtool")
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	for file := range Files {
		exprs, vars := queries(t, file)
		for _, v := range vars {
			exprs = append(exprs, labelValues.FindStringSubmatch(v)[1])
		}
		for i, e := range exprs {
			rules = append(rules, rule{Record: fmt.Sprintf("dashboard:%s:q%d", strings.ReplaceAll(strings.TrimSuffix(file, ".json"), "-", "_"), i),
				Expr: grafanaVars.Replace(e)})
		}
	}
	doc := map[string]any{"groups": []any{map[string]any{"name": "dashboards", "rules": rules}}}
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dashboards.yml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, bin, "check", "rules", path).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}
