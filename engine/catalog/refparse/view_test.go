package refparse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// viewMini has every folder, the layouts an item takes (sentence, list,
// sentence then list), a list item a page break split, a list without bold
// marks and a list's stray closing dash.
var viewMini = "Chapter 4 Replication service view\t22\nChapter 4 Replication service view\n\n" +
	"- **Root**—See *Root items* on page 23.\n\n" +
	"Root items\n\nServer name\n\nThe name of the **server**\n\n" +
	"Connections folder items\n\nTarget Data State\n\n- **OK**—Good.\n- **Busy**—The source is low\n\non memory.\n\n" +
	"Specific connection items\n\nAttributes\n\nThe attributes.\n\n- Inc—Included\n - Exc—Excluded\n-\n\n" +
	"Replication sets folder items\n\nName\n\nThe name\n\n" +
	"Specific replication set items\n\nName\n\nThe name\n\n" +
	"Target connection entries folder items\n\nTarget Data State\n\n- **Disconnected**—Not associated.\n- **OK**—Good.\n\n" +
	"Specific target connection items\n\nType\n\n- **Manual**—By a user.\n\n" +
	"Chapter 5 Error codes\n"

func TestParseViewMini(t *testing.T) {
	got, err := ParseView(viewMini)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.ViewField{
		{Folder: "Root items", Name: "Server name", Description: "The name of the server"},
		{Folder: "Connections folder items", Name: "Target Data State", Description: "One of: OK, Busy.", Enum: "Target Data State"},
		{Folder: "Specific connection items", Name: "Attributes", Description: "The attributes.", Enum: "Replication set attributes"},
		{Folder: "Replication sets folder items", Name: "Name", Description: "The name"},
		{Folder: "Specific replication set items", Name: "Name", Description: "The name"},
		{Folder: "Target connection entries folder items", Name: "Target Data State", Description: "One of: Disconnected, OK.", Enum: "Target Data State"},
		{Folder: "Specific target connection items", Name: "Type", Description: "One of: Manual.", Enum: "Snapshot Type"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	items, err := viewParse(viewMini)
	if err != nil {
		t.Fatal(err)
	}
	if busy := items[1].values[1]; busy != (viewValue{"Busy", "The source is low on memory."}) {
		t.Errorf("split bullet read as %+v", busy)
	}
	if attrs := items[2].values; len(attrs) != 2 || attrs[1] != (viewValue{"Exc", "Excluded"}) {
		t.Errorf("attributes read as %+v", attrs)
	}
}

func TestParseViewRejects(t *testing.T) {
	for name, ref := range map[string]string{
		"missing folder": strings.Replace(viewMini, "Replication sets folder items\n", "", 1),
		"folder twice":   strings.Replace(viewMini, "Specific replication set items", "Replication sets folder items", 1),
		"unknown list":   strings.Replace(viewMini, "\nType\n", "\nKind\n", 1),
		"bullet no name": strings.Replace(viewMini, "- **Manual**—By a user.", "- **Manual** by a user.", 1),
		"no description": strings.Replace(viewMini, "The name of the **server**\n", "", 1),
		"stray bullet":   strings.Replace(viewMini, "Root items\n", "Root items\n\n- **x**—y\n", 1),
	} {
		if _, err := ParseView(ref); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseViewReference(t *testing.T) {
	fields, err := ParseView(guideRef(t))
	if err != nil {
		t.Fatal(err)
	}
	perFolder := map[string]int{}
	for _, f := range fields {
		perFolder[f.Folder]++
		if strings.ContainsAny(f.Name+f.Description, "*—") {
			t.Errorf("%s / %s: markup left in %q", f.Folder, f.Name, f.Description)
		}
	}
	want := map[string]int{
		"Root items": 6, "Connections folder items": 24, "Specific connection items": 32,
		"Replication sets folder items": 6, "Specific replication set items": 8,
		"Target connection entries folder items": 6, "Specific target connection items": 12,
	}
	if !reflect.DeepEqual(perFolder, want) {
		t.Errorf("items per folder %v, want %v", perFolder, want)
	}
}
