package mpcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/beevik/etree"
)

// containers are the collection elements whose children are the pack's
// elements, each with its own ID.
var containers = map[string]bool{
	"ClassTypes": true, "RelationshipTypes": true, "DataTypes": true, "SchemaTypes": true,
	"SecureReferences": true, "ModuleTypes": true, "MonitorTypes": true, "Discoveries": true,
	"Rules": true, "Tasks": true, "Monitors": true, "Recoveries": true, "Diagnostics": true,
	"Overrides": true, "Views": true, "Folders": true, "StringResources": true, "ViewTypes": true,
	"UIPages": true, "UIPageSets": true, "ConsoleTasks": true, "Images": true, "ImageReferences": false,
	"Categories": true, "PresentationTypes": false, "Templates": true, "Reports": true, "LinkedReports": true,
}

// element is one ID'd element of a pack.
type element struct {
	pack *packIndex
	id   string
	kind string // its tag: ClassType, Rule, DataSourceModuleType, ...
	el   *etree.Element
}

func (e *element) public() bool { return e.el.SelectAttrValue("Accessibility", "Public") != "Internal" }

// packIndex is a parsed pack with its elements by ID and its references by
// alias.
type packIndex struct {
	id      string
	version string
	root    *etree.Element
	elems   map[string]*element
	aliases map[string]string // alias -> referenced pack ID
	dups    []string
	display map[string][]string // element ID -> name and description in the default language
}

// displayTexts returns the default language's display name and description
// of each element (not sub-element) of the pack.
func (p *packIndex) displayTexts() map[string][]string {
	if p.display == nil {
		p.display = map[string][]string{}
		for _, d := range p.root.FindElements("LanguagePacks/LanguagePack[@IsDefault='true']/DisplayStrings/DisplayString") {
			if d.SelectAttr("SubElementID") == nil {
				id := d.SelectAttrValue("ElementID", "")
				p.display[id] = append(p.display[id], text(d.SelectElement("Name")), text(d.SelectElement("Description")))
			}
		}
	}
	return p.display
}

func parsePack(b []byte) (*packIndex, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, err
	}
	root := doc.Root()
	if root == nil || root.Tag != "ManagementPack" {
		return nil, fmt.Errorf("not a management pack: root is not ManagementPack")
	}
	p := &packIndex{root: root, elems: map[string]*element{}, aliases: map[string]string{}}
	p.id = text(root.FindElement("Manifest/Identity/ID"))
	p.version = text(root.FindElement("Manifest/Identity/Version"))
	if p.id == "" {
		return nil, fmt.Errorf("manifest has no identity")
	}
	for _, r := range root.FindElements("Manifest/References/Reference") {
		p.aliases[r.SelectAttrValue("Alias", "")] = text(r.FindElement("ID"))
	}
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		for _, c := range e.ChildElements() {
			if containers[e.Tag] && c.SelectAttr("ID") != nil {
				id := c.SelectAttrValue("ID", "")
				if _, dup := p.elems[id]; dup {
					p.dups = append(p.dups, id)
				} else {
					p.elems[id] = &element{pack: p, id: id, kind: c.Tag, el: c}
				}
			}
			if c.Tag == "LanguagePacks" || c.Tag == "Manifest" {
				continue
			}
			walk(c)
		}
	}
	walk(root)
	return p, nil
}

// loadLibraries reads every *.xml pack of dir.
func loadLibraries(dir string) (map[string]*packIndex, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no library packs (*.xml) in %s", dir)
	}
	out := map[string]*packIndex{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := parsePack(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out[p.id] = p
	}
	return out, nil
}

func text(e *etree.Element) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text())
}

// classProperty reports whether a class, or one of its bases, has a
// property.
func (c *Checker) classProperty(class *element, prop string) bool {
	for e := class; e != nil; {
		for _, p := range e.el.SelectElements("Property") {
			if p.SelectAttrValue("ID", "") == prop {
				return true
			}
		}
		base := e.el.SelectAttrValue("Base", "")
		if base == "" {
			return false
		}
		next, err := c.resolve(e.pack, base)
		if err != nil {
			return false
		}
		e = next
	}
	return false
}

// resolve finds what a reference names, as seen from the pack holding it.
func (c *Checker) resolve(from *packIndex, ref string) (*element, error) {
	target, id := from, ref
	if alias, rest, ok := strings.Cut(ref, "!"); ok {
		packID, ok := from.aliases[alias]
		if !ok {
			return nil, fmt.Errorf("alias %s is not a reference of %s", alias, from.id)
		}
		if target, ok = c.packs[packID]; !ok {
			return nil, fmt.Errorf("referenced pack %s (alias %s) is not available", packID, alias)
		}
		id = rest
	}
	e, ok := target.elems[id]
	if !ok {
		return nil, fmt.Errorf("%s is not an element of %s", id, target.id)
	}
	if target != from && !e.public() {
		return nil, fmt.Errorf("%s of %s is not public", id, target.id)
	}
	return e, nil
}
