package catalog_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

// These tests hold data/counters.json to the reference: every statistic of
// chapters 3, 7 and 10 has exactly one entry, every surface name an entry
// carries is written in the reference, and the dtrep-only names (Prometheus,
// CSV headers) follow one rule each.

func countersRef(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/reference-guide-7.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func countersCatalog(t *testing.T) []catalog.Counter {
	t.Helper()
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Counters) == 0 {
		t.Fatal("no counters in the catalog")
	}
	return c.Counters
}

// countersNorm compares labels the reference spells two ways ("Failed Logins"
// in the statistics table, "FailedLogins" in the sample; "System Allocator"
// and "SYSTEMALLOCATOR").
func countersNorm(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}

// countersLabelAliases are statistics-table labels the sample prints
// differently (not only by spacing or case); the catalog keeps the sample's
// label and names the other in the description.
var countersLabelAliases = map[string]string{
	"conMirrorBytesRemaining": "conMirrorBytesRemain",
}

func TestCountersDTStatSampleLabels(t *testing.T) {
	sample, err := refparse.ParseDTStatSample(countersRef(t))
	if err != nil {
		t.Fatal(err)
	}
	counters := countersCatalog(t)
	for _, s := range sample {
		n := 0
		for _, c := range counters {
			if c.DTStatSection == s.Section && c.DTStatLabel == s.Label {
				n++
			}
		}
		if n != 1 {
			t.Errorf("sample label %s::%s: %d catalog entries, want 1", s.Section, s.Label, n)
		}
	}
}

func TestCountersDTStatStatisticsTable(t *testing.T) {
	stats, err := refparse.ParseDTStatStatistics(countersRef(t))
	if err != nil {
		t.Fatal(err)
	}
	counters := countersCatalog(t)
	for _, s := range stats {
		label := s.Label
		if alias, ok := countersLabelAliases[label]; ok {
			label = alias
		}
		var found []catalog.Counter
		for _, c := range counters {
			if countersNorm(c.DTStatSection) == countersNorm(s.Category) &&
				countersNorm(c.DTStatLabel) == countersNorm(label) {
				found = append(found, c)
			}
		}
		if len(found) != 1 {
			t.Errorf("statistic %q, %q: %d catalog entries, want 1", s.Category, s.Label, len(found))
			continue
		}
		if label != s.Label && !strings.Contains(found[0].Description, s.Label) {
			t.Errorf("%s: description does not mention the table's label %s", found[0].Name, s.Label)
		}
	}
}

func TestCountersPerfCounters(t *testing.T) {
	perf, err := refparse.ParsePerfCounters(countersRef(t))
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string]bool{}
	pairs := map[[2]string]bool{}
	help := map[[2]string]string{}
	for _, p := range perf {
		objects[p.Object] = true
		pairs[[2]string{p.Object, p.Counter}] = true
		help[[2]string{p.Object, p.Counter}] = strings.Join(strings.Fields(p.Description), " ")
		if p.Description == "" {
			t.Errorf("perf %s / %s: no description parsed", p.Object, p.Counter)
		}
	}
	if len(objects) != 5 || len(perf) != 50 || len(pairs) != 50 {
		t.Fatalf("reference: %d objects, %d counters (%d distinct), want 5 and 50",
			len(objects), len(perf), len(pairs))
	}
	seen := map[[2]string]int{}
	for _, c := range countersCatalog(t) {
		if c.PerfObject == "" && c.PerfCounter == "" {
			continue
		}
		k := [2]string{c.PerfObject, c.PerfCounter}
		if !pairs[k] {
			t.Errorf("%s: perf %q / %q is not in chapter 7", c.Name, c.PerfObject, c.PerfCounter)
		}
		// The help text is the reference's, word for word; only a line
		// break of the text's page layout is not kept.
		if c.PerfHelp != help[k] {
			t.Errorf("%s: perf_help %q, chapter 7 explains %q", c.Name, c.PerfHelp, help[k])
		}
		seen[k]++
	}
	for k := range pairs {
		if seen[k] != 1 {
			t.Errorf("perf %s / %s: %d catalog entries, want 1", k[0], k[1], seen[k])
		}
	}
}

