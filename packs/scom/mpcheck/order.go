package mpcheck

import (
	"slices"

	"github.com/beevik/etree"
)

// childOrder is the order the importer requires of the children of these
// elements; a child not listed is refused too.
var childOrder = map[string][]string{
	"ManagementPack": {"Manifest", "TypeDefinitions", "Categories", "Monitoring", "Templates", "PresentationTypes",
		"Presentation", "Reporting", "LanguagePacks", "Resources"},
	"Manifest":        {"Identity", "Name", "References"},
	"Identity":        {"ID", "Version"},
	"Reference":       {"ID", "Version", "PublicKeyToken"},
	"TypeDefinitions": {"EntityTypes", "DataTypes", "SchemaTypes", "SecureReferences", "ModuleTypes", "MonitorTypes"},
	"EntityTypes":     {"ClassTypes", "RelationshipTypes"},
	"ModuleTypes": {"DataSourceModuleType", "ProbeActionModuleType", "ConditionDetectionModuleType",
		"WriteActionModuleType"},
	"Monitoring":           {"Discoveries", "Rules", "Tasks", "Monitors", "Diagnostics", "Recoveries", "Overrides"},
	"Presentation":         {"ConsoleTasks", "Views", "Folders", "FolderItems", "ImageReferences", "StringResources"},
	"LanguagePack":         {"DisplayStrings", "KnowledgeArticles"},
	"DisplayString":        {"Name", "Description"},
	"Rule":                 {"Category", "DataSources", "ConditionDetection", "WriteActions"},
	"Discovery":            {"Category", "DiscoveryTypes", "DataSource"},
	"UnitMonitor":          {"Category", "AlertSettings", "OperationalStates", "Configuration"},
	"DataSourceModuleType": {"Configuration", "OverrideableParameters", "ModuleImplementation", "OutputType"},
	"ProbeActionModuleType": {"Configuration", "OverrideableParameters", "ModuleImplementation", "OutputType",
		"InputType", "TriggerOnly"},
	"ConditionDetectionModuleType": {"Configuration", "OverrideableParameters", "ModuleImplementation",
		"OutputType", "InputTypes"},
	"WriteActionModuleType": {"Configuration", "OverrideableParameters", "ModuleImplementation", "OutputType",
		"InputType"},
	"Composite":        {"MemberModules", "Composition"},
	"KnowledgeArticle": {"MamlContent", "HtmlContent"},
	"AlertSettings":    {"AlertOnState", "AutoResolve", "AlertPriority", "AlertSeverity", "AlertMessage", "AlertParameters"},
}

var moduleTags = map[string]bool{"DataSource": true, "ProbeAction": true, "ConditionDetection": true, "WriteAction": true}

// checkOrder walks the tree and reports children out of order.
func (c *Checker) checkOrder(e *etree.Element) {
	if order, ok := childOrder[e.Tag]; ok {
		last := -1
		for _, ch := range e.ChildElements() {
			i := slices.Index(order, ch.Tag)
			switch {
			case i < 0:
				c.report(ClassOrder, e.GetPath(), "%s is not allowed in %s", ch.Tag, e.Tag)
			case i < last:
				c.report(ClassOrder, e.GetPath(), "%s comes after %s", ch.Tag, order[last])
			default:
				last = i
			}
		}
	}
	for _, ch := range e.ChildElements() {
		// Configurations follow their module type's schema, checked apart.
		if ch.Tag != "Configuration" && ch.Tag != "MamlContent" && !moduleTags[ch.Tag] {
			c.checkOrder(ch)
		}
	}
}
