package mpcheck

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

//go:embed maml.xsd mamlcontent.xsd
var mamlSchemas embed.FS

// configInstance is the configuration one workflow gives a module, monitor
// or view type.
type configInstance struct {
	pack  *packIndex
	owner string   // the workflow's ID
	where string   // path of the module element
	typ   *element // the type whose Configuration schema applies
	items []*etree.Element
}

// article is a knowledge article and the pack holding it.
type article struct {
	pack *packIndex
	el   *etree.Element
}

var workflowKinds = map[string]bool{"Rule": true, "Discovery": true, "Task": true, "Recovery": true, "Diagnostic": true}

// configInstances lists the configurations of a pack's workflows and views.
// Member modules of the pack's own module types are left out: their values
// are $Config/...$ parameters, typed only when a workflow fills them.
func (c *Checker) configInstances(p *packIndex) []configInstance {
	var out []configInstance
	add := func(owner *element, at *etree.Element, typeRef string, items []*etree.Element) {
		typ, err := c.resolve(p, typeRef)
		if err != nil {
			return // reported as a reference problem
		}
		out = append(out, configInstance{pack: p, owner: owner.id, where: at.GetPath(), typ: typ, items: items})
	}
	for _, e := range p.elems {
		switch {
		case workflowKinds[e.kind]:
			for _, tag := range []string{"DataSource", "ProbeAction", "ConditionDetection", "WriteAction"} {
				for _, m := range e.el.FindElements(".//" + tag + "[@TypeID]") {
					add(e, m, m.SelectAttrValue("TypeID", ""), m.ChildElements())
				}
			}
		case e.kind == "View":
			var items []*etree.Element
			for _, ch := range e.el.ChildElements() {
				if ch.Tag != "Category" {
					items = append(items, ch)
				}
			}
			add(e, e.el, e.el.SelectAttrValue("TypeID", ""), items)
		case e.kind == "UnitMonitor":
			if cfg := e.el.SelectElement("Configuration"); cfg != nil {
				add(e, cfg, e.el.SelectAttrValue("TypeID", ""), cfg.ChildElements())
			}
		}
	}
	return out
}

// particles are the items of a Configuration that make up its content
// (the rest, such as named types, are definitions).
var particles = map[string]bool{"element": true, "choice": true, "sequence": true, "any": true}

// collapseQNames trims the type names a schema refers to: XML Schema
// collapses their white space (the System Center library writes
// type="BatchSizeType "), which xmllint does not.
func collapseQNames(e *etree.Element) *etree.Element {
	for _, el := range append([]*etree.Element{e}, e.FindElements(".//*")...) {
		for i, a := range el.Attr {
			if a.Key == "type" || a.Key == "base" || a.Key == "ref" || a.Key == "itemType" {
				el.Attr[i].Value = strings.TrimSpace(a.Value)
			}
		}
	}
	return e
}

// deriveXSD turns a type's Configuration (xsd:element items and included
// schema types, as the library packs write them) into a schema whose root
// element is Configuration.
func (c *Checker) deriveXSD(typ *element) ([]byte, error) {
	schema := etree.NewElement("xsd:schema")
	schema.CreateAttr("xmlns:xsd", "http://www.w3.org/2001/XMLSchema")
	schema.CreateAttr("elementFormDefault", "qualified")
	seq := etree.NewElement("xsd:sequence")
	if cfg := typ.el.SelectElement("Configuration"); cfg != nil {
		for _, st := range cfg.FindElements("IncludeSchemaTypes/SchemaType") {
			inc, err := c.resolve(typ.pack, text(st))
			if err != nil || inc.kind != "SchemaType" {
				return nil, fmt.Errorf("schema type %s: not found", text(st))
			}
			for _, def := range inc.el.ChildElements() {
				schema.AddChild(collapseQNames(def.Copy()))
			}
		}
		for _, item := range cfg.ChildElements() {
			switch {
			case item.Space != "xsd":
			case particles[item.Tag]:
				seq.AddChild(collapseQNames(item.Copy()))
			default:
				schema.AddChild(collapseQNames(item.Copy()))
			}
		}
	}
	root := schema.CreateElement("xsd:element")
	root.CreateAttr("name", "Configuration")
	root.CreateElement("xsd:complexType").AddChild(seq)
	doc := etree.NewDocumentWithRoot(schema)
	return doc.WriteToBytes()
}

