package refparse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

const trapsMini = "Chapter 10 SNMP\t110\nChapter 10 SNMP\n\n- *SNMP traps* on page 112\n\n" +
	"SNMP traps\n\nThe following table lists the Double-Take SNMP traps.\n\n" +
	"dttrapKernelStarted\n\nDouble-Take has started\n\n" +
	"dttrapAutoDisconnectPauseTransmission\n\nAuto-disconnect requested that the source pause\nsending any operations\n\n" +
	"SNMP statistics\n\ndtActFailCount\n\nThe number of license key errors\n\nChapter 11 Server and job settings\n"

func TestParseTrapsMini(t *testing.T) {
	got, err := ParseTraps(trapsMini)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Trap{
		{Name: "dttrapKernelStarted", Description: "Double-Take has started"},
		{Name: "dttrapAutoDisconnectPauseTransmission", Description: "Auto-disconnect requested that the source pause sending any operations"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseTrapsRejects(t *testing.T) {
	for name, ref := range map[string]string{
		"no section":     strings.Replace(trapsMini, "SNMP traps\n", "Traps\n", 1),
		"duplicate":      strings.Replace(trapsMini, "dttrapAutoDisconnectPauseTransmission", "dttrapKernelStarted", 1),
		"no description": strings.Replace(trapsMini, "Double-Take has started\n", "", 1),
		"no traps":       "Chapter 10 SNMP\nSNMP traps\nSNMP statistics\nChapter 11 x\n",
	} {
		if _, err := ParseTraps(ref); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseTrapsReference(t *testing.T) {
	traps, err := ParseTraps(guideRef(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(traps) != 40 {
		t.Fatalf("%d traps, want 40", len(traps))
	}
	if traps[0].Name != "dttrapAutoDisconnectEndConnection" || traps[39].Name != "dttrapVerificationStart" {
		t.Errorf("first %s, last %s", traps[0].Name, traps[39].Name)
	}
	for _, tr := range traps {
		if strings.HasPrefix(tr.Description, "dt") || tr.Events != nil {
			t.Errorf("%s: %+v", tr.Name, tr)
		}
	}
}