// countersDerivedSNMP are SNMP objects that show another entry's quantity in
// another unit. Counter has one SNMP field, so they live in that entry's
// description.
var countersDerivedSNMP = map[string]string{
	"dtCurrentMemoryUsageMB": "CurrentMemoryUsage",
}

func TestCountersSNMPStatistics(t *testing.T) {
	snmp, err := refparse.ParseSNMPStatistics(countersRef(t))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range snmp {
		names[s.Name] = true
	}
	if len(snmp) != 35 || len(names) != 35 {
		t.Fatalf("reference: %d SNMP statistics (%d distinct), want 35", len(snmp), len(names))
	}
	counters := countersCatalog(t)
	seen := map[string]int{}
	for _, c := range counters {
		if c.SNMPObject == "" {
			continue
		}
		if !names[c.SNMPObject] {
			t.Errorf("%s: SNMP object %s is not in chapter 10", c.Name, c.SNMPObject)
		}
		seen[c.SNMPObject]++
	}
	for derived, base := range countersDerivedSNMP {
		for _, c := range counters {
			if c.Name == base {
				seen[derived]++
				if !strings.Contains(c.Description, derived) {
					t.Errorf("%s: description does not mention %s", base, derived)
				}
			}
		}
	}
	for n := range names {
		if seen[n] != 1 {
			t.Errorf("SNMP %s: %d catalog entries, want 1", n, seen[n])
		}
	}
}

// countersViewQuantity matches the Connections folder columns that are
// quantities: their unit is in the column name.
var countersViewQuantity = regexp.MustCompile(`\((bytes|ops|Kbps)\)$`)

func TestCountersViewFields(t *testing.T) {
	cols, err := refparse.ParseCounterViewColumns(countersRef(t))
	if err != nil {
		t.Fatal(err)
	}
	folder := map[string]bool{}
	folderFold := map[string]bool{}
	specific := map[string]bool{}
	for _, c := range cols {
		if c.Folder == refparse.CounterViewFolder {
			folder[c.Name] = true
			folderFold[strings.ToLower(c.Name)] = true
		} else {
			specific[c.Name] = true
		}
	}
	seen := map[string]int{}
	for _, c := range countersCatalog(t) {
		v := c.ViewField
		if v == "" {
			continue
		}
		seen[v]++
		switch {
		case folder[v]:
		case specific[v] && folderFold[strings.ToLower(v)]:
			t.Errorf("%s: view field %q: use the Connections folder's capitalisation", c.Name, v)
		case specific[v]:
		default:
			t.Errorf("%s: view field %q is not a connection item of chapter 4", c.Name, v)
		}
	}
	for n := range folder {
		if countersViewQuantity.MatchString(n) && seen[n] != 1 {
			t.Errorf("Connections folder column %q: %d catalog entries, want 1", n, seen[n])
		}
	}
	for n, k := range seen {
		if k > 1 {
			t.Errorf("view field %q: %d catalog entries, want 1", n, k)
		}
	}
}

// countersPromName is the Prometheus metric name grammar dtrep keeps to:
// lower snake case under the dtrep_ namespace.
var countersPromName = regexp.MustCompile(`^dtrep_[a-z0-9_]+$`)

// countersPromUnitSuffix is the base-unit suffix a metric's name carries for
// each catalog unit (before _total on counters); units absent here (ops,
// count, state) have no Prometheus base unit.
var countersPromUnitSuffix = map[string]string{
	"bytes":        "_bytes",
	"kilobytes":    "_bytes",
	"megabytes":    "_bytes",
	"seconds":      "_seconds",
	"microseconds": "_seconds",
	"timestamp":    "_seconds",
	"percent":      "_ratio",
	"kbps":         "_bytes_per_second",
}