// validateConfigs validates every configuration against its type's
// derived schema with xmllint, one run per type.
func (c *Checker) validateConfigs(configs []configInstance) error {
	dir, err := os.MkdirTemp("", "mpcheck-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	byType := map[*element][]configInstance{}
	var order []*element
	for _, ci := range configs {
		if _, ok := byType[ci.typ]; !ok {
			order = append(order, ci.typ)
		}
		byType[ci.typ] = append(byType[ci.typ], ci)
	}
	for n, typ := range order {
		insts := byType[typ]
		xsd, err := c.deriveXSD(typ)
		if err != nil {
			c.cur = insts[0].pack
			c.report(ClassConfig, typ.id, "%v", err)
			continue
		}
		schema := filepath.Join(dir, strconv.Itoa(n)+".xsd")
		if err := os.WriteFile(schema, xsd, 0o644); err != nil {
			return err
		}
		var docs []*etree.Element
		for _, ci := range insts {
			cfg := etree.NewElement("Configuration")
			for _, it := range ci.items {
				cfg.AddChild(it.Copy())
			}
			docs = append(docs, cfg)
		}
		failures, err := c.lint(schema, docs)
		if err != nil {
			c.cur = insts[0].pack
			c.report(ClassConfig, typ.id, "configuration schema of %s: %v", typ.id, err)
			continue
		}
		for i, msg := range failures {
			ci := insts[i]
			c.cur = ci.pack
			c.report(ClassConfig, ci.owner, "%s: configuration does not match %s: %s", ci.where, typ.id, msg)
		}
	}
	return nil
}

// validateMAML validates every knowledge article's content.
func (c *Checker) validateMAML(articles []article) error {
	if len(articles) == 0 {
		return nil
	}
	dir, err := os.MkdirTemp("", "mpcheck-maml-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"maml.xsd", "mamlcontent.xsd"} {
		b, _ := mamlSchemas.ReadFile(name)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	var docs []*etree.Element
	for _, ka := range articles {
		content := ka.el.SelectElement("MamlContent")
		if content == nil {
			content = etree.NewElement("NoMamlContent")
		}
		docs = append(docs, content.Copy())
	}
	failures, err := c.lint(filepath.Join(dir, "mamlcontent.xsd"), docs)
	if err != nil {
		return fmt.Errorf("MAML schema: %w", err)
	}
	for i, msg := range failures {
		c.cur = articles[i].pack
		c.report(ClassKnowledge, articles[i].el.SelectAttrValue("ElementID", ""), "not valid MAML: %s", msg)
	}
	return nil
}

var lintLine = regexp.MustCompile(`^.+?\.xml:(\d+): (.*)$`)

// lint validates items with xmllint against a schema whose root element is
// Items holding any number of them, in one run. It returns the first error
// of each item that fails, by index; an error means the schema itself did
// not compile.
func (c *Checker) lint(schema string, items []*etree.Element) (map[int]string, error) {
	wrapper, err := wrapSchema(schema)
	if err != nil {
		return nil, err
	}
	// One item per line, so xmllint's line numbers say which item failed.
	var doc bytes.Buffer
	doc.WriteString("<Items>\n")
	lines := []int{} // first line of each item
	line := 2
	for _, it := range items {
		d := etree.NewDocumentWithRoot(it)
		d.Unindent()
		b, err := d.WriteToBytes()
		if err != nil {
			return nil, err
		}
		lines = append(lines, line)
		line += bytes.Count(b, []byte("\n")) + 1
		doc.Write(b)
		doc.WriteByte('\n')
	}
	doc.WriteString("</Items>\n")
	file := strings.TrimSuffix(schema, ".xsd") + ".xml"
	if err := os.WriteFile(file, doc.Bytes(), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(c.xmllint, "--noout", "--nonet", "--schema", wrapper, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	failures := map[int]string{}
	for _, l := range strings.Split(stderr.String(), "\n") {
		m := lintLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		i := sort.SearchInts(lines, n+1) - 1
		if i < 0 {
			i = 0
		}
		if _, seen := failures[i]; !seen {
			failures[i] = m[2]
		}
	}
	if runErr != nil && len(failures) == 0 {
		return nil, fmt.Errorf("xmllint: %v: %s", runErr, strings.TrimSpace(stderr.String()))
	}
	return failures, nil
}

// wrapSchema writes a schema beside schema whose root element Items holds
// any number of the elements schema defines as roots.
func wrapSchema(schema string) (string, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromFile(schema); err != nil {
		return "", err
	}
	choice := etree.NewElement("xsd:choice")
	setAttrs(choice, "minOccurs", "0", "maxOccurs", "unbounded")
	for _, el := range doc.Root().SelectElements("element") {
		ref := choice.CreateElement("xsd:element")
		ref.CreateAttr("ref", el.SelectAttrValue("name", ""))
	}
	items := doc.Root().CreateElement("xsd:element")
	items.CreateAttr("name", "Items")
	items.CreateElement("xsd:complexType").AddChild(choice)
	out := strings.TrimSuffix(schema, ".xsd") + ".items.xsd"
	return out, doc.WriteToFile(out)
}

func setAttrs(e *etree.Element, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		e.CreateAttr(kv[i], kv[i+1])
	}
}
