package prometheus

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

var metricName = regexp.MustCompile(`^dtrep_[a-z][a-z0-9_]*[a-z0-9]$`)

// Every family follows Prometheus naming: the dtrep_ prefix, snake case,
// _total exactly on counters, and a base-unit suffix that matches the
// catalog's unit.
func TestFamiliesFollowConventions(t *testing.T) {
	cat := catalog.Must()
	fams, err := Families(cat)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range fams {
		if !metricName.MatchString(f.Name) {
			t.Errorf("%s: not a dtrep_ snake-case name", f.Name)
		}
		if seen[f.Name] {
			t.Errorf("%s: served twice", f.Name)
		}
		seen[f.Name] = true
		if total := strings.HasSuffix(f.Name, "_total"); total != (f.Type == "counter") {
			t.Errorf("%s: type %s but _total suffix %v", f.Name, f.Type, total)
		}
		if strings.TrimSpace(f.Help) == "" {
			t.Errorf("%s: no help", f.Name)
		}
		for _, l := range f.Labels {
			if l == "job" || l == "instance" {
				t.Errorf("%s: label %q is Prometheus's own", f.Name, l)
			}
		}
	}
	suffix := map[string]string{
		"bytes": "_bytes", "kilobytes": "_bytes", "megabytes": "_bytes",
		"seconds": "_seconds", "microseconds": "_seconds", "timestamp": "_seconds",
		"percent": "_ratio", "kbps": "_bytes_per_second",
	}
	for _, c := range cat.Counters {
		if c.Prometheus == "" {
			continue
		}
		if !seen[c.Prometheus] {
			t.Errorf("counter %s: %s not served", c.Name, c.Prometheus)
		}
		base := strings.TrimSuffix(c.Prometheus, "_total")
		if want, ok := suffix[c.Unit]; ok && !strings.HasSuffix(base, want) {
			t.Errorf("counter %s (%s): %s does not end in %s", c.Name, c.Unit, c.Prometheus, want)
		}
	}
}

// Labels follow the counter's scope.
func TestFamilyLabelsFollowScope(t *testing.T) {
	cat := catalog.Must()
	fams, err := Families(cat)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Family{}
	for _, f := range fams {
		byName[f.Name] = f
	}
	want := map[catalog.Scope]string{
		catalog.ScopeKernel: "", catalog.ScopeSecurity: "", catalog.ScopeSource: "",
		catalog.ScopeTarget:     "peer",
		catalog.ScopeConnection: "connection_id,dtrep_job,replication_set,target",
	}
	for _, c := range cat.Counters {
		if c.Prometheus == "" {
			continue
		}
		if got := strings.Join(byName[c.Prometheus].Labels, ","); got != want[c.Scope] {
			t.Errorf("%s (%s): labels %q, want %q", c.Prometheus, c.Scope, got, want[c.Scope])
		}
	}
}

func TestConversions(t *testing.T) {
	cases := []struct {
		unit  string
		kind  catalog.Kind
		in    int64
		want  float64
		fails bool
	}{
		{"bytes", catalog.KindCounter, 42, 42, false},
		{"kilobytes", catalog.KindGauge, 2, 2048, false},
		{"megabytes", catalog.KindGauge, 1, 1 << 20, false},
		{"microseconds", catalog.KindGauge, 1_500_000, 1.5, false},
		{"percent", catalog.KindGauge, 455, 0.455, false}, // tenths of a percent
		{"kbps", catalog.KindGauge, 8, 1000, false},
		{"state", catalog.KindGauge, 12, 12, false},
		{"furlongs", catalog.KindGauge, 1, 0, true},
		{"address", catalog.KindInfo, 0, 0, true},
	}
	for _, c := range cases {
		cv, err := conversionFor(catalog.Counter{Name: "x", Unit: c.unit, Kind: c.kind})
		if c.fails {
			if err == nil {
				t.Errorf("%s: no error", c.unit)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.unit, err)
		}
		got, ok := cv.value("x", map[string]int64{"x": c.in}, nil)
		if !ok || got != c.want {
			t.Errorf("%s: %d -> %v, %v; want %v", c.unit, c.in, got, ok, c.want)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	at := time.Date(2024, 3, 9, 14, 5, 7, 0, time.Local)
	if v, ok := parseTimestamp(at.Format(time.ANSIC)); !ok || v != float64(at.Unix()) {
		t.Errorf("ANSIC time: %v %v, want %d", v, ok, at.Unix())
	}
	for _, s := range []string{"", "yesterday", "2024-03-09T14:05:07Z"} {
		if _, ok := parseTimestamp(s); ok {
			t.Errorf("%q parsed", s)
		}
	}
}
