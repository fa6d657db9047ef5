package mgmt

import (
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func validSpec() JobSpec {
	return JobSpec{Name: "web", SourcePath: "/srv/www", Target: "10.0.0.2:6320", TargetPath: "/backup/www",
		Compression: 2, BandwidthKbps: 1000, Include: []string{"*.html"}, Exclude: []string{"*.tmp"}}
}

func TestJobSpecValidate(t *testing.T) {
	if err := validSpec().Validate(); err != nil {
		t.Fatalf("valid spec refused: %v", err)
	}
	cases := []struct {
		name   string
		change func(*JobSpec)
		code   int
	}{
		{"empty name", func(s *JobSpec) { s.Name = "" }, catalog.CodeInvalidParameter},
		{"slash in name", func(s *JobSpec) { s.Name = "a/b" }, catalog.CodeInvalidParameter},
		{"dot-dot name", func(s *JobSpec) { s.Name = ".." }, catalog.CodeInvalidParameter},
		{"control char", func(s *JobSpec) { s.Name = "a\nb" }, catalog.CodeInvalidParameter},
		{"padded name", func(s *JobSpec) { s.Name = " web" }, catalog.CodeInvalidParameter},
		{"long name", func(s *JobSpec) { s.Name = strings.Repeat("x", MaxJobNameLen+1) }, catalog.CodeInvalidParameter},
		{"bad utf8", func(s *JobSpec) { s.Name = "\xff" }, catalog.CodeInvalidParameter},
		{"no source", func(s *JobSpec) { s.SourcePath = "" }, catalog.CodeInvalidParameter},
		{"relative source", func(s *JobSpec) { s.SourcePath = "www" }, catalog.CodeSourcePathInvalid},
		{"NUL in source", func(s *JobSpec) { s.SourcePath = "/a\x00b" }, catalog.CodeInvalidParameter},
		{"no port", func(s *JobSpec) { s.Target = "10.0.0.2" }, catalog.CodeInvalidParameter},
		{"no host", func(s *JobSpec) { s.Target = ":6320" }, catalog.CodeInvalidParameter},
		{"port zero", func(s *JobSpec) { s.Target = "h:0" }, catalog.CodeInvalidParameter},
		{"port too big", func(s *JobSpec) { s.Target = "h:65536" }, catalog.CodeInvalidParameter},
		{"named port", func(s *JobSpec) { s.Target = "h:http" }, catalog.CodeInvalidParameter},
		{"no target path", func(s *JobSpec) { s.TargetPath = "" }, catalog.CodeInvalidParameter},
		{"relative target path", func(s *JobSpec) { s.TargetPath = "b" }, catalog.CodeInvalidParameter},
		{"compression -1", func(s *JobSpec) { s.Compression = -1 }, catalog.CodeInvalidParameter},
		{"compression 4", func(s *JobSpec) { s.Compression = 4 }, catalog.CodeInvalidParameter},
		{"negative bandwidth", func(s *JobSpec) { s.BandwidthKbps = -1 }, catalog.CodeInvalidParameter},
		{"huge bandwidth", func(s *JobSpec) { s.BandwidthKbps = MaxBandwidthKbps + 1 }, catalog.CodeInvalidParameter},
		{"bad include", func(s *JobSpec) { s.Include = []string{"[a"} }, catalog.CodeInvalidParameter},
		{"bad exclude after a mismatch", func(s *JobSpec) { s.Exclude = []string{"x[a"} }, catalog.CodeInvalidParameter},
		{"empty rule", func(s *JobSpec) { s.Exclude = []string{""} }, catalog.CodeInvalidParameter},
		{"too many rules", func(s *JobSpec) { s.Include = make([]string, MaxRules+1) }, catalog.CodeInvalidParameter},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := validSpec()
			c.change(&s)
			err := s.Validate()
			if got := catalog.CodeOf(err); got != c.code {
				t.Fatalf("Validate() = %v, code %d, want %d", err, got, c.code)
			}
		})
	}
}

func TestValidateMirrorMode(t *testing.T) {
	for _, m := range []string{"", MirrorFull, MirrorDiff, MirrorChecksum} {
		if err := ValidateMirrorMode(m); err != nil {
			t.Errorf("mode %q refused: %v", m, err)
		}
	}
	for _, m := range []string{"Full", "fast", "diff "} {
		if got := catalog.CodeOf(ValidateMirrorMode(m)); got != catalog.CodeInvalidOption {
			t.Errorf("mode %q: code %d, want %d", m, got, catalog.CodeInvalidOption)
		}
	}
}
