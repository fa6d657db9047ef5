package mib

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/testtool"
)

func TestCommittedMIBIsGenerated(t *testing.T) {
	want, err := Generate(catalog.Must(), "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(FileName)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what the catalog generates: run go generate ./mib", FileName)
	}
}

// smilint exits 0 on errors: the gate is an empty output.
func TestSmilint(t *testing.T) {
	smilint := testtool.Path(t, "smilint")
	ietf := ietfDir(t)
	for _, base := range []string{"", "1.3.6.1.4.1.99999.7.3"} {
		b, err := Generate(catalog.Must(), base)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(smilint, "-m", "-s", "-l", "6", "-I", "namelength-32", path)
		cmd.Env = append(snmpEnv(t), "SMIPATH="+ietf)
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("smilint (base %q): %v\n%s", base, err, out)
		}
	}
}

// snmptranslate loads the module without a word on stderr and places every
// object and notification where the layout says.
func TestSnmptranslate(t *testing.T) {
	translate := testtool.Path(t, "snmptranslate")
	ietf := ietfDir(t)
	dir := t.TempDir()
	b, err := Generate(catalog.Must(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	env := snmpEnv(t)
	cmd := exec.Command(translate, "-M", ietf+":"+dir, "-m", ModuleName, "-Tp")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("snmptranslate -Tp: %v\n%s", err, stderr.String())
	}

	l := defaultLayout(t)
	args := []string{"-M", ietf + ":" + dir, "-m", ModuleName, "-On"}
	var want []string
	for _, o := range l.Objects {
		args = append(args, ModuleName+"::"+o.Name)
		want = append(want, "."+o.OID.String())
	}
	for _, n := range l.Notifications {
		args = append(args, ModuleName+"::"+n.Name)
		want = append(want, "."+n.OID.String())
	}
	cmd = exec.Command(translate, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("snmptranslate -On: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("snmptranslate places objects at\n%v\nwant\n%v", got, want)
	}
}

func defaultLayout(t *testing.T) *Layout {
	t.Helper()
	cat := catalog.Must()
	base, err := ParseEnterprise(DefaultEnterprise(cat))
	if err != nil {
		t.Fatal(err)
	}
	l, err := Build(cat, base)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// smilint does not check descriptors for hyphens; SMIv2 wants letters and
// digits starting with a lower-case letter, at most 64 characters. (Three
// of the reference's trap names pass 32, the length old managers handle:
// they stay as written, which is why smilint runs with -I namelength-32.)
var descriptor = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

func TestDescriptors(t *testing.T) {
	l := defaultLayout(t)
	var names []string
	for _, o := range l.Objects {
		names = append(names, o.Name)
		for _, e := range o.Enum {
			names = append(names, e.Label)
		}
	}
	for _, n := range l.Notifications {
		names = append(names, n.Name)
	}
	for _, n := range names {
		if !descriptor.MatchString(n) || len(n) > 64 {
			t.Errorf("descriptor %q", n)
		}
	}
}

// Every statistic of chapter 10 (35, with dtCurrentMemoryUsageMB) and every
// trap (40) is in the module under the reference's name.
func TestLayoutCoversChapter10(t *testing.T) {
	cat := catalog.Must()
	l := defaultLayout(t)
	want := map[string]bool{"dtCurrentMemoryUsageMB": true}
	for _, c := range cat.Counters {
		if c.SNMPObject != "" {
			want[c.SNMPObject] = true
		}
	}
	if len(want) != 35 {
		t.Fatalf("catalog has %d SNMP statistics, want 35", len(want))
	}
	for n := range want {
		o, ok := l.Object(n)
		if !ok || o.Access != ReadOnly {
			t.Errorf("%s: missing or not readable (%+v)", n, o)
		}
	}
	if len(l.Notifications) != 40 || len(cat.Traps) != 40 {
		t.Fatalf("%d notifications for %d catalog traps, want 40", len(l.Notifications), len(cat.Traps))
	}
	for i, tr := range cat.Traps {
		n := l.Notifications[i]
		if n.Name != tr.Name || !n.OID[:len(n.OID)-1].Equal(l.Base.Append(0)) {
			t.Errorf("notification %d: %s at %s, want %s under %s.0", i, n.Name, n.OID, tr.Name, l.Base)
		}
		if len(n.Objects) != len(trapObjectArcs) {
			t.Errorf("%s carries %v", n.Name, n.Objects)
		}
	}
}

// The Counter64 objects sit beside each wrapping byte counter, and the
// 32-bit objects keep the reference's types.
func TestHighCapacityObjects(t *testing.T) {
	l := defaultLayout(t)
	for _, o := range l.Objects {
		if o.Type == TypeCounter32 && o.Units == "bytes" {
			hc, ok := l.Object(o.Name + "64")
			if !ok || hc.Type != TypeCounter64 || hc.Counter != o.Counter || hc.Parent != o.Parent {
				t.Errorf("%s: no Counter64 form beside it (%+v)", o.Name, hc)
			}
		}
		if o.Type == TypeCounter64 && o.Group != GroupHighCapacity {
			t.Errorf("%s: Counter64 outside %s", o.Name, GroupHighCapacity)
		}
	}
	if len(l.Columns()) != len(columnArcs)-1 {
		t.Errorf("%d readable columns, want every column but the index", len(l.Columns()))
	}
}

// Each event sends at most one trap; dtrep's own readings only cover traps
// the catalog gives no event and name events the catalog has.
func TestTrapEvents(t *testing.T) {
	cat := catalog.Must()
	catalogEvents := map[catalog.EventKey]string{}
	for _, tr := range cat.Traps {
		for _, k := range tr.Events {
			catalogEvents[k] = tr.Name
		}
	}
	seen := map[catalog.EventKey]string{}
	for name, keys := range extraTrapEvents {
		tr, _ := cat.Trap(name)
		if len(tr.Events) != 0 {
			t.Errorf("%s: the catalog already names its events %v", name, tr.Events)
		}
		for _, k := range keys {
			if _, ok := cat.Event(k.Source, k.ID); !ok {
				t.Errorf("%s: event %s is not in the catalog", name, k)
			}
			if other, ok := catalogEvents[k]; ok {
				t.Errorf("%s: event %s already sends %s", name, k, other)
			}
			if other, ok := seen[k]; ok {
				t.Errorf("%s: event %s already sends %s", name, k, other)
			}
			seen[k] = name
		}
	}
	m := defaultLayout(t).TrapEvents()
	if m[catalog.EventKey{Source: "Double-Take", ID: 4016}] != "dttrapConnectionSucceeded" ||
		m[catalog.EventKey{Source: "Double-Take", ID: 4015}] != "dttrapConnectionPause" {
		t.Errorf("TrapEvents: %v", m)
	}
}

func TestParseEnterprise(t *testing.T) {
	for _, ok := range []string{"1.3.6.1.4.1.32473", ".1.3.6.1.4.1.1.2", " 1.3.6.1.4.1.4294967295 "} {
		if _, err := ParseEnterprise(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1.3.6.1.4.1", "1.3.6.1.2.1.1", "1.3.6.1.4.1.x", "1.3.6.1.4.1.4294967296",
		"1.3.6.1.4.1..5", "1.3.6.1.4.1." + strings.Repeat("1.", 60) + "1"} {
		_, err := ParseEnterprise(bad)
		if catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("%q: %v, want code %d", bad, err, catalog.CodeInvalidParameter)
		}
	}
}

// The arc tables are checked against the catalog both ways.
func TestBuildRefusesStrayArcs(t *testing.T) {
	cat := catalog.Must()
	base := OID{1, 3, 6, 1, 4, 1, 32473}
	saved := scalarArcs
	defer func() { scalarArcs = saved }()

	scalarArcs = append(saved[:len(saved):len(saved)], objectArc{Arc: 99, Name: "dtNoSuchThing"})
	if _, err := Build(cat, base); err == nil {
		t.Error("an arc for an object the catalog lacks was accepted")
	}
	scalarArcs = saved[1:]
	if _, err := Build(cat, base); err == nil {
		t.Error("a catalog object without an arc was accepted")
	}
	scalarArcs = append(saved[:len(saved):len(saved)], saved[0])
	if _, err := Build(cat, base); err == nil {
		t.Error("an object with two arcs was accepted")
	}
}

func FuzzParseEnterprise(f *testing.F) {
	for _, s := range []string{"1.3.6.1.4.1.32473", "", ".", "1..2", "1.3.6.1.4.1.99999.7.3", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseEnterprise(s)
		if err != nil {
			return
		}
		again, err := ParseEnterprise(o.String())
		if err != nil || !again.Equal(o) {
			t.Fatalf("%q -> %s does not read back: %v", s, o, err)
		}
		if _, err := Build(catalog.Must(), o); err != nil {
			t.Fatalf("%s: %v", o, err)
		}
	})
}
