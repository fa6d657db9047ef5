package prometheus

import (
	"runtime"
	"runtime/debug"

	dto "github.com/prometheus/client_model/go"
)

// selfDescs are the exporter's own families.
type selfDescs struct {
	duration, success, eventsDropped, buildInfo *family
}

func newSelfDescs(fs *familySet) selfDescs {
	return selfDescs{
		duration: fs.add("dtrep_exporter_collector_duration_seconds",
			"How long the exporter's collector took in the last scrape.", dto.MetricType_GAUGE, LabelCollector),
		success: fs.add("dtrep_exporter_collector_success",
			"1 when the exporter's collector succeeded in the last scrape, 0 when it failed (its series are missing).",
			dto.MetricType_GAUGE, LabelCollector),
		eventsDropped: fs.add("dtrep_exporter_events_dropped_total",
			"Events the Prometheus exporter's subscription lost to a full buffer (dtrep_events_total undercounts by this much).",
			dto.MetricType_COUNTER),
		buildInfo: fs.add("dtrep_build_info",
			"Always 1; the labels name the dtrep build.", dto.MetricType_GAUGE, "version", "revision", "goversion"),
	}
}

// buildLabels reads the module version and VCS revision the Go toolchain
// stamped into the binary ("(devel)" and "" for a plain go build in a
// work tree without VCS information).
func buildLabels() (version, revision string) {
	version, revision = "(devel)", "unknown"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version, revision
	}
	if bi.Main.Version != "" {
		version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			revision = s.Value
		}
	}
	return version, revision
}

func (d *selfDescs) collectBuildInfo(b *builder, version, revision string) {
	b.add(d.buildInfo, 1, pairs([]string{"version", "revision", "goversion"}, []string{version, revision, runtime.Version()}))
}
