package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"
)

// The data files are extracted once from the reference text (see extract/)
// and then reviewed by hand; catalog_test.go cross-checks them against the
// reference so the two never drift apart.
//
//go:embed data/*.json
var dataFS embed.FS

// Level is an event's severity as the reference writes it. "Informational",
// which the reference also uses, is normalised to Information.
type Level string

const (
	LevelError       Level = "Error"
	LevelWarning     Level = "Warning"
	LevelInformation Level = "Information"
	LevelSuccess     Level = "Success"
)

// EventKey identifies an event: IDs alone are not unique (4097, 4098, 4099,
// 8192 and 10000 each appear twice). Nor, strictly, is the pair: the
// reference lists two different messages under RepDrv 4097, RepKap 4098,
// RepDrv and RepHsm 8192 and Double-Take 10000. A key names the first one
// listed; EventsByID returns all of them.
type EventKey struct {
	Source string `json:"source"`
	ID     int    `json:"id"`
}

func (k EventKey) String() string { return fmt.Sprintf("%s/%d", k.Source, k.ID) }

// Event is one message of chapter 6.
type Event struct {
	// Source is the first source the reference lists; Sources holds every
	// source listed ("RepDrv, RepKap, or RepHsm") and always includes Source.
	Source  string   `json:"source"`
	Sources []string `json:"sources"`
	ID      int      `json:"id"`
	Log     string   `json:"log"` // "Application" or "System"
	Level   Level    `json:"level"`
	// Message is the template with %1..%n insertion points, as written.
	Message string `json:"message"`
	// Action is the required response (or "User action required") text.
	Action string `json:"action"`
	// Inserts is the number of distinct insertion points in Message.
	Inserts int `json:"inserts"`
}

// Key returns the event's identity under its primary source.
func (e Event) Key() EventKey { return EventKey{Source: e.Source, ID: e.ID} }

// ErrorCode is one code of chapter 5.
type ErrorCode struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	// Note is the reference's parenthetical explanation, where it gives one
	// (code 1: "generated when a command failed but ...").
	Note string `json:"note,omitempty"`
}

// Surface-name fields of Counter are empty where the surface lacks the
// quantity; NotOnSurface renders that absence for people.
const NotOnSurface = "(not on this surface)"

// Scope says which instance of a statistic block a counter belongs to.
type Scope string

const (
	ScopeKernel     Scope = "kernel"     // one per server (includes the allocators)
	ScopeSecurity   Scope = "security"   // one per server
	ScopeSource     Scope = "source"     // one per server, source module
	ScopeTarget     Scope = "target"     // one per source peer seen by the target
	ScopeConnection Scope = "connection" // one per connection
)

// Kind is how a quantity behaves over time.
type Kind string

const (
	KindCounter Kind = "counter" // only grows (until a service restart or the reference's reset)
	KindGauge   Kind = "gauge"   // goes up and down
	KindInfo    Kind = "info"    // a string or time shown as text (addresses, file names, times)
)

// Counter is one quantity, with its name on each surface that shows it.
type Counter struct {
	// Name is the stable identifier used in code (DTStat label where one exists).
	Name        string `json:"name"`
	Description string `json:"description"`
	Kind        Kind   `json:"kind"`
	// Unit: bytes, kilobytes, megabytes, ops, count, seconds, microseconds,
	// percent, state, kbps, timestamp, address, path, text.
	Unit  string `json:"unit"`
	Scope Scope  `json:"scope"`

	DTStatSection string `json:"dtstat_section"` // e.g. "KERNEL"
	DTStatLabel   string `json:"dtstat_label"`   // e.g. "RepOpsGenerated"
	DTStatCSV     string `json:"dtstat_csv"`     // column header in dtstat -s / -st output
	PerfObject    string `json:"perf_object"`    // e.g. "Double-Take Connection"
	PerfCounter   string `json:"perf_counter"`   // e.g. "Bytes transferred"
	PerfHelp      string `json:"perf_help"`      // chapter 7's explanation of PerfCounter, as written
	SNMPObject    string `json:"snmp_object"`    // e.g. "dtconBytesTx"
	Prometheus    string `json:"prometheus"`     // e.g. "dtrep_connection_sent_bytes_total"
	ViewField     string `json:"view_field"`     // chapter 4 column, e.g. "Sent (bytes)"
}

