package view

// View is the whole replication service view of one server.
type View struct {
	Root            Fields           `json:"root"`
	Connections     []Connection     `json:"connections"`
	ReplicationSets []ReplicationSet `json:"replication_sets"`
	TargetEntries   []TargetEntry    `json:"target_connection_entries"`
}

// Connection is one connection from this server: its row of the
// connections folder and its specific items.
type Connection struct {
	ID  int    `json:"id"`
	Job string `json:"job"`
	// InUse is set while the connection's job runs it. A connection that is
	// not in use (its job's connection ended on an error it does not retry)
	// may be deleted.
	InUse bool   `json:"in_use"`
	Row   Fields `json:"row"`   // Connections folder items
	Items Fields `json:"items"` // Specific connection items, but the paths
	Paths []Path `json:"paths"` // the replication set's Path and Attributes
	// ChangeCapture is dtrep's own item, beside the reference's: fanotify
	// or inotify, and why capture fell back to inotify.
	ChangeCapture string `json:"change_capture,omitempty"`
}

// ReplicationSet is one replication set of this server.
type ReplicationSet struct {
	Name  string `json:"name"`
	InUse bool   `json:"in_use"`
	Row   Fields `json:"row"`   // Replication sets folder items
	Items Fields `json:"items"` // Specific replication set items, but the paths
	Paths []Path `json:"paths"`
}

// Path is one rule of a replication set: the Path and Attributes items.
type Path struct {
	Path       string `json:"Path"`
	Attributes string `json:"Attributes"`
}

// TargetEntry is one connection to this server as a target.
type TargetEntry struct {
	ID    int    `json:"id"`
	Row   Fields `json:"row"`   // Target connection entries folder items
	Items Fields `json:"items"` // Specific target connection items, but the snapshots
	// Snapshots holds the Time Taken, Type, ID and Target States items of
	// each snapshot; dtrep takes none, so it is empty.
	Snapshots []Fields `json:"snapshots"`
}

// ChangeCaptureItem names Connection.ChangeCapture where the view is shown
// as text.
const ChangeCaptureItem = "Change capture"

// StatusDisconnected is the Target Data State of a target connection entry
// no connection uses any more.
const StatusDisconnected = "Disconnected"

// Chapter 4 folder names, as the catalog files its items.
const (
	FolderRoot           = "Root items"
	FolderConnections    = "Connections folder items"
	FolderConnection     = "Specific connection items"
	FolderSets           = "Replication sets folder items"
	FolderSet            = "Specific replication set items"
	FolderTargetEntries  = "Target connection entries folder items"
	FolderTargetEntry    = "Specific target connection items"
	itemPath             = "Path"
	itemAttributes       = "Attributes"
	snapshotItemFirst    = "Time Taken"
	compressionOffWord   = "Off"
	bandwidthUnlimited   = "Unlimited"
	yes, no              = "Yes", "No"
	usageNormal          = "Normal"
	targetStatusOK       = "OK"
	targetStatusRetrying = "Retrying"
)
