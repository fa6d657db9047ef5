package mgmt

import (
	"net"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Limits on what a job spec may hold. They bound the work one request can
// cause; real jobs are far below them.
const (
	MaxJobNameLen  = 128
	MaxPathLen     = 4096
	MaxRules       = 1024 // include plus exclude globs
	MaxCompression = 3
	// MaxBandwidthKbps is 100 Gbit/s: anything larger is a typo.
	MaxBandwidthKbps = 100_000_000
)

// ValidateJobName checks a job name as it appears in paths and commands:
// printable text without slashes, not "." or "..", no surrounding spaces.
func ValidateJobName(name string) error {
	switch {
	case name == "":
		return catalog.Err(catalog.CodeInvalidParameter, "job name is empty")
	case len(name) > MaxJobNameLen:
		return catalog.Err(catalog.CodeInvalidParameter, "job name is longer than %d bytes", MaxJobNameLen)
	case !utf8.ValidString(name):
		return catalog.Err(catalog.CodeInvalidParameter, "job name is not valid UTF-8")
	case name == "." || name == "..":
		return catalog.Err(catalog.CodeInvalidParameter, "job name %q is reserved", name)
	case strings.TrimSpace(name) != name:
		return catalog.Err(catalog.CodeInvalidParameter, "job name %q has leading or trailing spaces", name)
	}
	for _, r := range name {
		if r == '/' || r == '\\' || !unicode.IsPrint(r) {
			return catalog.Err(catalog.CodeInvalidParameter, "job name %q: character %q not allowed", name, r)
		}
	}
	return nil
}

// ValidateMirrorMode checks a mirror mode; the empty mode means MirrorFull.
func ValidateMirrorMode(mode string) error {
	switch mode {
	case "", MirrorFull, MirrorDiff, MirrorChecksum:
		return nil
	}
	return catalog.Err(catalog.CodeInvalidOption, "mirror mode %q: allowed %s, %s, %s",
		mode, MirrorFull, MirrorDiff, MirrorChecksum)
}

// Validate checks a spec before anything acts on it: the CLI calls it so a
// bad command sends nothing, and the API calls it because request bodies are
// untrusted. The server may refuse more (a path that does not exist).
func (s JobSpec) Validate() error {
	if err := ValidateJobName(s.Name); err != nil {
		return err
	}
	if err := validatePath("source path", s.SourcePath); err != nil {
		return err
	}
	if !filepath.IsAbs(s.SourcePath) {
		return catalog.Err(catalog.CodeSourcePathInvalid, "source path %q is not absolute", s.SourcePath)
	}
	if err := validateTarget(s.Target); err != nil {
		return err
	}
	if err := validatePath("target path", s.TargetPath); err != nil {
		return err
	}
	if !filepath.IsAbs(s.TargetPath) {
		return catalog.Err(catalog.CodeInvalidParameter, "target path %q is not absolute", s.TargetPath)
	}
	if s.Compression < 0 || s.Compression > MaxCompression {
		return catalog.Err(catalog.CodeInvalidParameter, "compression level %d: allowed 0 (off) to %d", s.Compression, MaxCompression)
	}
	if s.BandwidthKbps < 0 || s.BandwidthKbps > MaxBandwidthKbps {
		return catalog.Err(catalog.CodeInvalidParameter, "bandwidth %d Kbps: allowed 0 (Unlimited) to %d", s.BandwidthKbps, MaxBandwidthKbps)
	}
	if n := len(s.Include) + len(s.Exclude); n > MaxRules {
		return catalog.Err(catalog.CodeInvalidParameter, "%d include/exclude rules: at most %d", n, MaxRules)
	}
	for _, g := range append(append([]string(nil), s.Include...), s.Exclude...) {
		if err := validateGlob(g); err != nil {
			return err
		}
	}
	return nil
}

func validatePath(what, p string) error {
	switch {
	case p == "":
		return catalog.Err(catalog.CodeInvalidParameter, "%s is empty", what)
	case len(p) > MaxPathLen:
		return catalog.Err(catalog.CodeInvalidParameter, "%s is longer than %d bytes", what, MaxPathLen)
	case strings.ContainsRune(p, 0):
		return catalog.Err(catalog.CodeInvalidParameter, "%s contains a NUL byte", what)
	}
	return nil
}

// validateTarget accepts host:port with a numeric port, as the reference's
// "Target route" shows it.
func validateTarget(t string) error {
	host, port, err := net.SplitHostPort(t)
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "target %q is not HOST:PORT", t)
	}
	if host == "" || strings.ContainsAny(host, " \t\x00/") {
		return catalog.Err(catalog.CodeInvalidParameter, "target %q: bad host", t)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return catalog.Err(catalog.CodeInvalidParameter, "target %q: port must be 1-65535", t)
	}
	return nil
}

func validateGlob(g string) error {
	if g == "" || len(g) > MaxPathLen || strings.ContainsRune(g, 0) {
		return catalog.Err(catalog.CodeInvalidParameter, "rule %q: empty, too long or contains NUL", g)
	}
	// path.Match reports a malformed pattern whatever the name; matching the
	// empty name is the cheapest way to ask.
	if _, err := path.Match(g, ""); err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "rule %q", g)
	}
	return nil
}
