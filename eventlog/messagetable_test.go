package eventlog

import (
	"bytes"
	"debug/pe"
	"testing"

	"github.com/tc-hib/winres"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Every event's text comes back from the table under its identifier.
func TestMessageTableRoundTrip(t *testing.T) {
	evs, err := WindowsEvents(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	table, err := MessageTable(evs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeMessageTable(table)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(evs) {
		t.Fatalf("%d entries for %d events", len(got), len(evs))
	}
	for _, e := range evs {
		if got[e.MessageID] != e.Message+"\r\n" {
			t.Errorf("%s: 0x%08X reads %q", e.Triple(), e.MessageID, got[e.MessageID])
		}
	}
}

func TestMessageTableRejectsDuplicates(t *testing.T) {
	if _, err := EncodeMessageTable([]Message{{ID: 7, Text: "a"}, {ID: 7, Text: "b"}}); err == nil {
		t.Fatal("two texts under one identifier were accepted")
	}
}

// The committed DLL is a PE image Windows and winres read: one
// RT_MESSAGETABLE resource (name 1, US English) that resolves every event
// of every source to the reference's text.
func TestMessageDLLReadsBack(t *testing.T) {
	files, err := GeneratedFiles(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	checkMessageDLL(t, files[MessageDLLFile])
}

// checkMessageDLL reads a message DLL back with debug/pe and winres and
// checks every event's text under its identifier.
func checkMessageDLL(t *testing.T, dll []byte) {
	t.Helper()
	f, err := pe.NewFile(bytes.NewReader(dll))
	if err != nil {
		t.Fatal(err)
	}
	if f.Characteristics&pe.IMAGE_FILE_DLL == 0 || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Fatalf("not an x86-64 DLL: %+v", f.FileHeader)
	}
	rs, err := winres.LoadFromEXE(bytes.NewReader(dll))
	if err != nil {
		t.Fatal(err)
	}
	table := rs.Get(winres.RT_MESSAGETABLE, winres.ID(MessageTableName), MessageTableLanguage)
	if table == nil {
		t.Fatal("no message table")
	}
	msgs, err := DecodeMessageTable(table)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := WindowsEvents(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(evs) {
		t.Errorf("%d messages for %d events", len(msgs), len(evs))
	}
	for _, e := range evs {
		if msgs[e.MessageID] != e.Message+"\r\n" {
			t.Errorf("%s resolves to %q", e.Triple(), msgs[e.MessageID])
		}
	}
}

func FuzzDecodeMessageTable(f *testing.F) {
	good, _ := EncodeMessageTable([]Message{{ID: 1, Text: "one %1\r\n"}, {ID: 2, Text: "two\r\n"}, {ID: 9, Text: "x"}})
	f.Add(good)
	f.Add([]byte{1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 16, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := DecodeMessageTable(b)
		if err != nil {
			return
		}
		if len(msgs) > len(b) {
			t.Fatalf("%d entries from %d bytes", len(msgs), len(b))
		}
	})
}