// Trap is one dttrap* notification of chapter 10.
type Trap struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Events      []EventKey `json:"events"` // catalog events that raise it; empty when none does
}

// EnumValue is one value of a status enumeration.
type EnumValue struct {
	Value       int    `json:"value"`
	Name        string `json:"name"` // the reference's status word, e.g. "Mirror Required"
	Description string `json:"description"`
}

// Enum is a status enumeration of chapters 3, 4 and 10.
type Enum struct {
	Name   string      `json:"name"` // e.g. "Target Data State"
	Values []EnumValue `json:"values"`
}

// ViewField is an item of the replication service view (chapter 4).
type ViewField struct {
	Folder      string `json:"folder"` // "Root items", "Connections folder items", ...
	Name        string `json:"name"`
	Description string `json:"description"`
	Enum        string `json:"enum,omitempty"` // name of the enumeration its values come from
}

// SettingStatus says whether a setting is in use.
type SettingStatus string

const (
	SettingActive   SettingStatus = "active"
	SettingInternal SettingStatus = "internal" // "Used internally by Double-Take. Do not modify this entry."
	SettingUnused   SettingStatus = "unused"   // "This setting is no longer used."
)

// Setting is one server or job setting of chapter 11.
type Setting struct {
	Name           string `json:"name"`
	Description    string `json:"description"`
	Values         string `json:"values"`  // allowed values as the reference writes them
	Default        string `json:"default"` // as the reference writes it
	ConsoleSetting string `json:"console_setting"`
	// RestartRequired is nil where the reference does not say.
	RestartRequired *bool         `json:"restart_required"`
	Status          SettingStatus `json:"status"`
	Notes           string        `json:"notes,omitempty"`

	// Machine-checkable form of Values, reviewed by hand.
	Type    string   `json:"type"`              // int, string, path, bool, enum
	Min     *int64   `json:"min,omitempty"`     // inclusive, for int
	Max     *int64   `json:"max,omitempty"`     // inclusive, for int
	Allowed []string `json:"allowed,omitempty"` // for enum: the accepted values
	// Value is the embedded default dtrep uses (Default may be prose such as
	// "the location where the Double-Take files were installed").
	Value string `json:"value"`

	// Restart is the reference's "Service restart required" text as written;
	// RestartRequired is its hand-reviewed reading ("No for future
	// connections, Yes for the current connection" reads as true).
	Restart string `json:"restart,omitempty"`
	// Extension marks a dtrep setting the reference does not have
	// (data/settings_dtrep.json).
	Extension bool `json:"extension,omitempty"`
}

// Catalog is the whole vocabulary.
type Catalog struct {
	Events     []Event     `json:"events"`
	Errors     []ErrorCode `json:"errors"`
	Counters   []Counter   `json:"counters"`
	Traps      []Trap      `json:"traps"`
	Enums      []Enum      `json:"enums"`
	ViewFields []ViewField `json:"view_fields"`
	Settings   []Setting   `json:"settings"`

	eventIdx   map[EventKey]int
	errorIdx   map[int]int
	counterIdx map[string]int
	settingIdx map[string]int
	trapIdx    map[string]int
}

var (
	loadOnce sync.Once
	loaded   *Catalog
	loadErr  error
)

// Load returns the embedded catalog, parsed once.
func Load() (*Catalog, error) {
	loadOnce.Do(func() { loaded, loadErr = parse() })
	return loaded, loadErr
}

// Must returns the embedded catalog and panics if the committed data files do
// not parse: that is a build defect, never bad user input.
func Must() *Catalog {
	c, err := Load()
	if err != nil {
		panic("BUG: embedded catalog: " + err.Error())
	}
	return c
}

