package refparse

import (
	"os"
	"strings"
	"testing"
)

func countersTestRef(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/reference-guide-7.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseDTStatSampleReference(t *testing.T) {
	labels, err := ParseDTStatSample(countersTestRef(t))
	if err != nil {
		t.Fatal(err)
	}
	perSection := map[string]int{}
	got := map[string]string{}
	for _, l := range labels {
		perSection[l.Section]++
		got[l.Section+"::"+l.Label] = l.Value
	}
	want := map[string]int{"SYSTEMALLOCATOR": 1, "IQALLOCATOR": 1, "SECURITY": 2, "KERNEL": 12,
		"TARGET": 15, "SOURCE": 3, "CONNECTION": 25}
	for s, n := range want {
		if perSection[s] != n {
			t.Errorf("section %s: %d labels, want %d", s, perSection[s], n)
		}
	}
	if len(perSection) != len(want) {
		t.Errorf("sections %v, want %v", perSection, want)
	}
	// Values with spaces run to the end of the line; numbers are one token.
	for k, v := range map[string]string{
		"KERNEL::Start Time":           "Tue Sep 11 12:45:26 2007",
		"SOURCE::lastFileTouched":      "/log/data file",
		"SECURITY::Logins":             "1",
		"TARGET::Ops Received":         "25",
		"CONNECTION::conMirrorPercent": "100.0%",
		"TARGET::LocalAddress":         "10.10.1.104",
	} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestParseDTStatStatisticsReference(t *testing.T) {
	stats, err := ParseDTStatStatistics(countersTestRef(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 60 {
		t.Errorf("%d statistics, want 60", len(stats))
	}
	if stats[0].Label != "Date/Time Stamp" || stats[0].Category != "" {
		t.Errorf("first statistic %+v, want the uncategorised Date/Time Stamp", stats[0])
	}
	for _, s := range stats {
		if s.Description == "" {
			t.Errorf("%s, %s: no description", s.Category, s.Label)
		}
		if s.Category == "Connection" && s.Label == "conState" && !strings.Contains(s.Description, "8—Error") {
			t.Errorf("conState description lost its list: %q", s.Description)
		}
	}
}

func TestParsePerfCountersReference(t *testing.T) {
	perf, err := ParsePerfCounters(countersTestRef(t))
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, p := range perf {
		per[p.Object]++
	}
	want := map[string]int{"Double-Take Connection": 19, "Double-Take Kernel": 14,
		"Double-Take Security": 2, "Double-Take Source": 2, "Double-Take Target": 13}
	for o, n := range want {
		if per[o] != n {
			t.Errorf("%s: %d counters, want %d", o, per[o], n)
		}
	}
	if len(per) != len(want) {
		t.Errorf("objects %v, want %v", per, want)
	}
	// A description split by a page break stays with its counter.
	for _, p := range perf {
		if p.Counter == "Memory Pool Total Bytes" && !strings.Contains(p.Description, "or near equal") {
			t.Errorf("Memory Pool Total Bytes description cut: %q", p.Description)
		}
	}
}

func TestParseSNMPStatisticsReference(t *testing.T) {
	snmp, err := ParseSNMPStatistics(countersTestRef(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(snmp) != 35 {
		t.Errorf("%d statistics, want 35", len(snmp))
	}
	if snmp[0].Name != "dtActFailCount" || snmp[len(snmp)-1].Name != "dtUpTime" {
		t.Errorf("first/last %s/%s, want dtActFailCount/dtUpTime", snmp[0].Name, snmp[len(snmp)-1].Name)
	}
	for _, s := range snmp {
		if strings.HasPrefix(s.Name, "dttrap") {
			t.Errorf("trap %s returned as a statistic", s.Name)
		}
		if s.Description == "" {
			t.Errorf("%s: no description", s.Name)
		}
	}
}

func TestParseCounterViewColumnsReference(t *testing.T) {
	cols, err := ParseCounterViewColumns(countersTestRef(t))
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	names := map[string]bool{}
	for _, c := range cols {
		per[c.Folder]++
		names[c.Folder+"/"+c.Name] = true
	}
	if per[CounterViewFolder] != 24 || per[CounterViewSpecific] != 32 || len(per) != 2 {
		t.Errorf("columns per folder %v, want 24 folder and 32 specific", per)
	}
	// "The target IP address and port" is short enough to look like a title:
	// it must stay the description of Target route.
	for _, n := range []string{CounterViewFolder + "/Bandwidth Limit (Kbps)",
		CounterViewSpecific + "/Queued mirror (ops)", CounterViewSpecific + "/Compression"} {
		if !names[n] {
			t.Errorf("column %s not found", n)
		}
	}
	if names[CounterViewSpecific+"/The target IP address and port"] {
		t.Error("a description was read as a column")
	}
}

// countersMiniRef is a reference in miniature: a table of contents line
// that must not count as a chapter start, and one table of each kind.
const countersMiniRef = "Chapter 3 Statistics\t13\n" +
	"Chapter 3 Statistics\n\nSample DTStat output\n\n```\n=====\n1/2/3 4:5:6\n=====\n" +
	"KERNEL::Start Time: Mon Jan 1 00:00:00 2007\n  A B: 7 C : 8.5%\n```\n\n" +
	"Statistics\n\nDate/Time Stamp\n\nWhen.\n\nKernel, A B\n\nFirst.\n\nSecond.\n\n" +
	"Chapter 7 Performance Monitor\n\n- Choose one of the following Double-Take Performance Objects.\n" +
	" - Double-Take X\n\nPerformance Monitor statistics\n\nDouble-Take X\n\nSome counter\n\nThe number.\n\n" +
	"Chapter 10 SNMP\n\ndttrapA\n\nTrap.\n\nSNMP statistics\n\ndtA\n\nThe a.\n\ndtconB\n\nThe b.\n\n" +
	"Chapter 11 Other\n"

func TestCountersMiniReference(t *testing.T) {
	sample, err := ParseDTStatSample(countersMiniRef)
	if err != nil {
		t.Fatal(err)
	}
	want := []DTStatSampleLabel{{"KERNEL", "Start Time", "Mon Jan 1 00:00:00 2007"},
		{"KERNEL", "A B", "7"}, {"KERNEL", "C", "8.5%"}}
	if len(sample) != len(want) {
		t.Fatalf("sample %+v, want %+v", sample, want)
	}
	for i := range want {
		if sample[i] != want[i] {
			t.Errorf("sample[%d] = %+v, want %+v", i, sample[i], want[i])
		}
	}
	stats, err := ParseDTStatStatistics(countersMiniRef)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 2 || stats[1].Category != "Kernel" || stats[1].Label != "A B" ||
		stats[1].Description != "First.\nSecond." {
		t.Errorf("statistics %+v", stats)
	}
	perf, err := ParsePerfCounters(countersMiniRef)
	if err != nil {
		t.Fatal(err)
	}
	if len(perf) != 1 || perf[0] != (PerfCounter{"Double-Take X", "Some counter", "The number."}) {
		t.Errorf("perf %+v", perf)
	}
	snmp, err := ParseSNMPStatistics(countersMiniRef)
	if err != nil {
		t.Fatal(err)
	}
	if len(snmp) != 2 || snmp[0].Name != "dtA" || snmp[1].Description != "The b." {
		t.Errorf("snmp %+v", snmp)
	}
}

func TestCountersParseErrors(t *testing.T) {
	for name, ref := range map[string]string{
		"empty":          "",
		"toc only":       "Chapter 3 Statistics\t13\nChapter 7 Performance Monitor\t97\nChapter 10 SNMP\t110\n",
		"no tables":      "Chapter 3 Statistics\n\nChapter 4 Replication service view\n\nChapter 7 P\n\nChapter 10 SNMP\n",
		"unreadable row": "Chapter 3 Statistics\n\nSample DTStat output\n\n```\nKERNEL::%%%\n```\n",
	} {
		if _, err := ParseDTStatSample(ref); err == nil {
			t.Errorf("%s: ParseDTStatSample: no error", name)
		}
		if name == "unreadable row" {
			continue
		}
		if _, err := ParseDTStatStatistics(ref); err == nil {
			t.Errorf("%s: ParseDTStatStatistics: no error", name)
		}
		if _, err := ParsePerfCounters(ref); err == nil {
			t.Errorf("%s: ParsePerfCounters: no error", name)
		}
		if _, err := ParseSNMPStatistics(ref); err == nil {
			t.Errorf("%s: ParseSNMPStatistics: no error", name)
		}
		if _, err := ParseCounterViewColumns(ref); err == nil {
			t.Errorf("%s: ParseCounterViewColumns: no error", name)
		}
	}
}

// FuzzCountersParsers feeds arbitrary text to every counter parser: they must
// return an error or results, never panic or loop.
func FuzzCountersParsers(f *testing.F) {
	f.Add(countersMiniRef)
	f.Add("Chapter 3 S\n\nSample DTStat output\n```\nA::b: 1 c:\n```\n")
	f.Add("Chapter 10 SNMP\n\nSNMP statistics\n\ndtX\n")
	f.Fuzz(func(t *testing.T, ref string) {
		if s, err := ParseDTStatSample(ref); err == nil {
			for _, l := range s {
				if l.Section == "" || l.Label == "" {
					t.Fatalf("empty section or label in %+v", l)
				}
			}
		}
		_, _ = ParseDTStatStatistics(ref)
		_, _ = ParsePerfCounters(ref)
		_, _ = ParseSNMPStatistics(ref)
		_, _ = ParseCounterViewColumns(ref)
	})
}
