package mib

import "github.com/dtrep/dtrep/engine/catalog"

// extraTrapEvents are dtrep's own readings for traps the catalog ties to no
// event because the reference logs nothing for them (see the catalog's
// extract/trapevents.go). dtrep's engine raises an event for these
// occurrences, so they send their trap too. An event here must raise no
// catalog trap: one event never sends two traps.
var extraTrapEvents = map[string][]catalog.EventKey{
	// The engine raises 4015 ("Service has stopped network transmission")
	// when a connection's transmission is paused and 4014 when it resumes;
	// a user's pause of the target module (4026, 4027) holds what every
	// source sends it just the same.
	"dttrapConnectionPause":  {{Source: "Double-Take", ID: 4015}, {Source: "Double-Take", ID: 4026}},
	"dttrapConnectionResume": {{Source: "Double-Take", ID: 4014}, {Source: "Double-Take", ID: 4027}},
}
