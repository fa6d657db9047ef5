package status

// Connection is the status words of one source connection, as the
// replication service view shows them.
type Connection struct {
	ConnectionID      int
	TransmitMode      string
	MirrorStatus      string
	ReplicationStatus string
	TargetDataState   string
}

// TargetEntry is one target connection entry: a source connection as the
// target sees it.
type TargetEntry struct {
	Peer            string // the source's address without port (the target block's peer label)
	SourceName      string
	ReplicationSet  string
	ConnectionID    int
	TargetDataState string
	TargetStatus    string
}

// Snapshot is the status words of every running source connection and
// every target connection entry of a server at one moment: what a
// consumer of the engine (an exporter) reads beside the statistics.
type Snapshot struct {
	Connections []Connection
	Targets     []TargetEntry
}
