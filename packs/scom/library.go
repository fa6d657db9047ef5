package scom

import (
	"strings"

	"github.com/beevik/etree"
)

// Where the Windows build records its version, and what the value looks
// like: the discovery reads it and the group matches it.
const (
	RegistryKey        = `SOFTWARE\dtrep`
	RegistryValue      = "ProductVersion"
	productVersionLike = "^dtrep "
)

// Element IDs other parts refer to.
const (
	serverClass      = "Dtrep.Server"
	serversGroup     = "Dtrep.Servers.Group"
	thresholdSource  = "Dtrep.Performance.ThresholdDataSource"
	versionProperty  = "ProductVersion"
	computerClass    = "Windows!Microsoft.Windows.Computer"
	wmiPerfProvider  = "Windows!Microsoft.Windows.WmiPerfCounterProvider"
	expressionFilter = "System!System.ExpressionFilter"
)

// writeLibrary defines the types: the server class, the servers group and
// the overridable performance threshold data source.
func writeLibrary(p *pack) {
	srv := p.define("TypeDefinitions/EntityTypes/ClassTypes", "ClassType", serverClass, "dtrep Server",
		"A Windows computer with dtrep installed (the "+RegistryValue+" value under HKLM\\"+RegistryKey+").",
		"Accessibility", "Public", "Abstract", "false", "Base", p.ref("Windows!Microsoft.Windows.LocalApplication"),
		"Hosted", "true", "Singleton", "false")
	prop := srv.CreateElement("Property")
	setAttrs(prop, "ID", versionProperty, "Type", "string", "Key", "false", "CaseSensitive", "false",
		"Length", "256", "MinLength", "0")
	p.display(serverClass, versionProperty, "dtrep Product Version", "The product version dtrep records in the registry.")

	p.define("TypeDefinitions/EntityTypes/ClassTypes", "ClassType", serversGroup, "dtrep Servers",
		"The Windows computers whose dtrep Product Version matches "+productVersionLike+".",
		"Accessibility", "Public", "Abstract", "false", "Base", p.ref("SC!Microsoft.SystemCenter.ComputerGroup"),
		"Hosted", "false", "Singleton", "true")

	writeThresholdSource(p)
}

// writeThresholdSource defines a data source that reads one counter through
// WMI (the performance classes Windows derives from the provider) and passes
// samples beyond a threshold. Threshold and Frequency are overridable, as
// the reference's "Customizing the Management Pack" asks.
func writeThresholdSource(p *pack) {
	m := p.define("TypeDefinitions/ModuleTypes", "DataSourceModuleType", thresholdSource,
		"dtrep performance threshold",
		"Samples a dtrep performance counter and passes the samples beyond a threshold.",
		"Accessibility", "Public", "Batching", "false")
	cfg := m.CreateElement("Configuration")
	for _, el := range []struct{ name, typ string }{
		{"Query", "xsd:string"}, {"Frequency", "xsd:unsignedInt"}, {"ObjectName", "xsd:string"},
		{"CounterName", "xsd:string"}, {"InstanceName", "xsd:string"}, {"Value", "xsd:string"},
	} {
		setAttrs(cfg.CreateElement("xsd:element"), "name", el.name, "type", el.typ)
	}
	op := cfg.CreateElement("xsd:element")
	op.CreateAttr("name", "Operator")
	restr := op.CreateElement("xsd:simpleType").CreateElement("xsd:restriction")
	restr.CreateAttr("base", "xsd:string")
	for _, v := range []string{"Greater", "GreaterEqual", "Less", "LessEqual"} {
		restr.CreateElement("xsd:enumeration").CreateAttr("value", v)
	}
	setAttrs(cfg.CreateElement("xsd:element"), "name", "Threshold", "type", "xsd:double")

	over := m.CreateElement("OverrideableParameters")
	for _, o := range []struct{ id, typ string }{{"Frequency", "int"}, {"Threshold", "double"}} {
		setAttrs(over.CreateElement("OverrideableParameter"),
			"ID", o.id, "Selector", "$Config/"+o.id+"$", "ParameterType", o.typ)
		p.display(thresholdSource, o.id, o.id, "")
	}

	members := m.CreateElement("ModuleImplementation").CreateElement("Composite")
	mm := members.CreateElement("MemberModules")
	ds := mm.CreateElement("DataSource")
	setAttrs(ds, "ID", "Perf", "TypeID", p.ref(wmiPerfProvider))
	child(ds, "NameSpace", `root\cimv2`)
	for _, name := range []string{"Query", "Frequency", "ObjectName", "CounterName", "InstanceName", "Value"} {
		child(ds, name, "$Config/"+name+"$")
	}
	cd := mm.CreateElement("ConditionDetection")
	setAttrs(cd, "ID", "Threshold", "TypeID", p.ref(expressionFilter))
	cd.AddChild(compare("Value", "Double", "$Config/Operator$", "$Config/Threshold$"))
	comp := members.CreateElement("Composition").CreateElement("Node")
	comp.CreateAttr("ID", "Threshold")
	comp.CreateElement("Node").CreateAttr("ID", "Perf")
	child(m, "OutputType", p.ref("System!System.BaseData"))
}

// wmiClass is the class Windows' WMI performance adapter derives from a
// counter set of a version 2 provider: Win32_PerfFormattedData_Counters_
// and the set's name without its non-alphanumeric characters.
func wmiClass(set string) string { return "Win32_PerfFormattedData_Counters_" + alnum(set) }

// wmiProperty is the property the adapter derives from a counter name.
func wmiProperty(counter string) string { return alnum(counter) }

// alnum keeps the ASCII letters and digits of s.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// wmiPerfConfig fills the WmiPerfCounterProvider settings for one counter.
func wmiPerfConfig(e *etree.Element, set CounterSet, counter string, frequency string) {
	prop := wmiProperty(counter)
	cols, instance := prop, ""
	if set.MultiInstance {
		cols, instance = "Name, "+prop, "$Data/Property[@Name='Name']$"
	}
	child(e, "Query", "SELECT "+cols+" FROM "+wmiClass(set.Name))
	child(e, "Frequency", frequency)
	child(e, "ObjectName", set.Name)
	child(e, "CounterName", counter)
	child(e, "InstanceName", instance)
	child(e, "Value", "$Data/Property[@Name='"+prop+"']$")
}
