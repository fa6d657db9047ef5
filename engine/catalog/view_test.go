package catalog_test

import (
	"reflect"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

func TestViewFieldsMatchReference(t *testing.T) {
	want, err := refparse.ParseView(guideText(t))
	if err != nil {
		t.Fatal(err)
	}
	got := guideCatalog(t).ViewFields
	if len(got) != len(want) {
		t.Fatalf("catalog has %d view fields, reference %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("view field %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
	// Every folder is present, in the reference's order.
	var folders []string
	for _, f := range got {
		if len(folders) == 0 || folders[len(folders)-1] != f.Folder {
			folders = append(folders, f.Folder)
		}
	}
	if !reflect.DeepEqual(folders, refparse.ViewFolders) {
		t.Errorf("folders %q, want %q", folders, refparse.ViewFolders)
	}
}

func TestViewFieldEnumsExist(t *testing.T) {
	c := guideCatalog(t)
	n := 0
	for _, f := range c.ViewFields {
		if f.Enum == "" {
			continue
		}
		n++
		if _, ok := c.Enum(f.Enum); !ok {
			t.Errorf("%s / %s: enumeration %q is not in the catalog", f.Folder, f.Name, f.Enum)
		}
	}
	if n != 19 {
		t.Errorf("%d view fields name an enumeration, want 19", n)
	}
}

func TestEnumsMatchReference(t *testing.T) {
	want, err := refparse.ParseEnums(guideText(t))
	if err != nil {
		t.Fatal(err)
	}
	got := guideCatalog(t).Enums
	if !reflect.DeepEqual(got, want) {
		t.Errorf("enums.json differs from the reference:\n got  %+v\n want %+v", got, want)
	}
	for _, e := range got {
		names, values := map[string]bool{}, map[int]bool{}
		for _, v := range e.Values {
			if names[v.Name] || values[v.Value] {
				t.Errorf("%s: %d %q repeated", e.Name, v.Value, v.Name)
			}
			names[v.Name], values[v.Value] = true, true
		}
	}
}

// The reference's own numbers are kept; Disconnected, written only in the
// target connection folders, joins Target Data State after the others.
func TestEnumNumbering(t *testing.T) {
	c := guideCatalog(t)
	check := func(enum string, want map[string]int) {
		t.Helper()
		e, ok := c.Enum(enum)
		if !ok {
			t.Fatalf("%s missing", enum)
		}
		if len(e.Values) != len(want) {
			t.Errorf("%s has %d values, want %d", enum, len(e.Values), len(want))
		}
		for _, v := range e.Values {
			if w, ok := want[v.Name]; !ok || w != v.Value {
				t.Errorf("%s: %q = %d, want %d (listed %v)", enum, v.Name, v.Value, w, ok)
			}
		}
	}
	check("conState", map[string]int{"None": 0, "Active": 1, "Paused": 2, "Scheduled": 4, "Error": 8})
	check("SourceState", map[string]int{
		"Source is not running": 0, "Source is running without the replication driver": 1,
		"Source is running with the replication driver": 2,
	})
	check("TargetState", map[string]int{"Target is not running": 0, "Target is running": 1})
	check("Target Data State", map[string]int{
		"OK": 0, "Mirroring": 1, "Mirror Required": 2, "Restore Required": 3, "Snapshot Reverted": 4,
		"Busy": 5, "Not Loaded": 6, "Not Ready": 7, "Unknown": 8, "Disconnected": 9,
	})
	check("Replication set attributes", map[string]int{"Inc": 0, "Exc": 1, "Rec": 2})
}
