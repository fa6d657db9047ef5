package failover

import (
	"net"
	"path/filepath"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Spec configures the monitor of one replication set's source.
type Spec struct {
	Set      string   `json:"set"`                 // replication set (the source's job name)
	Source   string   `json:"source"`              // the source server's address, host:port
	Interval Duration `json:"interval"`            // between probes
	Missed   int      `json:"missed"`              // probes in a row without a reply that meet the condition
	Auto     bool     `json:"auto,omitempty"`      // fail over as soon as the condition is met
	Pre      []string `json:"pre,omitempty"`       // pre-failover script and its arguments
	Post     []string `json:"post,omitempty"`      // post-failover script and its arguments
	Timeout  Duration `json:"timeout,omitempty"`   // each script's time limit
	CopyPath string   `json:"copy_path,omitempty"` // this server's copy, for reverse protection
	OrigPath string   `json:"orig_path,omitempty"` // the source's protected path, for reverse protection
}

// Defaults of what a Spec leaves zero.
const (
	DefaultInterval      = Duration(5 * time.Second)
	DefaultMissed        = 5
	DefaultScriptTimeout = Duration(5 * time.Minute)
)

// Limits that keep a monitor meaningful.
const (
	minInterval = Duration(100 * time.Millisecond)
	maxInterval = Duration(time.Hour)
	maxMissed   = 1000
)

// withDefaults fills what s leaves zero.
func (s Spec) withDefaults() Spec {
	if s.Interval == 0 {
		s.Interval = DefaultInterval
	}
	if s.Missed == 0 {
		s.Missed = DefaultMissed
	}
	if s.Timeout == 0 {
		s.Timeout = DefaultScriptTimeout
	}
	return s
}

// Validate checks a spec (after defaults): a source that is not host:port
// is 168 (Not a valid failover or cutover source), anything else 101.
func (s Spec) Validate() error {
	if s.Set == "" {
		return catalog.Err(catalog.CodeInvalidParameter, "replication set name is empty")
	}
	host, port, err := net.SplitHostPort(s.Source)
	if err != nil || host == "" || port == "" {
		return catalog.Err(CodeInvalidSource, "%q: want host:port", s.Source)
	}
	if s.Interval < minInterval || s.Interval > maxInterval {
		return catalog.Err(catalog.CodeInvalidParameter, "interval %s: allowed %s to %s", s.Interval, minInterval, maxInterval)
	}
	if s.Missed < 1 || s.Missed > maxMissed {
		return catalog.Err(catalog.CodeInvalidParameter, "missed %d: allowed 1 to %d", s.Missed, maxMissed)
	}
	if s.Timeout < Duration(time.Second) {
		return catalog.Err(catalog.CodeInvalidParameter, "script timeout %s: at least 1s", s.Timeout)
	}
	for _, script := range [][]string{s.Pre, s.Post} {
		if len(script) > 0 && !filepath.IsAbs(script[0]) {
			return catalog.Err(catalog.CodeInvalidParameter, "script %q: want an absolute path", script[0])
		}
	}
	for _, p := range []string{s.CopyPath, s.OrigPath} {
		if p != "" && !filepath.IsAbs(p) {
			return catalog.Err(catalog.CodeInvalidParameter, "path %q: want an absolute path", p)
		}
	}
	return nil
}

// CodeInvalidSource is 168 Not a valid failover or cutover source.
const CodeInvalidSource = 168

// Duration is a time.Duration that JSON carries as text ("5s", "750ms").
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
