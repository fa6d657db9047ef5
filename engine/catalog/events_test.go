package catalog_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

// guidePath is the committed copy of the reference; guideSpecPath the
// shared original it was copied from, present on development machines.
const (
	guidePath     = "testdata/reference-guide-7.1.txt"
	guideSpecPath = "/work/shared/spec/reference-guide-7.1.txt"
)

func guideText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(guidePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func guideCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The committed copy must be the reference itself, or the cross-checks
// below would prove agreement with the wrong text.
func TestGuideCopyMatchesSpec(t *testing.T) {
	spec, err := os.ReadFile(guideSpecPath)
	if errors.Is(err, fs.ErrNotExist) {
		return // nothing to compare with on this machine
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(spec, []byte(guideText(t))) {
		t.Fatalf("%s differs from %s", guidePath, guideSpecPath)
	}
}

func TestEventsMatchReference(t *testing.T) {
	want, err := refparse.ParseEvents(guideText(t))
	if err != nil {
		t.Fatal(err)
	}
	got := guideCatalog(t).Events
	if len(want) != 278 {
		t.Errorf("reference parses to %d events, want 278", len(want))
	}
	if len(got) != len(want) {
		t.Fatalf("catalog has %d events, reference %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("event %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
}

func TestEventsFieldValues(t *testing.T) {
	insert := regexp.MustCompile(`%([0-9]+)`)
	levels := map[catalog.Level]bool{
		catalog.LevelError: true, catalog.LevelWarning: true,
		catalog.LevelInformation: true, catalog.LevelSuccess: true,
	}
	for _, e := range guideCatalog(t).Events {
		if !levels[e.Level] {
			t.Errorf("%s: level %q", e.Key(), e.Level)
		}
		if e.Log != "Application" && e.Log != "System" {
			t.Errorf("%s: log %q", e.Key(), e.Log)
		}
		if len(e.Sources) == 0 || e.Sources[0] != e.Source {
			t.Errorf("%s: sources %q do not start with the source", e.Key(), e.Sources)
		}
		distinct := map[string]bool{}
		for _, m := range insert.FindAllStringSubmatch(e.Message, -1) {
			distinct[m[1]] = true
		}
		if e.Inserts != len(distinct) {
			t.Errorf("%s: inserts %d, message has %d", e.Key(), e.Inserts, len(distinct))
		}
		// Artefacts of the text conversion or of a parse that ran fields
		// together.
		for _, s := range []string{e.Message, e.Action} {
			if s == "" || s != strings.TrimSpace(s) || strings.Contains(s, "  ") ||
				strings.ContainsAny(s, "*—\n") || strings.Contains(s, "Event log") ||
				strings.Contains(s, "Type or Level") {
				t.Errorf("%s: suspicious text %q", e.Key(), s)
			}
		}
	}
}

// The reference gives these five IDs to two messages each, and four of the
// pairs share a source; the counts per source follow from the reference.
func TestEventsRepeatedIDs(t *testing.T) {
	c := guideCatalog(t)
	perID := map[int]int{}
	for _, e := range c.Events {
		perID[e.ID]++
	}
	var repeated []int
	for _, e := range c.Events {
		if perID[e.ID] > 1 && (len(repeated) == 0 || repeated[len(repeated)-1] != e.ID) {
			repeated = append(repeated, e.ID)
		}
	}
	if want := []int{4097, 4098, 4099, 8192, 10000}; !reflect.DeepEqual(repeated, want) {
		t.Errorf("repeated IDs %v, want %v", repeated, want)
	}
	for id, n := range perID {
		if got := len(c.EventsByID(id)); got != n {
			t.Errorf("EventsByID(%d) returns %d events, want %d", id, got, n)
		}
	}
}

func TestEventLookup(t *testing.T) {
	c := guideCatalog(t)
	cases := []struct {
		source string
		id     int
		prefix string // of the message found; "" when none is
	}{
		{"Double-Take", 4019, "Service has started a mirror"},
		{"RepDrv", 4099, "The driver detected a hard link"},
		{"RepKap", 4099, "The driver failed to register"},
		{"RepSis", 4097, "Failed to initialize WMI support"},
		{"RepDac", 4098, "The control device"},
		// Shared keys name the first message listed.
		{"RepDrv", 4097, "Failed to initialize WMI support"},
		{"RepKap", 4098, "The registry parameters failed to load"},
		{"RepHsm", 8192, "Driver failed to allocate Kernel memory"},
		{"Double-Take", 10000, "This message is only a placeholder"},
		{"Double-Take", 4096, ""}, // 4096 is RepDrv's
		{"Double-Take", 99999, ""},
	}
	for _, tc := range cases {
		e, ok := c.Event(tc.source, tc.id)
		if ok != (tc.prefix != "") || !strings.HasPrefix(e.Message, tc.prefix) {
			t.Errorf("Event(%q, %d) = %q, %v; want prefix %q", tc.source, tc.id, e.Message, ok, tc.prefix)
		}
	}
	// Every event is reachable by ID, and by each of its sources unless
	// an earlier message holds that key.
	held := map[catalog.EventKey]bool{}
	for _, e := range c.Events {
		found := false
		for _, o := range c.EventsByID(e.ID) {
			found = found || o.Message == e.Message && o.Source == e.Source
		}
		if !found {
			t.Errorf("%s not among EventsByID(%d)", e.Key(), e.ID)
		}
		for _, s := range e.Sources {
			k := catalog.EventKey{Source: s, ID: e.ID}
			if held[k] {
				continue
			}
			held[k] = true
			if got, ok := c.Event(s, e.ID); !ok || got.Message != e.Message {
				t.Errorf("Event(%q, %d) does not find %q", s, e.ID, e.Message)
			}
		}
	}
}
