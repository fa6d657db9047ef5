package prometheus

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dtrep/dtrep/engine/catalog"
)

// File names of the committed pack.
const (
	RulesFile = "dtrep-alerts.yml"
	TestsFile = "dtrep-alerts.test.yml"
	// GroupName is the rule group's name.
	GroupName = "dtrep"
)

const header = "# Generated from the dtrep catalog by packs/prometheus: do not edit.\n" +
	"# Regenerate: go test ./packs/prometheus -run TestCommittedFiles -update\n"

type annotations struct {
	Summary     string `yaml:"summary"`
	Description string `yaml:"description"`
}

type ruleYAML struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels"`
	Annotations annotations       `yaml:"annotations"`
}

type ruleFile struct {
	Groups []struct {
		Name  string     `yaml:"name"`
		Rules []ruleYAML `yaml:"rules"`
	} `yaml:"groups"`
}

// RulesYAML renders the rule file.
func RulesYAML(cat *catalog.Catalog) ([]byte, error) {
	rules, err := Rules(cat)
	if err != nil {
		return nil, err
	}
	var f ruleFile
	f.Groups = make([]struct {
		Name  string     `yaml:"name"`
		Rules []ruleYAML `yaml:"rules"`
	}, 1)
	f.Groups[0].Name = GroupName
	for _, r := range rules {
		f.Groups[0].Rules = append(f.Groups[0].Rules, ruleYAML{Alert: r.Alert, Expr: r.Expr, For: r.For,
			Labels:      map[string]string{"severity": r.Severity},
			Annotations: annotations{Summary: r.Summary, Description: r.Description}})
	}
	return marshal(f)
}

type seriesYAML struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

type expAlert struct {
	ExpLabels      map[string]string `yaml:"exp_labels"`
	ExpAnnotations annotations       `yaml:"exp_annotations"`
}

type alertTest struct {
	EvalTime  string     `yaml:"eval_time"`
	Alertname string     `yaml:"alertname"`
	ExpAlerts []expAlert `yaml:"exp_alerts"`
}

type testGroup struct {
	Name          string       `yaml:"name"`
	Interval      string       `yaml:"interval"`
	InputSeries   []seriesYAML `yaml:"input_series"`
	AlertRuleTest []alertTest  `yaml:"alert_rule_test"`
}

type testFile struct {
	RuleFiles          []string    `yaml:"rule_files"`
	EvaluationInterval string      `yaml:"evaluation_interval"`
	Tests              []testGroup `yaml:"tests"`
}

// TestsYAML renders the promtool unit tests of every rule.
func TestsYAML(cat *catalog.Catalog) ([]byte, error) {
	rules, err := Rules(cat)
	if err != nil {
		return nil, err
	}
	f := testFile{RuleFiles: []string{RulesFile}, EvaluationInterval: "1m"}
	for _, r := range rules {
		for _, c := range r.Cases {
			g := testGroup{Name: r.Alert + ": " + c.Name, Interval: "1m"}
			for _, s := range c.Series {
				g.InputSeries = append(g.InputSeries, seriesYAML(s))
			}
			for _, ev := range c.Evals {
				at := alertTest{EvalTime: ev.At, Alertname: r.Alert, ExpAlerts: []expAlert{}}
				for _, labels := range ev.Fires {
					l := merge(labels, map[string]string{"severity": r.Severity})
					sum, err := expand(r.Summary, l)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", r.Alert, err)
					}
					desc, err := expand(r.Description, l)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", r.Alert, err)
					}
					at.ExpAlerts = append(at.ExpAlerts, expAlert{ExpLabels: l,
						ExpAnnotations: annotations{Summary: sum, Description: desc}})
				}
				g.AlertRuleTest = append(g.AlertRuleTest, at)
			}
			f.Tests = append(f.Tests, g)
		}
	}
	return marshal(f)
}

var labelRef = regexp.MustCompile(`\{\{ \$labels\.([a-z_]+) \}\}`)

// expand renders the one template form annotations use, {{ $labels.name }},
// as Prometheus will; anything else would make the expectations guesswork.
func expand(tmpl string, labels map[string]string) (string, error) {
	var missing []string
	out := labelRef.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := labelRef.FindStringSubmatch(m)[1]
		v, ok := labels[name]
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		sort.Strings(missing)
		return "", fmt.Errorf("template uses labels the alert lacks: %s", strings.Join(missing, ", "))
	}
	if strings.Contains(out, "{{") {
		return "", fmt.Errorf("template %q uses more than {{ $labels.name }}", tmpl)
	}
	return out, nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("rendering YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("rendering YAML: %w", err)
	}
	return b.Bytes(), nil
}
