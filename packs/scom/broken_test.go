package scom

import (
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/packs/scom/mpcheck"
)

// breakage is a hand-made defect of one class, applied to a copy of a
// committed pack set.
type breakage struct {
	name  string
	class mpcheck.Class
	want  string // in the problem's message or element
	set   int    // index in packSets
	pack  int    // index in the set
	apply func(t *testing.T, root *etree.Element)
}

// find returns the first element matching an etree path, failing the test
// when there is none.
func find(t *testing.T, root *etree.Element, path string) *etree.Element {
	t.Helper()
	e := root.FindElement(path)
	if e == nil {
		t.Fatalf("no %s in the pack", path)
	}
	return e
}

func setAttr(t *testing.T, root *etree.Element, path, key, value string) {
	t.Helper()
	find(t, root, path).CreateAttr(key, value)
}

var breakages = []breakage{
	{"duplicate ID", mpcheck.ClassID, "more than once", 0, 0, func(t *testing.T, r *etree.Element) {
		setAttr(t, r, "Presentation/Views/View[@ID='Dtrep.View.State']", "ID", "Dtrep.View.Alerts")
	}},
	{"malformed ID", mpcheck.ClassID, "dotted identifier", 0, 0, func(t *testing.T, r *etree.Element) {
		setAttr(t, r, "Presentation/Views/View[@ID='Dtrep.View.State']", "ID", "Dtrep.View.4State")
	}},
	{"unknown library element", mpcheck.ClassReference, "not an element of Microsoft.Windows.Library", 0, 0,
		func(t *testing.T, r *etree.Element) {
			setAttr(t, r, "Monitoring/Rules/Rule/DataSources/DataSource", "TypeID", "Windows!Microsoft.Windows.EventProviderX")
		}},
	{"internal library element", mpcheck.ClassReference, "not public", 0, 0, func(t *testing.T, r *etree.Element) {
		setAttr(t, r, "Monitoring/Discoveries/Discovery/DataSource", "TypeID",
			"Windows!Microsoft.Windows.Win32ServiceDiscoveryProvider.Internal")
	}},
	{"undeclared alias", mpcheck.ClassReference, "alias Healthy", 0, 0, func(t *testing.T, r *etree.Element) {
		setAttr(t, r, "Monitoring/Rules/Rule/WriteActions/WriteAction", "TypeID", "Healthy!System.Health.GenerateAlert")
	}},
	{"unused alias", mpcheck.ClassReference, "never used", 0, 0, func(t *testing.T, r *etree.Element) {
		refs := find(t, r, "Manifest/References")
		extra := refs.SelectElement("Reference").Copy()
		extra.CreateAttr("Alias", "Spare")
		refs.AddChild(extra)
	}},
	{"local reference of the wrong kind", mpcheck.ClassReference, "names a Discovery", 0, 0,
		func(t *testing.T, r *etree.Element) {
			setAttr(t, r, "Monitoring/Rules/Rule", "Target", "Dtrep.Server.Discovery")
		}},
	{"missing class property", mpcheck.ClassReference, "no property ProductVersio", 0, 0,
		func(t *testing.T, r *etree.Element) {
			setAttr(t, r, "Monitoring/Discoveries/Discovery/DiscoveryTypes/DiscoveryClass/Property", "PropertyID", "ProductVersio")
		}},
	{"sibling class made internal", mpcheck.ClassReference, "not public", 1, 0, func(t *testing.T, r *etree.Element) {
		setAttr(t, r, "TypeDefinitions/EntityTypes/ClassTypes/ClassType[@ID='Dtrep.Server']", "Accessibility", "Internal")
	}},
	{"configuration value out of range", mpcheck.ClassConfig, "Severity", 0, 0, func(t *testing.T, r *etree.Element) {
		find(t, r, "Monitoring/Rules/Rule/WriteActions/WriteAction/Severity").SetText("7")
	}},
	{"configuration element missing", mpcheck.ClassConfig, "Expression", 0, 0, func(t *testing.T, r *etree.Element) {
		ds := find(t, r, "Monitoring/Rules/Rule/DataSources/DataSource")
		ds.RemoveChild(ds.SelectElement("LogName"))
	}},
	{"own module type configuration", mpcheck.ClassConfig, "Operator", 0, 0, func(t *testing.T, r *etree.Element) {
		find(t, r, "Monitoring/Rules/Rule/DataSources/DataSource[@TypeID='Dtrep.Performance.ThresholdDataSource']/Operator").
			SetText("Above")
	}},
	{"view criteria", mpcheck.ClassConfig, "StateRange", 0, 0, func(t *testing.T, r *etree.Element) {
		setAttr(t, r, "Presentation/Views/View/Criteria/ResolutionState/StateRange", "Operator", "Unlike")
	}},
	{"children out of order", mpcheck.ClassOrder, "Category comes after", 0, 0, func(t *testing.T, r *etree.Element) {
		rule := find(t, r, "Monitoring/Rules/Rule")
		cat := rule.SelectElement("Category")
		rule.RemoveChild(cat)
		rule.AddChild(cat)
	}},
	{"sections out of order", mpcheck.ClassOrder, "TypeDefinitions comes after", 0, 0, func(t *testing.T, r *etree.Element) {
		td := find(t, r, "TypeDefinitions")
		r.RemoveChild(td)
		r.InsertChildAt(find(t, r, "Presentation").Index(), td)
	}},
	{"missing display string", mpcheck.ClassDisplay, "no display string", 0, 0, func(t *testing.T, r *etree.Element) {
		ds := find(t, r, "LanguagePacks/LanguagePack/DisplayStrings/DisplayString[@ElementID='Dtrep.View.Events']")
		ds.Parent().RemoveChild(ds)
	}},
	{"alert message asks for a parameter not passed", mpcheck.ClassAlert, "uses {1}", 0, 0,
		func(t *testing.T, r *etree.Element) {
			id := strings.TrimSuffix(strings.TrimPrefix(
				find(t, r, "Monitoring/Rules/Rule/WriteActions/WriteAction/AlertMessageId").Text(), `$MPElement[Name="`), `"]$`)
			find(t, r, "LanguagePacks/LanguagePack/DisplayStrings/DisplayString[@ElementID='"+id+"']/Description").
				SetText("{0} on {1}")
		}},
	{"alert passes a parameter the message ignores", mpcheck.ClassAlert, "not used", 0, 0,
		func(t *testing.T, r *etree.Element) {
			find(t, r, "Monitoring/Rules/Rule/WriteActions/WriteAction/AlertParameters").
				CreateElement("AlertParameter2").SetText("$Data/EventNumber$")
		}},
	{"alert message that is not a string resource", mpcheck.ClassAlert, "not a string resource", 0, 0,
		func(t *testing.T, r *etree.Element) {
			find(t, r, "Monitoring/Rules/Rule/WriteActions/WriteAction/AlertMessageId").
				SetText(`$MPElement[Name="Dtrep.View.Alerts"]$`)
		}},
	{"knowledge that is not MAML", mpcheck.ClassKnowledge, "not valid MAML", 0, 0, func(t *testing.T, r *etree.Element) {
		find(t, r, "LanguagePacks/LanguagePack/KnowledgeArticles/KnowledgeArticle/MamlContent/maml:section/maml:para").
			Tag = "paragraph"
	}},
	{"alert without knowledge", mpcheck.ClassKnowledge, "no knowledge article", 0, 0, func(t *testing.T, r *etree.Element) {
		ka := find(t, r, "LanguagePacks/LanguagePack/KnowledgeArticles/KnowledgeArticle")
		ka.Parent().RemoveChild(ka)
	}},
	{"no default language pack", mpcheck.ClassLanguage, "0 default language packs", 0, 0,
		func(t *testing.T, r *etree.Element) {
			setAttr(t, r, "LanguagePacks/LanguagePack", "IsDefault", "false")
		}},
	{"monitor type state left unmapped", mpcheck.ClassMonitor, "SecondEventRaised is mapped 0 times", 0, 0,
		func(t *testing.T, r *etree.Element) {
			st := find(t, r, "Monitoring/Monitors/UnitMonitor/OperationalStates/OperationalState[@MonitorTypeStateID='SecondEventRaised']")
			st.CreateAttr("MonitorTypeStateID", "FirstEventRaised")
		}},
	{"folder outside the Monitoring pane", mpcheck.ClassFolder, "does not lead", 1, 3, func(t *testing.T, r *etree.Element) {
		setAttr(t, r, "Presentation/Folders/Folder", "ParentFolder", "SC!Microsoft.SystemCenter.ViewFolder.Root")
	}},
}

