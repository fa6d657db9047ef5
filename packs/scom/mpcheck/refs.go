package mpcheck

import (
	"regexp"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

var (
	monitorKinds = []string{"UnitMonitor", "AggregateMonitor", "DependencyMonitor"}
	classKinds   = []string{"ClassType"}
	anyKind      []string // nil: any kind
)

// attrKinds says, for an attribute on an element, what kind its reference
// must name. The key is "Tag@Attr", or "*@Attr" for any element.
var attrKinds = map[string][]string{
	"ClassType@Base":                      classKinds,
	"RelationshipType@Base":               {"RelationshipType"},
	"DataType@Base":                       {"DataType"},
	"Source@Type":                         classKinds,
	"Target@Type":                         classKinds,
	"Rule@Target":                         classKinds,
	"Discovery@Target":                    classKinds,
	"Task@Target":                         classKinds,
	"UnitMonitor@Target":                  classKinds,
	"AggregateMonitor@Target":             classKinds,
	"DependencyMonitor@Target":            classKinds,
	"Recovery@Target":                     classKinds,
	"Diagnostic@Target":                   classKinds,
	"View@Target":                         classKinds,
	"DataSource@TypeID":                   {"DataSourceModuleType"},
	"ProbeAction@TypeID":                  {"ProbeActionModuleType"},
	"ConditionDetection@TypeID":           {"ConditionDetectionModuleType"},
	"WriteAction@TypeID":                  {"WriteActionModuleType"},
	"UnitMonitor@TypeID":                  {"UnitMonitorType"},
	"View@TypeID":                         {"ViewType"},
	"DiscoveryClass@TypeID":               classKinds,
	"DiscoveryRelationship@TypeID":        {"RelationshipType"},
	"Property@TypeID":                     classKinds,
	"*@ParentMonitorID":                   monitorKinds,
	"*@MemberMonitor":                     monitorKinds,
	"*@RelationshipType":                  {"RelationshipType"},
	"Folder@ParentFolder":                 {"Folder"},
	"FolderItem@Folder":                   {"Folder"},
	"FolderItem@ElementID":                anyKind,
	"*@RunAs":                             {"SecureReference"},
	"DisplayString@ElementID":             anyKind,
	"KnowledgeArticle@ElementID":          anyKind,
	"Override@Context":                    classKinds,
	"MonitorPropertyOverride@Monitor":     monitorKinds,
	"RulePropertyOverride@Rule":           {"Rule"},
	"DiscoveryPropertyOverride@Discovery": {"Discovery"},
}

// textKinds says what kind the text of an element must name.
var textKinds = map[string][]string{
	"SchemaType": {"SchemaType"},
	"OutputType": {"DataType"},
	"InputType":  {"DataType"},
}

// mpRef is a reference written inside text: $MPElement[Name="id"]/prop$ or
// Property[Type="id"]/prop.
type mpRef struct{ id, prop string }

var (
	mpElement   = regexp.MustCompile(`\$MPElement\[Name=["']([^"']+)["']\](?:/([A-Za-z0-9_]+))?\$`)
	propertyRef = regexp.MustCompile(`Property\[Type=["']([^"']+)["']\]/([A-Za-z0-9_]+)`)
)

func mpElementRefs(s string) []mpRef {
	var out []mpRef
	for _, m := range mpElement.FindAllStringSubmatch(s, -1) {
		out = append(out, mpRef{m[1], m[2]})
	}
	return out
}

// checkReferences resolves every reference of a pack and checks its kind;
// it also reports aliases the pack declares but never uses.
func (c *Checker) checkReferences(p *packIndex) {
	used := map[string]bool{}
	var walk func(e *etree.Element, inLang bool)
	walk = func(e *etree.Element, inLang bool) {
		for _, a := range e.Attr {
			kinds, ok := attrKinds[e.Tag+"@"+a.Key]
			if !ok {
				kinds, ok = attrKinds["*@"+a.Key]
			}
			if !ok {
				continue
			}
			if inLang && a.Key == "ElementID" {
				// Display strings and knowledge describe the pack's own elements.
				if _, local := p.elems[a.Value]; !local && a.Value != p.id {
					c.report(ClassReference, a.Value, "%s describes an element the pack does not define", e.Tag)
				}
				continue
			}
			target := c.checkRef(p, used, e, a.Value, kinds)
			if target != nil && e.Tag == "Property" && a.Key == "TypeID" {
				if prop := e.SelectAttrValue("PropertyID", ""); !c.classProperty(target, prop) {
					c.report(ClassReference, a.Value, "class has no property %s", prop)
				}
			}
		}
		if kinds, ok := textKinds[e.Tag]; ok && len(e.ChildElements()) == 0 {
			c.checkRef(p, used, e, text(e), kinds)
		}
		if s := e.Text(); strings.Contains(s, "$") || strings.Contains(s, "Property[") {
			for _, r := range mpElementRefs(s) {
				c.checkTextRef(p, used, e, r)
			}
			for _, m := range propertyRef.FindAllStringSubmatch(s, -1) {
				c.checkTextRef(p, used, e, mpRef{m[1], m[2]})
			}
		}
		for _, ch := range e.ChildElements() {
			if ch.Tag == "Manifest" {
				continue
			}
			walk(ch, inLang || ch.Tag == "LanguagePacks")
		}
	}
	walk(p.root, false)
	for alias := range p.aliases {
		if !used[alias] {
			c.report(ClassReference, alias, "reference alias declared but never used")
		}
	}
}

func (c *Checker) checkTextRef(p *packIndex, used map[string]bool, e *etree.Element, r mpRef) {
	kinds := anyKind
	if r.prop != "" {
		kinds = classKinds
	}
	target := c.checkRef(p, used, e, r.id, kinds)
	if target != nil && r.prop != "" && !c.classProperty(target, r.prop) {
		c.report(ClassReference, r.id, "class has no property %s", r.prop)
	}
}

// checkRef resolves one reference and checks its kind; it returns the
// element named, or nil after reporting why not.
func (c *Checker) checkRef(p *packIndex, used map[string]bool, at *etree.Element, ref string, kinds []string) *element {
	if alias, _, ok := strings.Cut(ref, "!"); ok {
		used[alias] = true
	}
	target, err := c.resolve(p, ref)
	if err != nil {
		c.report(ClassReference, ref, "%s: %v", at.GetPath(), err)
		return nil
	}
	if kinds != nil && !slices.Contains(kinds, target.kind) {
		c.report(ClassReference, ref, "%s: names a %s, want %s", at.GetPath(), target.kind, strings.Join(kinds, " or "))
		return nil
	}
	return target
}
