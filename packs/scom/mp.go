package scom

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// Library is a sealed Microsoft pack the generated packs reference.
type Library struct {
	Alias string
	ID    string
}

// The libraries every reference resolves against, at the version that
// imports into SCOM 2007 R2 and 2012 (ships with 2007 R2).
var (
	SystemLib  = Library{"System", "System.Library"}
	WindowsLib = Library{"Windows", "Microsoft.Windows.Library"}
	SCLib      = Library{"SC", "Microsoft.SystemCenter.Library"}
	HealthLib  = Library{"Health", "System.Health.Library"}
	Libraries  = []Library{SystemLib, WindowsLib, SCLib, HealthLib}
)

const (
	libraryVersion = "6.1.7221.0"
	libraryToken   = "31bf3856ad364e35"
)

// sectionOrder is the child order the importer requires, as paths from the
// ManagementPack element to the containers elements are added to.
var sectionOrder = []string{
	"Manifest",
	"TypeDefinitions/EntityTypes/ClassTypes",
	"TypeDefinitions/EntityTypes/RelationshipTypes",
	"TypeDefinitions/ModuleTypes",
	"TypeDefinitions/MonitorTypes",
	"Monitoring/Discoveries",
	"Monitoring/Rules",
	"Monitoring/Monitors",
	"Presentation/Views",
	"Presentation/Folders",
	"Presentation/FolderItems",
	"Presentation/StringResources",
	"LanguagePacks",
}

// packSet is the packs written together, so that a reference from one to an
// element of another gets the other's alias.
type packSet struct {
	version  string
	keyToken string // public key token the sibling packs will be sealed with
	owner    map[string]*pack
}

// pack is one management pack being written.
type pack struct {
	set        *packSet
	id, name   string
	desc       string
	alias      string // how siblings refer to it
	containers map[string]*etree.Element
	used       map[string]bool // aliases referenced
	siblings   []*pack         // referenced sibling packs, in first-use order
	local      map[string]bool // IDs referenced as local before being defined
	strings    *etree.Element
	articles   *etree.Element
}

func (s *packSet) newPack(id, alias, name, desc string) *pack {
	return &pack{set: s, id: id, alias: alias, name: name, desc: desc,
		containers: map[string]*etree.Element{}, used: map[string]bool{}, local: map[string]bool{},
		strings: etree.NewElement("DisplayStrings"), articles: etree.NewElement("KnowledgeArticles")}
}

// container returns the element new children of a section go into.
func (p *pack) container(path string) *etree.Element {
	c, ok := p.containers[path]
	if !ok {
		c = etree.NewElement(path[strings.LastIndex(path, "/")+1:])
		p.containers[path] = c
	}
	return c
}

// define adds an element with an ID to a section, with its display string.
func (p *pack) define(path, tag, id, name, desc string, attrs ...string) *etree.Element {
	if prev, dup := p.set.owner[id]; dup {
		panic(fmt.Sprintf("BUG: %s defined twice (in %s and %s)", id, prev.id, p.id))
	}
	p.set.owner[id] = p
	e := p.container(path).CreateElement(tag)
	e.CreateAttr("ID", id)
	setAttrs(e, attrs...)
	p.display(id, "", name, desc)
	return e
}

// display adds a display string for an element or one of its sub-elements.
func (p *pack) display(id, sub, name, desc string) {
	d := p.strings.CreateElement("DisplayString")
	d.CreateAttr("ElementID", id)
	if sub != "" {
		d.CreateAttr("SubElementID", sub)
	}
	d.CreateElement("Name").SetText(name)
	if desc != "" {
		d.CreateElement("Description").SetText(desc)
	}
}

// ref spells a reference to an element: as is for a library element
// ("Windows!...") or one of this pack, with the sibling's alias otherwise.
func (p *pack) ref(id string) string {
	if alias, _, ok := strings.Cut(id, "!"); ok {
		p.used[alias] = true
		return id
	}
	owner, ok := p.set.owner[id]
	if !ok || owner == p {
		if !ok {
			p.local[id] = true
		}
		return id
	}
	if !p.used[owner.alias] {
		p.used[owner.alias] = true
		p.siblings = append(p.siblings, owner)
	}
	return owner.alias + "!" + id
}