// smallPacks generates the packs for a few events (the monitors' among
// them, and an ID two sources share) and every counter: the same code and
// structure as the committed packs at a tenth of their size, so each broken
// copy checks quickly.
func smallPacks(t *testing.T) map[string][]byte {
	cat := catalog.Must()
	in, err := DefaultInputs(cat)
	if err != nil {
		t.Fatal(err)
	}
	keep := map[int]bool{1: true, 4007: true, 4010: true, 4011: true, 4026: true, 4027: true, 4072: true, 4097: true}
	var events []Event
	for _, e := range in.Events {
		if keep[e.ID] {
			events = append(events, e)
		}
	}
	in.Events = events
	files, err := Generate(cat, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Each class of defect the checker knows is caught on a hand-broken copy of
// generated packs, and the intact copy passes.
func TestCheckerCatchesBrokenCopies(t *testing.T) {
	c := newChecker(t)
	files := smallPacks(t)
	setOf := func(i int) [][]byte {
		var out [][]byte
		for _, f := range packSets[i] {
			out = append(out, files[f])
		}
		return out
	}
	for i := range packSets {
		problems, err := c.Check(setOf(i)...)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("intact copy: %v", p)
		}
	}
	classes := map[mpcheck.Class]bool{}
	for _, b := range breakages {
		t.Run(b.name, func(t *testing.T) {
			set := setOf(b.set)
			doc := etree.NewDocument()
			if err := doc.ReadFromBytes(set[b.pack]); err != nil {
				t.Fatal(err)
			}
			b.apply(t, doc.Root())
			broken, err := doc.WriteToBytes()
			if err != nil {
				t.Fatal(err)
			}
			set[b.pack] = broken
			problems, err := c.Check(set...)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				if p.Class == b.class && strings.Contains(p.Message+" "+p.Element, b.want) {
					classes[b.class] = true
					return
				}
			}
			t.Errorf("no %s problem mentioning %q; found %v", b.class, b.want, problems)
		})
	}
	for _, class := range []mpcheck.Class{mpcheck.ClassID, mpcheck.ClassReference, mpcheck.ClassConfig,
		mpcheck.ClassOrder, mpcheck.ClassDisplay, mpcheck.ClassAlert, mpcheck.ClassKnowledge,
		mpcheck.ClassLanguage, mpcheck.ClassFolder, mpcheck.ClassMonitor} {
		if !classes[class] {
			t.Errorf("no breakage shows the checker catching %s problems", class)
		}
	}
}
