package view

import (
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/engine/stats"
)

// Input is what a server knows that the view shows.
type Input struct {
	Catalog *catalog.Catalog

	ServerName      string
	ProductVersion  string
	OperatingSystem string
	SourceRunning   bool
	TargetRunning   bool
	FailoverRunning bool

	Connections []ConnInput
	Sets        []SetInput
	Entries     []EntryInput
}

// ConnInput is one connection.
type ConnInput struct {
	ID    int
	Job   string
	InUse bool
	Set   SetInput

	Target     string // host:port as the job names it
	TargetName string // the target's server name, once connected
	TargetAddr string // the address connected to (IP:port), once connected
	TargetPath string

	Compression   int   // 0 off, 1..3
	BandwidthKbps int64 // 0 Unlimited

	// Status words of chapter 4, as the connection reports them.
	TransmitMode      string
	MirrorStatus      string
	ReplicationStatus string
	TargetDataState   string
	ConState          int
	ConnectedSince    time.Time
	// ChangeCapture is which kernel interface captures the set's changes,
	// and why the fallback if capture fell back (a dtrep item: chapter 4
	// has none).
	ChangeCapture string

	// Counters is the connection's statistics block.
	Counters stats.Instance
	// QueueBytes is the memory the connection's queue holds (Intermediate
	// queue); the catalog files the server-wide total, not this.
	QueueBytes int64
}

// SetInput is one replication set.
type SetInput struct {
	Name  string
	Root  string
	Rules []repset.Rule
	Size  repset.Size
	InUse bool // a connection uses it
}

// EntryInput is one target connection entry.
type EntryInput struct {
	SourceName      string
	SourceAddress   string
	ReplicationSet  string
	ConnectionID    int
	TargetDataState string
	TargetStatus    string
}
