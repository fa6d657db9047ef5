package refparse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Chapter 10 repeats chapter 3's numbered states for SNMP, partly without
// bullets; both must read the same.
func TestNumberedStatesAgreeAcrossChapters(t *testing.T) {
	ref := guideRef(t)
	stats, err := chapterParas(ref, statsChapterTitle, statsChapterEnd)
	if err != nil {
		t.Fatal(err)
	}
	snmp, err := chapterParas(ref, trapsChapterTitle, trapsChapterEnd)
	if err != nil {
		t.Fatal(err)
	}
	for name, snmpHeading := range map[string]string{
		"conState": "dtconState", "SourceState": "dtSourceState", "TargetState": "dtTargetState",
	} {
		a, err := numberedValues(stats, enumsNumbered[name])
		if err != nil {
			t.Fatal(err)
		}
		b, err := numberedValues(snmp, snmpHeading)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: chapter 3 %+v, chapter 10 %+v", name, a, b)
		}
	}
}

func TestNumberedValues(t *testing.T) {
	paras := []string{
		"Connection, conState", "The state of the active connection",
		"- 0—None. This indicates nothing.", "- 4—Scheduled. Waiting.", "8—Error. Lost.",
		"Only the Scheduled and Error states can coexist.",
		"Kernel, TargetState", "- 0—Target is not running", "Next heading",
	}
	got, err := numberedValues(paras, "Connection, conState")
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.EnumValue{
		{Value: 0, Name: "None", Description: "This indicates nothing."},
		{Value: 4, Name: "Scheduled", Description: "Waiting."},
		{Value: 8, Name: "Error", Description: "Lost."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	got, err = numberedValues(paras, "Kernel, TargetState")
	if err != nil || len(got) != 1 || got[0].Name != "Target is not running" || got[0].Description != got[0].Name {
		t.Errorf("TargetState: %+v, %v", got, err)
	}
	for _, heading := range []string{"Missing", "Next heading"} {
		if _, err := numberedValues(paras, heading); err == nil {
			t.Errorf("%s: no error", heading)
		}
	}
}

func TestParseEnumsReference(t *testing.T) {
	enums, err := ParseEnums(guideRef(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	sizes := map[string]int{}
	for _, e := range enums {
		names = append(names, e.Name)
		sizes[e.Name] = len(e.Values)
	}
	if !reflect.DeepEqual(names, EnumNames) {
		t.Errorf("names %q, want %q", names, EnumNames)
	}
	want := map[string]int{
		"Target Data State": 10, "Target Status": 4, "Transmit Mode": 6, "Mirror Status": 10,
		"Replication Status": 7, "Usage type": 3, "Compression": 2, "conState": 5,
		"SourceState": 3, "TargetState": 2, "Snapshot Type": 4, "Replication set attributes": 3,
	}
	if !reflect.DeepEqual(sizes, want) {
		t.Errorf("sizes %v, want %v", sizes, want)
	}
}

// A value the view describes two ways is a reference change to look at,
// not something to pick from silently.
func TestParseEnumsRejectsConflicts(t *testing.T) {
	ref := guideRef(t)
	i := strings.LastIndex(ref, "- **Paused**—The target machine is paused by user intervention.")
	if i < 0 {
		t.Fatal("fixture text not found")
	}
	changed := ref[:i] + "- **Paused**—Paused some other way." + ref[i+len("- **Paused**—The target machine is paused by user intervention."):]
	if _, err := ParseEnums(changed); err == nil {
		t.Error("conflicting descriptions accepted")
	}
}
