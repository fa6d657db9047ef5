package scom

import (
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/eventlog"
	"github.com/dtrep/dtrep/exporters/perfmon"
)

// committedRules reads the rules of a committed pack.
func committedRules(t *testing.T, file string) []*etree.Element {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromFile(file); err != nil {
		t.Fatal(err)
	}
	return doc.FindElements("/ManagementPack/Monitoring/Rules/Rule")
}

// filterValue is the value an event or performance filter compares an
// item with: <XPathQuery>item</XPathQuery> ... <Value>v</Value>.
func filterValue(rule *etree.Element, item string) string {
	for _, se := range rule.FindElements(".//SimpleExpression") {
		if q := se.FindElement("ValueExpression/XPathQuery"); q != nil && q.Text() == item {
			if v := se.FindElement("ValueExpression/Value"); v != nil {
				return v.Text()
			}
		}
	}
	return ""
}

// The event rules of both committed packs cover exactly the (log, source,
// ID) triples the Windows Event Log writer reports, one rule each.
func TestEventRulesMatchWindowsWriter(t *testing.T) {
	events, err := eventlog.WindowsEvents(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	want := map[EventTriple]bool{}
	for _, w := range events {
		want[EventTriple{Log: w.Log, Source: w.Source, ID: int(w.ID)}] = true
	}
	for _, file := range []string{File2007, File2012Monitor} {
		got := map[EventTriple]int{}
		for _, r := range committedRules(t, file) {
			if r.SelectElement("Category").Text() != "Alert" {
				continue
			}
			id, err := strconv.Atoi(filterValue(r, "EventDisplayNumber"))
			if err != nil {
				t.Fatalf("%s: rule %s: event ID: %v", file, r.SelectAttrValue("ID", ""), err)
			}
			log := r.FindElement("DataSources/DataSource/LogName").Text()
			got[EventTriple{Log: log, Source: filterValue(r, "PublisherName"), ID: id}]++
		}
		for tr, n := range got {
			if !want[tr] {
				t.Errorf("%s: a rule matches %s, which the Windows writer never reports", file, tr)
			}
			if n != 1 {
				t.Errorf("%s: %d rules match %s", file, n, tr)
			}
		}
		for tr := range want {
			if got[tr] == 0 {
				t.Errorf("%s: no rule for %s, which the Windows writer reports", file, tr)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d event rules for %d triples", file, len(got), len(want))
		}
	}
}

// The performance rules of both committed packs name exactly the objects
// and counters of the Performance Monitor provider: a threshold rule for
// each, and collection rules only for its counters.
func TestPerformanceRulesMatchProvider(t *testing.T) {
	sets, err := perfmon.CounterSets(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]bool{}
	multi := map[string]bool{}
	for _, s := range sets {
		multi[s.Name] = s.Multiple
		for _, c := range s.Counters {
			want[[2]string{s.Name, c.Name}] = true
		}
	}
	if len(want) != 50 {
		t.Fatalf("the provider has %d counters, the reference 50", len(want))
	}
	for _, file := range []string{File2007, File2012Monitor} {
		thresholds := map[[2]string]int{}
		for _, r := range committedRules(t, file) {
			cat := r.SelectElement("Category").Text()
			if cat != "PerformanceHealth" && cat != "PerformanceCollection" {
				continue
			}
			ds := r.FindElement("DataSources/DataSource")
			key := [2]string{ds.SelectElement("ObjectName").Text(), ds.SelectElement("CounterName").Text()}
			if !want[key] {
				t.Errorf("%s: rule %s reads %s\\%s, which the provider does not have", file,
					r.SelectAttrValue("ID", ""), key[0], key[1])
			}
			if cat == "PerformanceHealth" {
				thresholds[key]++
			}
			// Multi-instance sets report each instance by name.
			if q := ds.SelectElement("Query").Text(); multi[key[0]] != strings.HasPrefix(q, "SELECT Name, ") {
				t.Errorf("%s: rule %s: query %q for a set with multiple instances %v", file,
					r.SelectAttrValue("ID", ""), q, multi[key[0]])
			}
		}
		for key := range want {
			if thresholds[key] != 1 {
				t.Errorf("%s: %d threshold rules for %s\\%s, want 1", file, thresholds[key], key[0], key[1])
			}
		}
	}
}