func TestCountersPrometheusNames(t *testing.T) {
	seen := map[string]string{}
	for _, c := range countersCatalog(t) {
		p := c.Prometheus
		if p == "" {
			if c.Kind != catalog.KindInfo {
				t.Errorf("%s: a %s needs a Prometheus name", c.Name, c.Kind)
			}
			continue
		}
		if prev, dup := seen[p]; dup {
			t.Errorf("%s: Prometheus name %s already used by %s", c.Name, p, prev)
		}
		seen[p] = c.Name
		if !countersPromName.MatchString(p) {
			t.Errorf("%s: Prometheus name %q does not match %s", c.Name, p, countersPromName)
		}
		if !strings.HasPrefix(p, "dtrep_"+string(c.Scope)+"_") {
			t.Errorf("%s: Prometheus name %s lacks the %s subsystem", c.Name, p, c.Scope)
		}
		base, total := strings.CutSuffix(p, "_total")
		if total != (c.Kind == catalog.KindCounter) {
			t.Errorf("%s: %s %s: counters, and only they, end in _total", c.Name, c.Kind, p)
		}
		if suffix, ok := countersPromUnitSuffix[c.Unit]; ok && !strings.HasSuffix(base, suffix) {
			t.Errorf("%s: unit %s: %s should end in %s", c.Name, c.Unit, p, suffix)
		}
	}
}

var (
	countersKinds  = map[catalog.Kind]bool{catalog.KindCounter: true, catalog.KindGauge: true, catalog.KindInfo: true}
	countersScopes = map[catalog.Scope]bool{catalog.ScopeKernel: true, catalog.ScopeSecurity: true,
		catalog.ScopeSource: true, catalog.ScopeTarget: true, catalog.ScopeConnection: true}
	countersUnits = map[string]bool{"bytes": true, "kilobytes": true, "megabytes": true, "ops": true,
		"count": true, "seconds": true, "microseconds": true, "percent": true, "state": true,
		"kbps": true, "timestamp": true, "address": true, "path": true, "text": true}
	countersInfoUnits = map[string]bool{"timestamp": true, "address": true, "path": true, "text": true}
	// countersSectionScope is the scope of each DTStat section. The
	// snapshot's Date/Time Stamp belongs to no section and to the kernel.
	countersSectionScope = map[string]catalog.Scope{"": catalog.ScopeKernel,
		"SYSTEMALLOCATOR": catalog.ScopeKernel, "IQALLOCATOR": catalog.ScopeKernel,
		"KERNEL": catalog.ScopeKernel, "SECURITY": catalog.ScopeSecurity, "SOURCE": catalog.ScopeSource,
		"TARGET": catalog.ScopeTarget, "CONNECTION": catalog.ScopeConnection}
)

func TestCountersKindsScopesUnits(t *testing.T) {
	for _, c := range countersCatalog(t) {
		if !countersKinds[c.Kind] {
			t.Errorf("%s: kind %q", c.Name, c.Kind)
		}
		if !countersScopes[c.Scope] {
			t.Errorf("%s: scope %q", c.Name, c.Scope)
		}
		if !countersUnits[c.Unit] {
			t.Errorf("%s: unit %q", c.Name, c.Unit)
		}
		if (c.Kind == catalog.KindInfo) != countersInfoUnits[c.Unit] {
			t.Errorf("%s: kind %s with unit %s: only info items hold text units", c.Name, c.Kind, c.Unit)
		}
		if c.Description == "" {
			t.Errorf("%s: no description", c.Name)
		}
		if c.DTStatLabel != "" {
			if s, ok := countersSectionScope[c.DTStatSection]; !ok || s != c.Scope {
				t.Errorf("%s: section %q does not fit scope %s", c.Name, c.DTStatSection, c.Scope)
			}
		} else if c.DTStatSection != "" {
			t.Errorf("%s: section %q without a label", c.Name, c.DTStatSection)
		}
		if c.PerfObject != "" && c.PerfObject != "Double-Take "+strings.ToUpper(string(c.Scope[:1]))+string(c.Scope[1:]) {
			t.Errorf("%s: perf object %s does not fit scope %s", c.Name, c.PerfObject, c.Scope)
		}
		if strings.HasPrefix(c.SNMPObject, "dtcon") != (c.Scope == catalog.ScopeConnection && c.SNMPObject != "") {
			t.Errorf("%s: SNMP object %s does not fit scope %s", c.Name, c.SNMPObject, c.Scope)
		}
		if (c.PerfObject == "") != (c.PerfCounter == "") || (c.PerfCounter == "") != (c.PerfHelp == "") {
			t.Errorf("%s: perf object %q with counter %q and help %q", c.Name, c.PerfObject, c.PerfCounter, c.PerfHelp)
		}
		if c.DTStatLabel == "" && c.PerfCounter == "" && c.SNMPObject == "" && c.ViewField == "" &&
			!(countersPrometheusOnly[c.Name] && c.Prometheus != "") {
			t.Errorf("%s: on no reference surface", c.Name)
		}
	}
}

