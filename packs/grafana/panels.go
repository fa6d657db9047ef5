package grafana

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Grafana unit identifiers the panels use.
const (
	unitBytes     = "bytes"
	unitBytesRate = "Bps"
	unitOpsRate   = "ops"
	unitRatio     = "percentunit"
	unitSeconds   = "s"
	unitShort     = "short"
	unitDateTime  = "dateTimeAsIso"
)

func targets(qs []*prometheus.DataqueryBuilder) []cog.Builder[variants.Dataquery] {
	out := make([]cog.Builder[variants.Dataquery], 0, len(qs))
	for i, q := range qs {
		out = append(out, q.RefId(string(rune('A'+i))))
	}
	return out
}

// graph is a time series panel.
func (b *builder) graph(title, desc, unit string, w, h uint32, qs ...*prometheus.DataqueryBuilder) *timeseries.PanelBuilder {
	return timeseries.NewPanelBuilder().Id(b.id()).Title(title).Description(desc).Unit(unit).
		Span(w).Height(h).Datasource(datasource()).Targets(targets(qs)).
		Min(0).FillOpacity(10).ShowPoints(common.VisibilityModeNever).
		Legend(common.NewVizLegendOptionsBuilder().DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom).ShowLegend(true))
}

// single is a stat panel reducing each series to its last value.
func (b *builder) single(title, desc, unit string, w, h uint32, qs ...*prometheus.DataqueryBuilder) *stat.PanelBuilder {
	return stat.NewPanelBuilder().Id(b.id()).Title(title).Description(desc).Unit(unit).
		Span(w).Height(h).Datasource(datasource()).Targets(targets(qs)).
		GraphMode(common.BigValueGraphModeNone).ColorMode(common.BigValueColorModeNone).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false))
}

// word is a stat panel showing which word of a state set is 1: the query
// keeps only that series and the legend names it.
func (b *builder) word(title, desc string, w, h uint32, expr string) *stat.PanelBuilder {
	return b.single(title, desc, unitShort, w, h, instant(expr+" == 1", "{{state}}")).
		TextMode(common.BigValueTextModeName)
}

// bars is a horizontal bar gauge of the last value of each series.
func (b *builder) bars(title, desc, unit string, w, h uint32, qs ...*prometheus.DataqueryBuilder) *bargauge.PanelBuilder {
	return bargauge.NewPanelBuilder().Id(b.id()).Title(title).Description(desc).Unit(unit).
		Span(w).Height(h).Datasource(datasource()).Targets(targets(qs)).
		Orientation(common.VizOrientationHorizontal).DisplayMode(common.BarGaugeDisplayModeBasic).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false))
}

func row(title string) *dashboard.RowBuilder { return dashboard.NewRowBuilder(title) }
