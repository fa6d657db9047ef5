package capture

import "testing"

func TestFanDirs(t *testing.T) {
	d := newFanDirs("R")
	d.set("A", "a")
	d.set("B", "a/b")
	d.set("C", "a/b/c")
	d.set("X", "x")
	want := func(key, rel string, ok bool) {
		t.Helper()
		if got, found := d.path(key); got != rel || found != ok {
			t.Errorf("path(%s) = %q, %v; want %q, %v", key, got, found, rel, ok)
		}
	}
	want("R", "", true)
	want("C", "a/b/c", true)
	d.move("a/b", "x/moved") // below it moves along
	want("B", "x/moved", true)
	want("C", "x/moved/c", true)
	want("A", "a", true)
	d.move("a", "x/moved") // replaces what was there
	want("A", "x/moved", true)
	want("B", "", false)
	want("C", "", false)
	d.set("A2", "x/moved") // another directory under that name now
	want("A", "", false)
	want("A2", "x/moved", true)
	d.drop("x")
	want("X", "", false)
	want("A2", "", false)
	want("R", "", true)
	if len(d.byKey) != 1 {
		t.Errorf("handles left after dropping everything: %v", d.byKey)
	}
}
