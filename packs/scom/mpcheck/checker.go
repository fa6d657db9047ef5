package mpcheck

import (
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// Class is a kind of defect, one per thing the importer refuses.
type Class string

const (
	ClassID        Class = "id"             // duplicate or malformed element IDs
	ClassReference Class = "reference"      // alias, missing or non-public element, wrong kind, unused alias
	ClassConfig    Class = "configuration"  // module configuration against its type's schema
	ClassOrder     Class = "order"          // child elements out of the importer's order, or unknown
	ClassDisplay   Class = "display-string" // an element without a display string
	ClassAlert     Class = "alert-message"  // alert message and parameters disagree
	ClassKnowledge Class = "knowledge"      // knowledge that is not MAML, or an alert without knowledge
	ClassLanguage  Class = "language-pack"  // not exactly one default language pack
	ClassFolder    Class = "folder"         // a view folder outside the Monitoring tree
	ClassMonitor   Class = "monitor-states" // unit monitor states that do not cover its type's
)

// Problem is one defect found in a pack.
type Problem struct {
	Pack    string
	Class   Class
	Element string
	Message string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s: %s", p.Pack, p.Class, p.Element, p.Message)
}

// Checker checks packs against the library packs they reference.
type Checker struct {
	libs    map[string]*packIndex
	packs   map[string]*packIndex // libraries and the packs under check
	xmllint string
	found   []Problem
	cur     *packIndex
}

// New loads the library packs of dir (the sealed packs generated packs may
// reference) and finds xmllint, which validates configurations and MAML.
func New(libraryDir string) (*Checker, error) {
	libs, err := loadLibraries(libraryDir)
	if err != nil {
		return nil, err
	}
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		return nil, fmt.Errorf("xmllint (Debian package libxml2-utils) validates module configurations: %w", err)
	}
	return &Checker{libs: libs, xmllint: lint}, nil
}

// Check checks a set of packs imported together, in dependency order: a
// pack may reference the library packs and the packs before it. It returns
// every problem found; an error means the check itself could not run.
func (c *Checker) Check(packs ...[]byte) ([]Problem, error) {
	c.found = nil
	c.packs = map[string]*packIndex{}
	for id, l := range c.libs {
		c.packs[id] = l
	}
	var parsed []*packIndex
	for i, b := range packs {
		p, err := parsePack(b)
		if err != nil {
			return nil, fmt.Errorf("pack %d: %w", i+1, err)
		}
		if _, dup := c.packs[p.id]; dup {
			return nil, fmt.Errorf("pack %s given twice or named like a library", p.id)
		}
		c.packs[p.id] = p
		parsed = append(parsed, p)
	}
	var configs []configInstance
	var articles []article
	for _, p := range parsed {
		c.cur = p
		c.checkIDs(p)
		c.checkOrder(p.root)
		c.checkReferences(p)
		c.checkLanguagePacks(p)
		c.checkFolders(p)
		c.checkAlerts(p)
		c.checkMonitorStates(p)
		configs = append(configs, c.configInstances(p)...)
		for _, ka := range p.root.FindElements("LanguagePacks/LanguagePack/KnowledgeArticles/KnowledgeArticle") {
			articles = append(articles, article{p, ka})
		}
	}
	if err := c.validateConfigs(configs); err != nil {
		return nil, err
	}
	if err := c.validateMAML(articles); err != nil {
		return nil, err
	}
	return c.found, nil
}

func (c *Checker) report(class Class, elem, format string, args ...any) {
	c.found = append(c.found, Problem{Pack: c.cur.id, Class: class, Element: elem, Message: fmt.Sprintf(format, args...)})
}

// idSyntax is the conservative form of an element ID: dotted identifiers.
var idSyntax = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

func (c *Checker) checkIDs(p *packIndex) {
	for _, id := range p.dups {
		c.report(ClassID, id, "ID defined more than once")
	}
	if !idSyntax.MatchString(p.id) {
		c.report(ClassID, p.id, "pack ID is not a dotted identifier")
	}
	for id := range p.elems {
		if !idSyntax.MatchString(id) {
			c.report(ClassID, id, "ID is not a dotted identifier")
		}
		if _, clash := p.elems[id]; clash && id == p.id {
			c.report(ClassID, id, "element named like its pack")
		}
	}
}

func (c *Checker) checkLanguagePacks(p *packIndex) {
	var defaults []*etree.Element
	for _, lp := range p.root.FindElements("LanguagePacks/LanguagePack") {
		if lp.SelectAttrValue("IsDefault", "false") == "true" {
			defaults = append(defaults, lp)
		}
	}
	if len(defaults) != 1 {
		c.report(ClassLanguage, p.id, "%d default language packs, want exactly one", len(defaults))
		return
	}
	named := map[string]bool{p.id: true}
	subs := map[[2]string]bool{}
	for _, d := range defaults[0].FindElements("DisplayStrings/DisplayString") {
		id, sub := d.SelectAttrValue("ElementID", ""), d.SelectAttrValue("SubElementID", "")
		if text(d.SelectElement("Name")) == "" {
			c.report(ClassDisplay, id, "display string without a name")
		}
		if sub != "" {
			subs[[2]string{id, sub}] = true
			continue
		}
		named[id] = true
		if _, ok := p.elems[id]; !ok && id != p.id {
			c.report(ClassReference, id, "display string for an element the pack does not define")
		}
	}
	for id := range p.elems {
		if !named[id] {
			c.report(ClassDisplay, id, "no display string in the default language pack")
		}
	}
	if !named[p.id] {
		c.report(ClassDisplay, p.id, "the pack has no display string")
	}
	for key := range subs {
		e, ok := p.elems[key[0]]
		if !ok || !hasSubElement(e.el, key[1]) {
			c.report(ClassReference, key[0], "display string for sub-element %s, which it does not have", key[1])
		}
	}
}

