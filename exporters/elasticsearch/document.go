package elasticsearch

import (
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Names the documents and templates share.
const (
	ecsVersion    = "8.11.0"
	module        = "dtrep"
	serviceName   = "dtrep"
	eventsDataset = "dtrep.events"
	statsDataset  = "dtrep.stats"
)

// EventsStream and StatsStream name the data streams of a namespace.
func EventsStream(ns string) string { return "logs-" + eventsDataset + "-" + ns }
func StatsStream(ns string) string  { return "metrics-" + statsDataset + "-" + ns }

// The ECS field sets both kinds of document carry. Nested objects rather
// than dotted keys: Elasticsearch accepts both, and nested ones keep each
// name written once.
type ecsField struct {
	Version string `json:"version"`
}

type logField struct {
	Level string `json:"level"`
}

type hostField struct {
	Name string `json:"name"`
}

type serviceField struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type dataStreamField struct {
	Type      string `json:"type"`
	Dataset   string `json:"dataset"`
	Namespace string `json:"namespace"`
}

type eventField struct {
	Kind     string `json:"kind"`
	Code     string `json:"code,omitempty"`
	Provider string `json:"provider,omitempty"`
	Severity int    `json:"severity,omitempty"`
	Dataset  string `json:"dataset"`
	Module   string `json:"module"`
	Sequence uint64 `json:"sequence,omitempty"`
	// Start and Duration (nanoseconds, as ECS wants) time a mirror.
	Start    string `json:"start,omitempty"`
	Duration int64  `json:"duration,omitempty"`
}

// The objects an event or a statistics block concerns.
type idField struct {
	ID int `json:"id"`
}

type nameField struct {
	Name string `json:"name"`
}

// concerns is what dtrep.connection, .job, .replication_set and .peer hold.
type concerns struct {
	Connection     *idField   `json:"connection,omitempty"`
	Job            *nameField `json:"job,omitempty"`
	ReplicationSet *nameField `json:"replication_set,omitempty"`
	// Peer is the other server: the target of a source connection, the
	// source of a target block.
	Peer string `json:"peer,omitempty"`
}

func newConcerns(connID int, job, repSet, peer string) concerns {
	var c concerns
	if connID != 0 {
		c.Connection = &idField{ID: connID}
	}
	if job != "" {
		c.Job = &nameField{Name: job}
	}
	if repSet != "" {
		c.ReplicationSet = &nameField{Name: repSet}
	}
	c.Peer = peer
	return c
}

// formatTime is the one time layout of every document: UTC, nanoseconds.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// severity maps a catalog level to a syslog severity number (ECS
// event.severity is "the numeric severity ... according to your event
// source"; syslog's is the scale log tools share). Success, which syslog
// lacks, sits between warning and information as notice.
func severity(l catalog.Level) int {
	switch l {
	case catalog.LevelError:
		return 3
	case catalog.LevelWarning:
		return 4
	case catalog.LevelSuccess:
		return 5
	default:
		return 6
	}
}

// logLevel is log.level: the catalog's level in lower case, as log tools
// colour and filter it.
func logLevel(l catalog.Level) string {
	if l == "" {
		return "information"
	}
	return strings.ToLower(string(l))
}

// paramName is the field of the n-th insertion string (1-based), in the
// reference's %n numbering.
func paramName(n int) string { return "param" + strconv.Itoa(n) }
