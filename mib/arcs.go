package mib

// The arcs below are the module's OIDs. They are an interface: managers
// store them, so an object keeps its arc for ever and a new object takes a
// new one. Build checks these tables against the catalog both ways.

// Module structure under the enterprise base (the MODULE-IDENTITY).
const (
	arcNotifications = 0 // dttrap* live under .0 so SMIv1 managers can map them
	arcObjects       = 1
	arcConformance   = 2

	arcStatistics  = 1 // dtObjects.1: scalars
	arcConnTable   = 2 // dtObjects.2: dtconTable
	arcTrapObjects = 3 // dtObjects.3: what notifications carry

	arcCompliances = 1
	arcGroups      = 2
)

// objectArc places one object. Name is the reference's SNMP name for the
// catalog's statistics; Of and Derive describe the objects dtrep adds that
// show another object's quantity in another form.
type objectArc struct {
	Arc    uint32
	Name   string
	Of     string
	Derive Derive
}

// scalarArcs are the server-wide statistics (dtStatistics).
var scalarArcs = []objectArc{
	{Arc: 1, Name: "dtSourceState"},
	{Arc: 2, Name: "dtTargetState"},
	{Arc: 3, Name: "dtUpTime"},
	{Arc: 4, Name: "dtLoginCount"},
	{Arc: 5, Name: "dtFailedLoginCount"},
	{Arc: 6, Name: "dtRepOpsGenerated"},
	{Arc: 7, Name: "dtRepBytesGenerated"},
	{Arc: 8, Name: "dtMirOpsGenerated"},
	{Arc: 9, Name: "dtMirBytesGenerated"},
	{Arc: 10, Name: "dtFailedMirrorCount"},
	{Arc: 11, Name: "dtFailedRepCount"},
	{Arc: 12, Name: "dtActFailCount"},
	{Arc: 13, Name: "dtDriverQueuePercent"},
	{Arc: 14, Name: "dtCurrentMemoryUsage"},
	{Arc: 15, Name: "dtCurrentMemoryUsageMB", Of: "dtCurrentMemoryUsage", Derive: DeriveMB},
	{Arc: 16, Name: "dtConnectionCount"},
	{Arc: 17, Name: "dtRetryCount"},
	{Arc: 18, Name: "dtOpsDroppedCount"},
	{Arc: 19, Name: "dtAutoDisCount"},
	{Arc: 20, Name: "dtAutoReCount"},
	{Arc: 21, Name: "dtRepBytesGenerated64", Of: "dtRepBytesGenerated", Derive: DeriveHC},
	{Arc: 22, Name: "dtMirBytesGenerated64", Of: "dtMirBytesGenerated", Derive: DeriveHC},
}

// columnArcs are the dtconEntry columns; column 1 is the index.
var columnArcs = []objectArc{
	{Arc: 1, Name: "dtconId", Derive: DeriveIndex},
	{Arc: 2, Name: "dtconIpAddress"},
	{Arc: 3, Name: "dtconConnectTime"},
	{Arc: 4, Name: "dtconState"},
	{Arc: 5, Name: "dtconOpsInCmdQueue"},
	{Arc: 6, Name: "dtconOpsInAckQueue"},
	{Arc: 7, Name: "dtconOpsInRepQueue"},
	{Arc: 8, Name: "dtconOpsInMirQueue"},
	{Arc: 9, Name: "dtconBytesInRepQueue"},
	{Arc: 10, Name: "dtconBytesInMirQueue"},
	{Arc: 11, Name: "dtconOpsTx"},
	{Arc: 12, Name: "dtconBytesTx"},
	{Arc: 13, Name: "dtconBytesCompressedTx"},
	{Arc: 14, Name: "dtconOpsRx"},
	{Arc: 15, Name: "dtconBytesRx"},
	{Arc: 16, Name: "dtconResentOpCount"},
	{Arc: 17, Name: "dtconBytesTx64", Of: "dtconBytesTx", Derive: DeriveHC},
	{Arc: 18, Name: "dtconBytesCompressedTx64", Of: "dtconBytesCompressedTx", Derive: DeriveHC},
	{Arc: 19, Name: "dtconBytesRx64", Of: "dtconBytesRx", Derive: DeriveHC},
}

// trapObjectArcs are the objects every notification carries (dtTrapObjects).
var trapObjectArcs = []objectArc{
	{Arc: 1, Name: "dtTrapConnectionId", Derive: DeriveTrapConnectionID},
	{Arc: 2, Name: "dtTrapPeerAddress", Derive: DeriveTrapPeer},
	{Arc: 3, Name: "dtTrapRepSetName", Derive: DeriveTrapRepSet},
	{Arc: 4, Name: "dtTrapMessage", Derive: DeriveTrapMessage},
	{Arc: 5, Name: "dtTrapEventSource", Derive: DeriveTrapEventSource},
	{Arc: 6, Name: "dtTrapEventId", Derive: DeriveTrapEventID},
}

// trapArcs are the notification arcs under dtNotifications, one per dttrap*
// trap of chapter 10, numbered in the reference's order.
var trapArcs = map[string]uint32{
	"dttrapAutoDisconnectEndConnection":     1,
	"dttrapAutoDisconnectPauseTransmission": 2,
	"dttrapAutoDisconnectShutdown":          3,
	"dttrapAutoDisconnectWriteQueue":        4,
	"dttrapAutoReconnect":                   5,
	"dttrapConnectionFailed":                6,
	"dttrapConnectionLost":                  7,
	"dttrapConnectionPause":                 8,
	"dttrapConnectionRequested":             9,
	"dttrapConnectionRequestReceived":       10,
	"dttrapConnectionResume":                11,
	"dttrapConnectionSucceeded":             12,
	"dttrapFailoverConditionMet":            13,
	"dttrapFailoverInProgress":              14,
	"dttrapKernelStarted":                   15,
	"dttrapKernelStopped":                   16,
	"dttrapLicenseViolationOnNetwork":       17,
	"dttrapLicenseViolationStartingSource":  18,
	"dttrapMemoryLimitReached":              19,
	"dttrapMemoryLimitRemedied":             20,
	"dttrapMirrorEnd":                       21,
	"dttrapMirrorPause":                     22,
	"dttrapMirrorResume":                    23,
	"dttrapMirrorStart":                     24,
	"dttrapMirrorStop":                      25,
	"dttrapReplicationStart":                26,
	"dttrapReplicationStop":                 27,
	"dttrapRepSetModified":                  28,
	"dttrapRestoreComplete":                 29,
	"dttrapRestoreStarted":                  30,
	"dttrapScheduledConnectEnd":             31,
	"dttrapScheduledConnectStart":           32,
	"dttrapSourceStarted":                   33,
	"dttrapSourceStopped":                   34,
	"dttrapTargetFull":                      35,
	"dttrapTargetStarted":                   36,
	"dttrapTargetStopped":                   37,
	"dttrapVerificationEnd":                 38,
	"dttrapVerificationFailure":             39,
	"dttrapVerificationStart":               40,
}

// enumLabels name the values of the state objects, keyed by catalog
// counter. The values are the catalog enumeration's (and, for conState, the
// one combination the reference allows: Scheduled and Error, 12).
var enumLabels = map[string][]enumLabel{
	"SourceState": {{0, "notRunning"}, {1, "runningWithoutDriver"}, {2, "runningWithDriver"}},
	"TargetState": {{0, "notRunning"}, {1, "running"}},
	"conState": {{0, "none"}, {1, "active"}, {2, "paused"}, {4, "scheduled"}, {8, "error"},
		{12, "scheduledAndError"}},
}

type enumLabel struct {
	Value int
	Label string
}
