package refparse

import (
	"reflect"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

const errorsMini = "Chapter 5 Error codes\t36\nChapter 5 Error codes\n\nThe following table.\n\n" +
	"- 1 Unknown error code (generated when a command failed)\n- 101 Invalid parameter was supplied\n\n" +
	" - 230 Transactional NTFS (TxF) SavePoints are not supported\n-\n\nChapter 6 Windows Event messages\n"

func TestParseErrorsMini(t *testing.T) {
	got, err := ParseErrors(errorsMini)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.ErrorCode{
		{Code: 1, Message: "Unknown error code", Note: "generated when a command failed"},
		{Code: 101, Message: "Invalid parameter was supplied"},
		{Code: 230, Message: "Transactional NTFS (TxF) SavePoints are not supported"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseErrorsRejects(t *testing.T) {
	for name, ref := range map[string]string{
		"duplicate": "Chapter 5 Error codes\n- 1 A\n- 1 B\nChapter 6 x\n",
		"none":      "Chapter 5 Error codes\nnothing\nChapter 6 x\n",
		"missing":   "Chapter 4 x\n",
	} {
		if _, err := ParseErrors(ref); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestErrorsSplitNote(t *testing.T) {
	cases := []struct{ in, msg, note string }{
		{"Plain", "Plain", ""},
		{"Msg (note)", "Msg", "note"},
		{"Msg (note (nested))", "Msg", "note (nested)"},
		{"A (B) C", "A (B) C", ""},
		{"(only)", "(only)", ""},
		{"odd)", "odd)", ""},
		{"Msg (requires IE 5.0 (or later).)", "Msg", "requires IE 5.0 (or later)."},
	}
	for _, tc := range cases {
		if msg, note := errorsSplitNote(tc.in); msg != tc.msg || note != tc.note {
			t.Errorf("errorsSplitNote(%q) = %q, %q; want %q, %q", tc.in, msg, note, tc.msg, tc.note)
		}
	}
}

func TestParseErrorsReference(t *testing.T) {
	codes, err := ParseErrors(guideRef(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 170 {
		t.Fatalf("%d codes, want 170", len(codes))
	}
	if codes[0].Code != 1 || codes[len(codes)-1].Code != 3004 {
		t.Errorf("first %d, last %d; want 1 and 3004", codes[0].Code, codes[len(codes)-1].Code)
	}
}
