package grafana

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Tag marks dtrep's dashboards; each links to the others through it.
const Tag = "dtrep"

// Variable names.
const (
	varDatasource = "datasource"
	varInstance   = "instance"
	varConnection = "connection"
)

func ptr[T any](v T) *T { return &v }

// datasource is the data source every query and variable uses: the
// dashboard's own variable, so an import asks for nothing else.
func datasource() common.DataSourceRef {
	return common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr("${" + varDatasource + "}")}
}

// builder collects what a dashboard needs from the catalog and the first
// error met, so the panel code reads straight through.
type builder struct {
	cat    *catalog.Catalog
	err    error
	nextID uint32
}

// m is the Prometheus name of a catalog counter.
func (b *builder) m(counter string) string {
	c, ok := b.cat.Counter(counter)
	if !ok || c.Prometheus == "" {
		b.fail(fmt.Errorf("catalog counter %q has no Prometheus name", counter))
		return "missing_" + counter
	}
	return c.Prometheus
}

// help is a catalog counter's description, for panel descriptions.
func (b *builder) help(counters ...string) string {
	var out []string
	for _, n := range counters {
		c, ok := b.cat.Counter(n)
		if !ok {
			b.fail(fmt.Errorf("no catalog counter %q", n))
			continue
		}
		out = append(out, c.Prometheus+": "+c.Description)
	}
	return strings.Join(out, "\n\n")
}

func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// id numbers panels in order, so the JSON is stable.
func (b *builder) id() uint32 {
	b.nextID++
	return b.nextID
}

// query is a range query with a legend.
func query(expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().Expr(expr).LegendFormat(legend).Datasource(datasource())
}

// instant is an instant query (stat panels showing the current word).
func instant(expr, legend string) *prometheus.DataqueryBuilder {
	return query(expr, legend).Instant()
}

// sel is a selector on the instance variable plus extra matchers.
func sel(metric string, matchers ...string) string {
	return metric + `{` + strings.Join(append([]string{`instance=~"$` + varInstance + `"`}, matchers...), ",") + `}`
}

// connSel also selects the connection variable.
func connSel(metric string, matchers ...string) string {
	return sel(metric, append([]string{`connection_id="$` + varConnection + `"`}, matchers...)...)
}

// rate is a per-second rate over Grafana's rate interval.
func rate(selector string) string { return "rate(" + selector + "[$__rate_interval])" }

func datasourceVariable() *dashboard.DatasourceVariableBuilder {
	return dashboard.NewDatasourceVariableBuilder(varDatasource).Label("Data source").Type("prometheus")
}

// labelVariable lists a label's values from a metric every server serves.
func labelVariable(name, label, metric, title string, multi bool, matchers ...string) *dashboard.QueryVariableBuilder {
	sel := metric
	if len(matchers) > 0 {
		sel += "{" + strings.Join(matchers, ",") + "}"
	}
	q := "label_values(" + sel + ", " + label + ")"
	v := dashboard.NewQueryVariableBuilder(name).Label(title).
		Query(dashboard.StringOrMap{String: ptr(q)}).Definition(q).
		Datasource(datasource()).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortNaturalAsc)
	if multi {
		v = v.Multi(true).IncludeAll(true).AllValue(".*")
	}
	return v
}

// dashboardLinks links to the other dtrep dashboards, keeping time and
// variables.
func dashboardLinks() *dashboard.DashboardLinkBuilder {
	return dashboard.NewDashboardLinkBuilder("dtrep").Type(dashboard.DashboardLinkTypeDashboards).
		Tags([]string{Tag}).AsDropdown(true).IncludeVars(true).KeepTime(true)
}