// countersPrometheusOnly are the engine's own health figures, which the
// reference has no surface for: they are exported to Prometheus only.
var countersPrometheusOnly = map[string]bool{
	"JournalSyncs":    true, // fsyncs of the source's disk queue log
	"JournalSyncTime": true, // and the time they took
}

// countersNameExceptions are entries whose DTStat label is not unique: both
// allocators print "Total Bytes", so their names carry the section, as the
// statistics table does ("System Allocator, Total Bytes").
var countersNameExceptions = map[string]bool{
	"SystemAllocatorTotalBytes": true,
	"IQAllocatorTotalBytes":     true,
}

func TestCountersNames(t *testing.T) {
	for _, c := range countersCatalog(t) {
		switch {
		case countersNameExceptions[c.Name]:
			if c.DTStatLabel == "" {
				t.Errorf("%s: exception without a DTStat label", c.Name)
			}
		case c.DTStatLabel != "":
			if c.Name != c.DTStatLabel {
				t.Errorf("%s: name should be the DTStat label %q", c.Name, c.DTStatLabel)
			}
		case c.SNMPObject != "":
			if c.Name != strings.TrimPrefix(c.SNMPObject, "dt") {
				t.Errorf("%s: name should be the SNMP name %s without dt", c.Name, c.SNMPObject)
			}
		default:
			// Perf-only and view-only quantities: CamelCase of the surface
			// name, so it holds no spaces or punctuation.
			if !regexp.MustCompile(`^[A-Z][A-Za-z]+$`).MatchString(c.Name) {
				t.Errorf("%s: name should be CamelCase", c.Name)
			}
		}
	}
}

// The dtstat CSV files (-s: connection data; -st: target data) use one rule
// for their column headers: the entry's Name with everything but letters and
// digits removed ("Ops Received" -> "OpsReceived", "Date/Time Stamp" ->
// "DateTimeStamp"). Every quantity DTStat prints gets a column except Kernel
// TargetOpenHandles, which the reference says the CSV leaves out. Quantities
// of the target scope go to the -st file, all others to the -s file, and
// DateTimeStamp heads both. The reference's "Managed Pagefile Alloc" column,
// "no longer used", is not written and has no entry.
func TestCountersCSVHeaders(t *testing.T) {
	strip := regexp.MustCompile(`[^A-Za-z0-9]`)
	seen := map[string]string{}
	for _, c := range countersCatalog(t) {
		want := ""
		if c.DTStatLabel != "" && c.Name != "TargetOpenHandles" {
			want = strip.ReplaceAllString(c.Name, "")
		}
		if c.DTStatCSV != want {
			t.Errorf("%s: CSV header %q, want %q", c.Name, c.DTStatCSV, want)
		}
		if c.DTStatCSV == "" {
			continue
		}
		if prev, dup := seen[c.DTStatCSV]; dup {
			t.Errorf("%s: CSV header %s already used by %s", c.Name, c.DTStatCSV, prev)
		}
		seen[c.DTStatCSV] = c.Name
	}
}