// element is $MPElement[Name="id"]$, the run-time ID of an element.
func (p *pack) element(id string) string { return fmt.Sprintf(`$MPElement[Name="%s"]$`, p.ref(id)) }

// property is $MPElement[Name="class"]/prop$, a class property's ID.
func (p *pack) property(class, prop string) string {
	return fmt.Sprintf(`$MPElement[Name="%s"]/%s$`, p.ref(class), prop)
}

// targetProperty is a property of the workflow's target (or of the
// computer hosting it, with host set).
func (p *pack) targetProperty(host bool, class, prop string) string {
	path := "$Target/"
	if host {
		path += "Host/"
	}
	return fmt.Sprintf(`%sProperty[Type="%s"]/%s$`, path, p.ref(class), prop)
}

// render assembles the pack in the importer's order.
func (p *pack) render() ([]byte, error) {
	for id := range p.local {
		if p.set.owner[id] != p {
			return nil, fmt.Errorf("%s: reference to %s, defined nowhere", p.id, id)
		}
	}
	root := etree.NewElement("ManagementPack")
	root.CreateAttr("ContentReadable", "true")
	root.CreateAttr("xmlns:xsd", "http://www.w3.org/2001/XMLSchema")
	root.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
	p.containers["Manifest"] = p.manifest()
	if len(p.strings.ChildElements()) > 0 {
		lp := p.container("LanguagePacks").CreateElement("LanguagePack")
		lp.CreateAttr("ID", "ENU")
		lp.CreateAttr("IsDefault", "true")
		lp.AddChild(p.strings)
		if len(p.articles.ChildElements()) > 0 {
			lp.AddChild(p.articles)
		}
	}
	parents := map[string]*etree.Element{"": root}
	for _, path := range sectionOrder {
		c, ok := p.containers[path]
		if !ok {
			continue
		}
		parent := root
		prefix := ""
		for _, step := range strings.Split(path, "/")[:strings.Count(path, "/")] {
			prefix += "/" + step
			if e, ok := parents[prefix]; ok {
				parent = e
				continue
			}
			parent = parent.CreateElement(step)
			parents[prefix] = parent
		}
		parent.AddChild(c)
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="utf-8"`)
	doc.SetRoot(root)
	doc.WriteSettings.CanonicalText = true
	doc.Indent(2)
	return doc.WriteToBytes()
}

func (p *pack) manifest() *etree.Element {
	m := etree.NewElement("Manifest")
	ident := m.CreateElement("Identity")
	ident.CreateElement("ID").SetText(p.id)
	ident.CreateElement("Version").SetText(p.set.version)
	m.CreateElement("Name").SetText(p.name)
	refs := m.CreateElement("References")
	add := func(alias, id, version, token string) {
		r := refs.CreateElement("Reference")
		r.CreateAttr("Alias", alias)
		r.CreateElement("ID").SetText(id)
		r.CreateElement("Version").SetText(version)
		r.CreateElement("PublicKeyToken").SetText(token)
	}
	for _, s := range p.siblings {
		add(s.alias, s.id, p.set.version, p.set.keyToken)
	}
	for _, l := range Libraries {
		if p.used[l.Alias] {
			add(l.Alias, l.ID, libraryVersion, libraryToken)
		}
	}
	p.display(p.id, "", p.name, p.desc)
	return m
}

// setAttrs sets attributes given as name, value pairs.
func setAttrs(e *etree.Element, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		e.CreateAttr(kv[i], kv[i+1])
	}
}

// child adds <tag>text</tag>.
func child(parent *etree.Element, tag, text string) *etree.Element {
	e := parent.CreateElement(tag)
	e.SetText(text)
	return e
}
