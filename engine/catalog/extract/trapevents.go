package main

import (
	"fmt"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Sources of the events traps refer to.
const (
	srcDT   = "Double-Take"
	srcMgmt = "Double-Take Management Service"
	srcExch = "ExchFailover"
	srcDrv  = "RepDrv"
)

// trapEvents is the reading of chapter 6 that says which events raise each
// trap of chapter 10: an event is listed when its message reports the very
// occurrence the trap describes. Traps without an entry have no such event
// (the reference logs nothing when transmission is paused or resumed, when a
// connection is requested or a request received, when memory use falls back
// under the limit, for scheduled connections, for auto-disconnect's
// intermediate steps or for a failed verification).
//
// Where the reference distinguishes ending from stopping (dttrapMirrorEnd
// and dttrapMirrorStop), "end" and "complete" are read as the task
// finishing, not as a user stopping it.
var trapEvents = map[string][]catalog.EventKey{
	// 4008 reports the auto-disconnect done; 4007 announces it is starting.
	"dttrapAutoDisconnectEndConnection": {{Source: srcDT, ID: 4008}},
	"dttrapAutoReconnect":               {{Source: srcDT, ID: 4009}},
	"dttrapConnectionFailed":            {{Source: srcDT, ID: 4011}},
	"dttrapConnectionLost":              {{Source: srcDT, ID: 4017}},
	// A successful auto-reconnect establishes the connection as well.
	"dttrapConnectionSucceeded": {{Source: srcDT, ID: 4016}, {Source: srcDT, ID: 4010}},
	// Every job type's "failover condition has been met".
	"dttrapFailoverConditionMet": {{Source: srcMgmt, ID: 6010}, {Source: srcMgmt, ID: 6213}, {Source: srcMgmt, ID: 6300}},
	// Failovers started for real: the two replica job families and
	// Exchange failover in commit mode (test mode changes nothing).
	"dttrapFailoverInProgress": {{Source: srcMgmt, ID: 6110}, {Source: srcMgmt, ID: 6210}, {Source: srcExch, ID: 200}},
	"dttrapKernelStarted":      {{Source: srcDT, ID: 4000}},
	"dttrapKernelStopped":      {{Source: srcDT, ID: 4005}},
	// Duplicate license keys detected across machines.
	"dttrapLicenseViolationOnNetwork": {{Source: srcDT, ID: 4}},
	// Expired evaluation, invalid key, and every license check that
	// disables the product.
	"dttrapLicenseViolationStartingSource": {
		{Source: srcDT, ID: 1}, {Source: srcDT, ID: 5}, {Source: srcDT, ID: 7},
		{Source: srcDT, ID: 4038}, {Source: srcDT, ID: 4040}, {Source: srcDT, ID: 4041},
		{Source: srcDT, ID: 4042}, {Source: srcDT, ID: 4043}, {Source: srcDT, ID: 4066},
	},
	// The driver's replication queuing memory is the memory pool's limit.
	"dttrapMemoryLimitReached": {{Source: srcDrv, ID: 8196}},
	// The engine's mirror completion and the jobs' "has completed its
	// mirror".
	"dttrapMirrorEnd":        {{Source: srcDT, ID: 4023}, {Source: srcMgmt, ID: 6150}, {Source: srcMgmt, ID: 6250}},
	"dttrapMirrorPause":      {{Source: srcDT, ID: 4020}},
	"dttrapMirrorResume":     {{Source: srcDT, ID: 4021}},
	"dttrapMirrorStart":      {{Source: srcDT, ID: 4019}},
	"dttrapMirrorStop":       {{Source: srcDT, ID: 4022}},
	"dttrapReplicationStart": {{Source: srcDT, ID: 4024}},
	// 4044: "an error was encountered and replication has been stopped".
	"dttrapReplicationStop":   {{Source: srcDT, ID: 4025}, {Source: srcDT, ID: 4044}},
	"dttrapRepSetModified":    {{Source: srcDT, ID: 4073}},
	"dttrapRestoreComplete":   {{Source: srcDT, ID: 4057}},
	"dttrapRestoreStarted":    {{Source: srcDT, ID: 4053}},
	"dttrapSourceStarted":     {{Source: srcDT, ID: 4002}},
	"dttrapSourceStopped":     {{Source: srcDT, ID: 4003}},
	"dttrapTargetFull":        {{Source: srcDT, ID: 4110}},
	"dttrapTargetStarted":     {{Source: srcDT, ID: 4001}},
	"dttrapTargetStopped":     {{Source: srcDT, ID: 4004}},
	"dttrapVerificationEnd":   {{Source: srcDT, ID: 4062}},
	"dttrapVerificationStart": {{Source: srcDT, ID: 4058}},
}

// withTrapEvents fills each trap's Events from trapEvents; every trap gets a
// non-nil list so the data file writes [] rather than null. A table entry
// for a trap the reference does not have is an error.
func withTrapEvents(traps []catalog.Trap) ([]catalog.Trap, error) {
	known := map[string]bool{}
	for i := range traps {
		known[traps[i].Name] = true
		traps[i].Events = append([]catalog.EventKey{}, trapEvents[traps[i].Name]...)
	}
	for name := range trapEvents {
		if !known[name] {
			return nil, fmt.Errorf("trap events: %s is not a trap of the reference", name)
		}
	}
	return traps, nil
}