// hasSubElement reports whether an element has a child item (property,
// overridable parameter, state) with the ID.
func hasSubElement(e *etree.Element, sub string) bool {
	for _, path := range []string{"Property", "OverrideableParameters/OverrideableParameter",
		"MonitorTypeStates/MonitorTypeState", "OperationalStates/OperationalState"} {
		for _, s := range e.FindElements(path) {
			if s.SelectAttrValue("ID", "") == sub {
				return true
			}
		}
	}
	return false
}

// viewRoot is where a folder of the Monitoring pane must lead.
const viewRoot = "Microsoft.SystemCenter.Monitoring.ViewFolder.Root"

func (c *Checker) checkFolders(p *packIndex) {
	for _, e := range p.elems {
		if e.kind != "Folder" {
			continue
		}
		cur, seen := e, map[*element]bool{}
		for cur.id != viewRoot || cur.pack.id != "Microsoft.SystemCenter.Library" {
			seen[cur] = true
			parent := cur.el.SelectAttrValue("ParentFolder", "")
			next, err := c.resolve(cur.pack, parent)
			if parent == "" || err != nil || seen[next] {
				c.report(ClassFolder, e.id, "folder does not lead to %s", viewRoot)
				break
			}
			cur = next
		}
	}
}

// placeholders finds the {n} of an alert message.
var placeholders = regexp.MustCompile(`\{(\d+)\}`)

// checkAlerts checks that every alert names a string resource whose text
// uses exactly the parameters the alert passes, and that it has knowledge.
func (c *Checker) checkAlerts(p *packIndex) {
	knowledge := map[string]bool{}
	for _, ka := range p.root.FindElements("LanguagePacks/LanguagePack/KnowledgeArticles/KnowledgeArticle") {
		knowledge[ka.SelectAttrValue("ElementID", "")] = true
	}
	for _, e := range p.elems {
		for _, msg := range e.el.FindElements(".//AlertMessageId") {
			c.checkAlert(p, e, msg)
			if !knowledge[e.id] {
				c.report(ClassKnowledge, e.id, "raises an alert but has no knowledge article")
			}
		}
	}
}

func (c *Checker) checkAlert(p *packIndex, owner *element, msg *etree.Element) {
	refs := mpElementRefs(text(msg))
	if len(refs) != 1 || refs[0].prop != "" {
		c.report(ClassAlert, owner.id, "AlertMessageId %q is not one $MPElement[Name=...]$", text(msg))
		return
	}
	res, err := c.resolve(p, refs[0].id)
	if err != nil || res.kind != "StringResource" {
		c.report(ClassAlert, owner.id, "AlertMessageId %s is not a string resource", refs[0].id)
		return
	}
	texts := res.pack.displayTexts()[res.id]
	if len(texts) == 0 {
		c.report(ClassAlert, owner.id, "alert message %s has no text", res.id)
		return
	}
	used := map[int]bool{}
	for _, m := range placeholders.FindAllStringSubmatch(strings.Join(texts, "\n"), -1) {
		var n int
		fmt.Sscan(m[1], &n)
		used[n] = true
	}
	var params []int
	if ap := msg.Parent().SelectElement("AlertParameters"); ap != nil {
		for i, a := range ap.ChildElements() {
			if a.Tag != fmt.Sprintf("AlertParameter%d", i+1) {
				c.report(ClassAlert, owner.id, "alert parameter %s out of sequence", a.Tag)
			}
			params = append(params, i)
		}
	}
	for n := range used {
		if !slices.Contains(params, n) {
			c.report(ClassAlert, owner.id, "message %s uses {%d} but the alert passes %d parameters", res.id, n, len(params))
		}
	}
	for _, n := range params {
		if !used[n] {
			c.report(ClassAlert, owner.id, "alert parameter %d is not used by message %s", n+1, res.id)
		}
	}
}

// checkMonitorStates checks that each unit monitor maps every state of its
// monitor type to exactly one health state.
func (c *Checker) checkMonitorStates(p *packIndex) {
	for _, e := range p.elems {
		if e.kind != "UnitMonitor" {
			continue
		}
		typ, err := c.resolve(p, e.el.SelectAttrValue("TypeID", ""))
		if err != nil || typ.kind != "UnitMonitorType" {
			continue // reported as a reference problem
		}
		want := map[string]int{}
		for _, s := range typ.el.FindElements("MonitorTypeStates/MonitorTypeState") {
			want[s.SelectAttrValue("ID", "")] = 0
		}
		for _, s := range e.el.FindElements("OperationalStates/OperationalState") {
			id := s.SelectAttrValue("MonitorTypeStateID", "")
			if _, ok := want[id]; !ok {
				c.report(ClassMonitor, e.id, "state %s is not a state of %s", id, typ.id)
				continue
			}
			want[id]++
			if h := s.SelectAttrValue("HealthState", ""); !slices.Contains([]string{"Success", "Warning", "Error"}, h) {
				c.report(ClassMonitor, e.id, "state %s has health %q", id, h)
			}
		}
		for id, n := range want {
			if n != 1 {
				c.report(ClassMonitor, e.id, "monitor type state %s is mapped %d times, want once", id, n)
			}
		}
	}
}
