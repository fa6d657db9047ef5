package catalog_test

import (
	"reflect"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestRender(t *testing.T) {
	cases := []struct {
		msg  string
		args []string
		want string
	}{
		{"no inserts", []string{"x"}, "no inserts"},
		{"to %1 (%2) for %3", []string{"t", "10.0.0.1", "set"}, "to t (10.0.0.1) for set"},
		{"to %1 (%2) for %3", []string{"t"}, "to t (%2) for %3"},   // missing args stay
		{"%3 of %1 by %3", []string{"a", "b", "c"}, "c of a by c"}, // reused, out of order
		{"line%n%1%n", []string{"x"}, "line%nx%n"},                 // %n is not an insert
		{"%10 and %1", []string{"a"}, "%10 and a"},                 // %10 is not %1 then 0
		{"%0 %", []string{"a"}, "%0 %"},
		{"100%", nil, "100%"},
		{"%1 and %1%2", []string{"%2", "y"}, "%2 and %2y"}, // args are not re-expanded
		{"%1", []string{""}, ""},
	}
	for _, tc := range cases {
		if got := (catalog.Event{Message: tc.msg}).Render(tc.args...); got != tc.want {
			t.Errorf("Render(%q, %q) = %q, want %q", tc.msg, tc.args, got, tc.want)
		}
	}
	// A real template with six points.
	c := guideCatalog(t)
	e, ok := c.Event("Double-Take", 4202)
	if !ok {
		t.Fatal("4202 missing")
	}
	got := e.Render("pre", "s.bat", "7", "src", "admin", "noon")
	if want := "Running pre in band script: s.bat (task 7 submitted from src by admin at noon)"; got != want {
		t.Errorf("4202: %q, want %q", got, want)
	}
}

func TestConStateNames(t *testing.T) {
	cases := []struct {
		v    int
		want []string
	}{
		{0, []string{"None"}},
		{1, []string{"Active"}},
		{2, []string{"Paused"}},
		{4, []string{"Scheduled"}},
		{8, []string{"Error"}},
		{12, []string{"Scheduled", "Error"}},
		{17, []string{"Active", "16"}},
	}
	for _, tc := range cases {
		if got := catalog.ConStateNames(tc.v); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ConStateNames(%d) = %q, want %q", tc.v, got, tc.want)
		}
	}
	for v, want := range map[int]bool{0: true, 1: true, 2: true, 4: true, 8: true, 12: true, 3: false, 6: false, 16: false, -1: false} {
		if got := catalog.ConStateValid(v); got != want {
			t.Errorf("ConStateValid(%d) = %v, want %v", v, got, want)
		}
	}
	// The names and bits are the reference's.
	e, ok := guideCatalog(t).Enum("conState")
	if !ok {
		t.Fatal("conState missing")
	}
	for _, v := range e.Values {
		if got := catalog.ConStateNames(v.Value); len(got) != 1 || got[0] != v.Name {
			t.Errorf("ConStateNames(%d) = %q, reference says %q", v.Value, got, v.Name)
		}
	}
}

func TestEventsByIDUnknown(t *testing.T) {
	if got := guideCatalog(t).EventsByID(99999); got != nil {
		t.Errorf("EventsByID(99999) = %v, want nil", got)
	}
}
