package capture

import "testing"

func TestParseMethod(t *testing.T) {
	for in, want := range map[string]Method{"": Auto, "auto": Auto, "fanotify": Fanotify, "Inotify": Inotify} {
		if got, err := ParseMethod(in); err != nil || got != want {
			t.Errorf("ParseMethod(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseMethod("polling"); err == nil {
		t.Error("ParseMethod accepted an unknown method")
	}
	for _, m := range []Method{Auto, Fanotify, Inotify} {
		if got, err := ParseMethod(m.String()); err != nil || got != m {
			t.Errorf("%v does not read back: %v, %v", m, got, err)
		}
	}
}
