package scom

// writeDiscovery defines how SCOM finds dtrep servers: a registry
// discovery on every Windows server (the product version attribute of
// chapter 8) and the dtrep Servers group of the computers that host one.
func writeDiscovery(p *pack) {
	d := p.define("Monitoring/Discoveries", "Discovery", "Dtrep.Server.Discovery", "dtrep Server discovery",
		"Finds dtrep on Windows servers by the "+RegistryValue+" value under HKLM\\"+RegistryKey+".",
		"Enabled", "true", "Target", p.ref("Windows!Microsoft.Windows.Server.Computer"),
		"ConfirmDelivery", "false", "Remotable", "true", "Priority", "Normal")
	child(d, "Category", "Discovery")
	dc := d.CreateElement("DiscoveryTypes").CreateElement("DiscoveryClass")
	dc.CreateAttr("TypeID", p.ref(serverClass))
	setAttrs(dc.CreateElement("Property"), "TypeID", p.ref(serverClass), "PropertyID", versionProperty)
	ds := d.CreateElement("DataSource")
	setAttrs(ds, "ID", "DS", "TypeID", p.ref("Windows!Microsoft.Windows.FilteredRegistryDiscoveryProvider"))
	child(ds, "ComputerName", p.targetProperty(false, computerClass, "NetworkName"))
	def := ds.CreateElement("RegistryAttributeDefinitions").CreateElement("RegistryAttributeDefinition")
	child(def, "AttributeName", versionProperty)
	child(def, "Path", RegistryKey+`\`+RegistryValue)
	child(def, "PathType", "1")      // a value, not a key
	child(def, "AttributeType", "1") // read as a string
	child(ds, "Frequency", "14400")
	child(ds, "ClassId", p.element(serverClass))
	settings := ds.CreateElement("InstanceSettings").CreateElement("Settings")
	for _, s := range [][2]string{
		{p.property(computerClass, "PrincipalName"), p.targetProperty(false, computerClass, "PrincipalName")},
		{p.property(serverClass, versionProperty), "$Data/Values/" + versionProperty + "$"},
		{p.property("System!System.Entity", "DisplayName"), p.targetProperty(false, computerClass, "PrincipalName")},
	} {
		set := settings.CreateElement("Setting")
		child(set, "Name", s[0])
		child(set, "Value", s[1])
	}
	ds.AddChild(matches("Values/"+versionProperty, productVersionLike))

	g := p.define("Monitoring/Discoveries", "Discovery", "Dtrep.Servers.Group.Discovery", "dtrep Servers group population",
		"Puts in the dtrep Servers group every Windows computer hosting a dtrep Server whose product version matches "+
			productVersionLike+".",
		"Enabled", "true", "Target", p.ref(serversGroup),
		"ConfirmDelivery", "false", "Remotable", "true", "Priority", "Normal")
	child(g, "Category", "Discovery")
	g.CreateElement("DiscoveryTypes").CreateElement("DiscoveryRelationship").
		CreateAttr("TypeID", p.ref("SC!Microsoft.SystemCenter.ComputerGroupContainsComputer"))
	gs := g.CreateElement("DataSource")
	setAttrs(gs, "ID", "Population", "TypeID", p.ref("SC!Microsoft.SystemCenter.GroupPopulator"))
	child(gs, "RuleId", "$MPElement$")
	child(gs, "GroupInstanceId", p.element(serversGroup))
	rule := gs.CreateElement("MembershipRules").CreateElement("MembershipRule")
	child(rule, "MonitoringClass", p.element(computerClass))
	child(rule, "RelationshipClass", p.element("SC!Microsoft.SystemCenter.ComputerGroupContainsComputer"))
	contains := rule.CreateElement("Expression").CreateElement("Contains")
	child(contains, "MonitoringClass", p.element(serverClass))
	re := contains.CreateElement("Expression").CreateElement("RegExExpression")
	child(re.CreateElement("ValueExpression"), "Property", p.property(serverClass, versionProperty))
	child(re, "Operator", "MatchesRegularExpression")
	child(re, "Pattern", productVersionLike)
}
