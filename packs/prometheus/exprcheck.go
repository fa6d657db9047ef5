package prometheus

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	exporter "github.com/dtrep/dtrep/exporters/prometheus"
)

// targetLabels are the labels Prometheus adds to every scraped series.
var targetLabels = map[string]bool{"instance": true, "job": true}

var (
	dtrepName = regexp.MustCompile(`\bdtrep_[a-z0-9_]+`)
	selector  = regexp.MustCompile(`\b(dtrep_[a-z0-9_]+)\s*\{([^}]*)\}`)
	matcher   = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"`)
	grouping  = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)`)
	matchers  = regexp.MustCompile(`\{[^}]*\}`)
)

// Checker validates PromQL expressions against what the exporter serves.
type Checker struct {
	families map[string]exporter.Family
	words    map[string]bool // status words a state label may take
}

// NewChecker lists the exporter's families for cat.
func NewChecker(cat *catalog.Catalog) (*Checker, error) {
	fams, err := exporter.Families(cat)
	if err != nil {
		return nil, err
	}
	c := &Checker{families: map[string]exporter.Family{}, words: map[string]bool{}}
	for _, f := range fams {
		c.families[f.Name] = f
	}
	for _, e := range cat.Enums {
		for _, v := range e.Values {
			c.words[v.Name] = true
		}
	}
	return c, nil
}

// Metrics lists the dtrep_ metric names expr uses; label names (dtrep_job)
// in matchers and grouping clauses are not metrics.
func (c *Checker) Metrics(expr string) []string {
	bare := grouping.ReplaceAllString(matchers.ReplaceAllString(expr, "{}"), "")
	return dtrepName.FindAllString(bare, -1)
}

// Check reports the first problem of expr: a dtrep_ name the exporter does
// not serve, a matcher on a label the family lacks, a state word no
// enumeration of the reference has, or grouping by a label none of the
// expression's families carries. Grafana variables ($instance) are
// accepted as label values.
func (c *Checker) Check(expr string) error {
	names := c.Metrics(expr)
	if len(names) == 0 {
		return fmt.Errorf("%q uses no dtrep metric", expr)
	}
	labels := map[string]bool{}
	for l := range targetLabels {
		labels[l] = true
	}
	for _, n := range names {
		f, ok := c.families[n]
		if !ok {
			return fmt.Errorf("%q: the exporter serves no %s", expr, n)
		}
		for _, l := range f.Labels {
			labels[l] = true
		}
	}
	for _, m := range selector.FindAllStringSubmatch(expr, -1) {
		f := c.families[m[1]]
		has := map[string]bool{}
		for _, l := range f.Labels {
			has[l] = true
		}
		for _, lm := range matcher.FindAllStringSubmatch(m[2], -1) {
			name, op, value := lm[1], lm[2], lm[3]
			if !has[name] && !targetLabels[name] {
				return fmt.Errorf("%q: %s has no label %s", expr, m[1], name)
			}
			if name == exporter.LabelState && op == "=" && !strings.HasPrefix(value, "$") && !c.words[value] {
				return fmt.Errorf("%q: %q is no status word of the reference", expr, value)
			}
			if name == exporter.LabelState && op == "=~" {
				for _, w := range strings.Split(value, "|") {
					if !strings.HasPrefix(w, "$") && !c.words[w] {
						return fmt.Errorf("%q: %q is no status word of the reference", expr, w)
					}
				}
			}
		}
	}
	for _, g := range grouping.FindAllStringSubmatch(expr, -1) {
		for _, l := range strings.Split(g[1], ",") {
			if l = strings.TrimSpace(l); l != "" && !labels[l] {
				return fmt.Errorf("%q: groups by %s, which none of its metrics has", expr, l)
			}
		}
	}
	return nil
}
