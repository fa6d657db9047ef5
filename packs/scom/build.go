package scom

import (
	"fmt"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Version is the version of the generated packs; raise it with every change
// of their content so SCOM imports them as an upgrade.
const Version = "1.0.0.0"

// PlaceholderKeyToken stands for the public key token of the key the 2012
// packs are sealed with until the installer is given the real one.
const PlaceholderKeyToken = "0000000000000000"

// Files of the packs, as committed under packs/scom.
const (
	File2007         = "2007/Dtrep.xml"
	File2012Library  = "2012/Dtrep.Library.xml"
	File2012Discover = "2012/Dtrep.Discovery.xml"
	File2012Monitor  = "2012/Dtrep.Monitoring.xml"
	File2012Present  = "2012/Dtrep.Presentation.xml"
)

// Options tune a generation.
type Options struct {
	// KeyToken is the public key token of the key the 2012 packs are
	// sealed with: each of them references the others by it.
	KeyToken string
}

// content is what the packs monitor, resolved against the catalog.
type content struct {
	triples    []EventTriple
	events     []eventRule
	counters   []perfCounter
	thresholds map[string]threshold
}

func resolve(cat *catalog.Catalog, in Inputs) (content, error) {
	c := content{events: eventRules(in.Events)}
	for _, r := range c.events {
		c.triples = append(c.triples, r.EventTriple)
	}
	var err error
	if c.counters, err = perfCounters(cat, in.CounterSets); err != nil {
		return c, err
	}
	c.thresholds, err = enabledThresholds(cat)
	return c, err
}

// parts writes the four parts of the content, each into the pack given.
func (c content) write(lib, disc, mon, pres *pack) error {
	writeLibrary(lib)
	writeDiscovery(disc)
	writeEventRules(mon, c.events)
	if err := writePerformanceRules(mon, c.counters, c.thresholds); err != nil {
		return err
	}
	if err := writeMonitors(mon, c.triples); err != nil {
		return err
	}
	writePresentation(pres)
	return nil
}

// Generate renders every pack file: the single 2007 pack and the four 2012
// packs holding the same content split by role.
func Generate(cat *catalog.Catalog, in Inputs, opt Options) (map[string][]byte, error) {
	if opt.KeyToken == "" {
		opt.KeyToken = PlaceholderKeyToken
	}
	if !validToken(opt.KeyToken) {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "public key token %q: want 16 hexadecimal digits", opt.KeyToken)
	}
	c, err := resolve(cat, in)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}

	one := &packSet{version: Version, owner: map[string]*pack{}}
	all := one.newPack("Dtrep", "Dtrep", "dtrep",
		"Monitors dtrep replication servers: discovery, event and performance rules with product knowledge, and views.")
	if err := c.write(all, all, all, all); err != nil {
		return nil, err
	}
	if out[File2007], err = all.render(); err != nil {
		return nil, err
	}

	four := &packSet{version: Version, keyToken: opt.KeyToken, owner: map[string]*pack{}}
	lib := four.newPack("Dtrep.Library", "DtrepLib", "dtrep Library", "dtrep classes and module types.")
	disc := four.newPack("Dtrep.Discovery", "DtrepDisc", "dtrep Discovery", "Discovers dtrep servers and the dtrep Servers group.")
	mon := four.newPack("Dtrep.Monitoring", "DtrepMon", "dtrep Monitoring",
		"Event and performance rules for dtrep servers, with product knowledge.")
	pres := four.newPack("Dtrep.Presentation", "DtrepPres", "dtrep Presentation", "The dtrep folder and views.")
	if err := c.write(lib, disc, mon, pres); err != nil {
		return nil, err
	}
	for file, p := range map[string]*pack{File2012Library: lib, File2012Discover: disc, File2012Monitor: mon, File2012Present: pres} {
		if out[file], err = p.render(); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	return out, nil
}

func validToken(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
