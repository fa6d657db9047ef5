package perfmon

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// ApplicationIdentity is the binary that holds the provider's string
// resources: lodctr looks for it beside the manifest, or in the folder
// `lodctr /m:MANIFEST FOLDER` names.
const ApplicationIdentity = "dtrep.exe"

// ResourceBase is the first string resource ID of the provider's string
// table (the manifest's resourceBase).
const ResourceBase = 1000

// Namespaces of an instrumentation manifest and of its counters section.
const (
	eventsNS   = "http://schemas.microsoft.com/win/2004/08/events"
	countersNS = "http://schemas.microsoft.com/win/2005/12/counters"
)

// Manifest models the counters section of an instrumentation manifest:
// only what dtrep's provider uses. Marshalled it is the .man file lodctr
// registers; unmarshalled it is what the tests check the templates
// against.
type Manifest struct {
	XMLName  xml.Name         `xml:"instrumentationManifest"`
	Xmlns    string           `xml:"xmlns,attr"`
	Counters manifestCounters `xml:"instrumentation>counters"`
}

type manifestCounters struct {
	Xmlns         string             `xml:"xmlns,attr"`
	SchemaVersion string             `xml:"schemaVersion,attr"`
	Providers     []manifestProvider `xml:"provider"`
}

type manifestProvider struct {
	ProviderName        string               `xml:"providerName,attr"`
	Symbol              string               `xml:"symbol,attr"`
	ApplicationIdentity string               `xml:"applicationIdentity,attr"`
	ProviderType        string               `xml:"providerType,attr"`
	ProviderGUID        string               `xml:"providerGuid,attr"`
	ResourceBase        int                  `xml:"resourceBase,attr"`
	CounterSets         []manifestCounterSet `xml:"counterSet"`
}

type manifestCounterSet struct {
	GUID        string            `xml:"guid,attr"`
	URI         string            `xml:"uri,attr"`
	Symbol      string            `xml:"symbol,attr"`
	Name        string            `xml:"name,attr"`
	Description string            `xml:"description,attr"`
	Instances   string            `xml:"instances,attr"`
	Counters    []manifestCounter `xml:"counter"`
}

type manifestCounter struct {
	ID          uint32 `xml:"id,attr"`
	URI         string `xml:"uri,attr"`
	Symbol      string `xml:"symbol,attr"`
	Name        string `xml:"name,attr"`
	Description string `xml:"description,attr"`
	Type        string `xml:"type,attr"`
	DetailLevel string `xml:"detailLevel,attr"`
}

// manifestOf builds the manifest model of sets.
func manifestOf(sets []CounterSet) Manifest {
	p := manifestProvider{ProviderName: ProviderName, Symbol: "DtrepProvider",
		ApplicationIdentity: ApplicationIdentity, ProviderType: "userMode",
		ProviderGUID: ProviderGUID.String(), ResourceBase: ResourceBase}
	for _, s := range sets {
		ms := manifestCounterSet{GUID: s.GUID.String(), URI: "dtrep.PerfCounters." + s.Symbol, Symbol: s.Symbol,
			Name: s.Name, Description: s.Help, Instances: "single"}
		if s.Multiple {
			ms.Instances = "multiple"
		}
		for _, c := range s.Counters {
			sym := s.Symbol + "_" + symbol(c.Name)
			ms.Counters = append(ms.Counters, manifestCounter{ID: c.ID, URI: ms.URI + "." + symbol(c.Name),
				Symbol: sym, Name: c.Name, Description: c.Help, Type: c.Type.ManifestName(), DetailLevel: "standard"})
		}
		p.CounterSets = append(p.CounterSets, ms)
	}
	return Manifest{Xmlns: eventsNS, Counters: manifestCounters{Xmlns: countersNS, SchemaVersion: "1.1",
		Providers: []manifestProvider{p}}}
}

// ManifestXML renders the counters manifest (.man) that `lodctr /m:`
// registers.
func ManifestXML(sets []CounterSet) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<!-- Generated from the dtrep catalog by exporters/perfmon; do not edit. -->\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(manifestOf(sets)); err != nil {
		return nil, fmt.Errorf("perfmon manifest: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// ParseManifest reads a counters manifest.
func ParseManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := xml.Unmarshal(b, &m); err != nil {
		return Manifest{}, fmt.Errorf("perfmon manifest: %w", err)
	}
	return m, nil
}
