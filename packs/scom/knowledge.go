package scom

import "github.com/beevik/etree"

// MAMLNamespace is the namespace of knowledge articles.
const MAMLNamespace = "http://schemas.microsoft.com/maml/2004/10"

// section is one titled part of a knowledge article.
type section struct {
	title string
	paras []string
}

// knowledge adds the product knowledge of an element: Summary, Causes and
// Resolutions, as the console shows them.
func (p *pack) knowledge(id string, sections ...section) {
	ka := p.articles.CreateElement("KnowledgeArticle")
	setAttrs(ka, "ElementID", id, "Visible", "true")
	content := ka.CreateElement("MamlContent")
	for _, s := range sections {
		if len(s.paras) == 0 {
			continue
		}
		sec := content.CreateElement("maml:section")
		sec.CreateAttr("xmlns:maml", MAMLNamespace)
		child(sec, "maml:title", s.title)
		for _, para := range s.paras {
			child(sec, "maml:para", para)
		}
	}
}

// alertMessage defines the string resource an alert names, with its text:
// the name and a description whose {0}..{n} the alert parameters fill.
func (p *pack) alertMessage(id, name, desc string) {
	p.define("Presentation/StringResources", "StringResource", id, name, desc)
}

// generateAlert is a System.Health.GenerateAlert write action.
func (p *pack) generateAlert(parent *etree.Element, priority, severity int, message string, params, suppress []string) {
	wa := parent.CreateElement("WriteAction")
	setAttrs(wa, "ID", "Alert", "TypeID", p.ref("Health!System.Health.GenerateAlert"))
	child(wa, "Priority", itoa(priority))
	child(wa, "Severity", itoa(severity))
	child(wa, "AlertMessageId", p.element(message))
	ap := wa.CreateElement("AlertParameters")
	for i, v := range params {
		child(ap, "AlertParameter"+itoa(i+1), v)
	}
	s := wa.CreateElement("Suppression")
	for _, v := range suppress {
		child(s, "SuppressionValue", v)
	}
}