func parse() (*Catalog, error) {
	c := &Catalog{}
	files := []struct {
		name string
		dst  any
	}{
		{"data/events.json", &c.Events},
		{"data/errors.json", &c.Errors},
		{"data/counters.json", &c.Counters},
		{"data/traps.json", &c.Traps},
		{"data/enums.json", &c.Enums},
		{"data/view.json", &c.ViewFields},
		{"data/settings.json", &c.Settings},
		{"data/settings_dtrep.json", &settingsAppender{&c.Settings}},
	}
	for _, f := range files {
		b, err := dataFS.ReadFile(f.name)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		if err := json.Unmarshal(b, f.dst); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w", f.name, err)
		}
	}
	if err := c.index(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) index() error {
	c.eventIdx = map[EventKey]int{}
	for i, e := range c.Events {
		for _, s := range e.Sources {
			k := EventKey{Source: s, ID: e.ID}
			if j, dup := c.eventIdx[k]; dup {
				// A second message under the same key is the
				// reference's own ambiguity (see EventKey); the same
				// message twice is a defect of the data file.
				if c.Events[j].Message == e.Message {
					return fmt.Errorf("catalog: duplicate event %s", k)
				}
				continue
			}
			c.eventIdx[k] = i
		}
	}
	c.errorIdx = map[int]int{}
	for i, e := range c.Errors {
		if _, dup := c.errorIdx[e.Code]; dup {
			return fmt.Errorf("catalog: duplicate error code %d", e.Code)
		}
		c.errorIdx[e.Code] = i
	}
	c.counterIdx = map[string]int{}
	for i, k := range c.Counters {
		if _, dup := c.counterIdx[k.Name]; dup {
			return fmt.Errorf("catalog: duplicate counter %s", k.Name)
		}
		c.counterIdx[k.Name] = i
	}
	c.settingIdx = map[string]int{}
	for i, s := range c.Settings {
		if _, dup := c.settingIdx[s.Name]; dup {
			return fmt.Errorf("catalog: duplicate setting %s", s.Name)
		}
		c.settingIdx[s.Name] = i
	}
	c.trapIdx = map[string]int{}
	for i, t := range c.Traps {
		if _, dup := c.trapIdx[t.Name]; dup {
			return fmt.Errorf("catalog: duplicate trap %s", t.Name)
		}
		c.trapIdx[t.Name] = i
	}
	return nil
}

// Event looks an event up by any of its sources and its ID.
func (c *Catalog) Event(source string, id int) (Event, bool) {
	i, ok := c.eventIdx[EventKey{Source: source, ID: id}]
	if !ok {
		return Event{}, false
	}
	return c.Events[i], true
}

// ErrorCode looks an error code up.
func (c *Catalog) ErrorCode(code int) (ErrorCode, bool) {
	i, ok := c.errorIdx[code]
	if !ok {
		return ErrorCode{}, false
	}
	return c.Errors[i], true
}

// Counter looks a counter up by its Name.
func (c *Catalog) Counter(name string) (Counter, bool) {
	i, ok := c.counterIdx[name]
	if !ok {
		return Counter{}, false
	}
	return c.Counters[i], true
}

// Setting looks a setting up by its exact name.
func (c *Catalog) Setting(name string) (Setting, bool) {
	i, ok := c.settingIdx[name]
	if !ok {
		return Setting{}, false
	}
	return c.Settings[i], true
}

// Trap looks a trap up by name.
func (c *Catalog) Trap(name string) (Trap, bool) {
	i, ok := c.trapIdx[name]
	if !ok {
		return Trap{}, false
	}
	return c.Traps[i], true
}

// Enum looks a status enumeration up by name.
func (c *Catalog) Enum(name string) (Enum, bool) {
	for _, e := range c.Enums {
		if e.Name == name {
			return e, true
		}
	}
	return Enum{}, false
}
