package prometheus

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/golden"
	"github.com/dtrep/dtrep/internal/testtool"
)

// The committed files are exactly what the code renders.
func TestCommittedFiles(t *testing.T) {
	cat := catalog.Must()
	for name, render := range map[string]func(*catalog.Catalog) ([]byte, error){
		RulesFile: RulesYAML, TestsFile: TestsYAML,
	} {
		want, err := render(cat)
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, name, want, "go test ./packs/prometheus -run TestCommittedFiles -update")
	}
}

// Every rule queries only what the exporter serves, and so do its tests'
// input series.
func TestRulesUseServedMetrics(t *testing.T) {
	cat := catalog.Must()
	chk, err := NewChecker(cat)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := Rules(cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if err := chk.Check(r.Expr); err != nil {
			t.Errorf("%s: %v", r.Alert, err)
		}
		for _, c := range r.Cases {
			for _, s := range c.Series {
				if err := chk.Check(s.Series); err != nil {
					t.Errorf("%s, case %q: %v", r.Alert, c.Name, err)
				}
			}
		}
	}
}

// Every rule has a case where it fires and a time where it stays quiet,
// and rule names are unique.
func TestEveryRuleTested(t *testing.T) {
	rules, err := Rules(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.Alert] {
			t.Errorf("%s defined twice", r.Alert)
		}
		seen[r.Alert] = true
		fires, quiet := false, false
		for _, c := range r.Cases {
			for _, e := range c.Evals {
				if len(e.Fires) > 0 {
					fires = true
				} else {
					quiet = true
				}
			}
		}
		if !fires || !quiet {
			t.Errorf("%s: firing case %v, quiet case %v; want both", r.Alert, fires, quiet)
		}
		if r.Severity != SeverityCritical && r.Severity != SeverityWarning {
			t.Errorf("%s: severity %q", r.Alert, r.Severity)
		}
	}
	for _, want := range []string{"DtrepConnectionError", "DtrepRepeatedAutoDisconnects", "DtrepQueueAboveThreshold",
		"DtrepMirrorRequired", "DtrepRestoreRequired", "DtrepTargetDiskFull", "DtrepTargetRetrying",
		"DtrepEventsDropped", "DtrepExporterCollectorFailing"} {
		if !seen[want] {
			t.Errorf("no rule %s", want)
		}
	}
}

// The queue threshold follows the reference's settings.
func TestQueueThreshold(t *testing.T) {
	got, err := queueThreshold(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(1024 << 20 * 50 / 100); got != want {
		t.Errorf("threshold %d, want %d (50%% of 1024 MB)", got, want)
	}
}

func TestExpandRefusesUnknownLabels(t *testing.T) {
	if _, err := expand("{{ $labels.nope }}", map[string]string{}); err == nil {
		t.Error("missing label accepted")
	}
	if _, err := expand("{{ $value }}", map[string]string{}); err == nil {
		t.Error("other template accepted")
	}
	if s, err := expand("a {{ $labels.x }} b", map[string]string{"x": "1"}); err != nil || s != "a 1 b" {
		t.Errorf("expand: %q %v", s, err)
	}
}

func TestCheckerRefuses(t *testing.T) {
	chk, err := NewChecker(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`up`,
		`dtrep_no_such_metric_total`,
		`dtrep_connection_sent_bytes_total{peer="x"}`,
		`dtrep_connection_mirror_status{state="Mirroring fast"}`,
		`dtrep_connection_mirror_status{state=~"Idle|Busy doing"}`,
		`sum by (peer) (dtrep_connection_sent_bytes_total)`,
	} {
		if err := chk.Check(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	for _, good := range []string{
		`sum by (instance, connection_id) (rate(dtrep_connection_sent_bytes_total{instance=~"$instance"}[$__rate_interval]))`,
		`dtrep_connection_mirror_status{state="In Progress"} == 1`,
	} {
		if err := chk.Check(good); err != nil {
			t.Errorf("%s refused: %v", good, err)
		}
	}
}

// promtool accepts the rules and every unit test passes.
func TestPromtool(t *testing.T) {
	bin := testtool.Path(t, "promtool")
	for _, args := range [][]string{{"check", "rules", RulesFile}, {"test", "rules", TestsFile}} {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
