package elasticsearch

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// Query is an example log-search query answering one common question, in
// both of Elasticsearch's languages.
type Query struct {
	Name     string // file name stem
	Question string
	// Template is a search template body for
	// POST logs-dtrep.events-*/_search/template ({{param}} placeholders).
	Template object
	// ESQL is an ES|QL query for POST _query, with ?param placeholders.
	ESQL string
	// Params are example values of the placeholders.
	Params map[string]string
}

const eventsPattern = "logs-dtrep.events-*"

// Queries builds the example queries. The event codes come from the
// catalog, found by their messages, so a catalog change that moves them
// fails generation instead of shipping a query that finds nothing.
func Queries(cat *catalog.Catalog) ([]Query, error) {
	autoDisc := eventCodes(cat, func(e catalog.Event) bool { return strings.HasPrefix(e.Message, "Auto-disconnect") })
	if len(autoDisc) == 0 {
		return nil, fmt.Errorf("queries: no auto-disconnect events in the catalog")
	}
	for _, id := range []int{eventMirrorStarted, eventMirrorStopped, eventMirrorCompleted} {
		if e, ok := cat.Event(events.SourceEngine, id); !ok || !strings.Contains(e.Message, "mirror") {
			return nil, fmt.Errorf("queries: event %d is not a mirror event in the catalog", id)
		}
	}
	mirrorEnds := []string{strconv.Itoa(eventMirrorStopped), strconv.Itoa(eventMirrorCompleted)}
	return []Query{
		{
			Name:     "job-errors",
			Question: "All errors of a job, newest first",
			Params:   map[string]string{"job": "demo"},
			Template: object{"source": object{
				"size": 100,
				"sort": []object{{"@timestamp": "desc"}},
				"query": object{"bool": object{"filter": []object{
					{"term": object{"log.level": "error"}},
					{"term": object{"dtrep.job.name": "{{job}}"}},
				}}},
				"_source": []string{"@timestamp", "host.name", "event.code", "event.provider", "message",
					"dtrep.connection.id", "dtrep.event.required_action"},
			}, "params": object{"job": "demo"}},
			ESQL: "FROM " + eventsPattern + "\n" +
				"| WHERE log.level == \"error\" AND dtrep.job.name == ?job\n" +
				"| SORT @timestamp DESC\n" +
				"| KEEP @timestamp, host.name, event.code, event.provider, message, dtrep.connection.id, dtrep.event.required_action\n" +
				"| LIMIT 100",
		},
		{
			Name:     "auto-disconnect-history",
			Question: "Auto-disconnect history: when each connection was auto-disconnected, why, and whether it succeeded",
			Params:   map[string]string{},
			Template: object{"source": object{
				"size": 500,
				"sort": []object{{"@timestamp": "desc"}},
				"query": object{"bool": object{"filter": []object{
					{"term": object{"event.provider": events.SourceEngine}},
					{"terms": object{"event.code": autoDisc}},
				}}},
				"_source": []string{"@timestamp", "host.name", "event.code", "message", "dtrep.job.name",
					"dtrep.replication_set.name", "dtrep.connection.id", "dtrep.peer"},
			}, "params": object{}},
			ESQL: "FROM " + eventsPattern + "\n" +
				"| WHERE event.provider == \"" + events.SourceEngine + "\" AND event.code IN (" + quoteList(autoDisc) + ")\n" +
				"| SORT @timestamp DESC\n" +
				"| KEEP @timestamp, host.name, event.code, message, dtrep.job.name, dtrep.replication_set.name, dtrep.connection.id, dtrep.peer\n" +
				"| LIMIT 500",
		},
		{
			Name: "mirror-durations",
			Question: "Mirror durations per job: how many mirrors completed or stopped, and how long they took " +
				"(event.duration, in nanoseconds, is set on the event that ends a mirror)",
			Params: map[string]string{},
			Template: object{"source": object{
				"size": 0,
				"query": object{"bool": object{"filter": []object{
					{"term": object{"event.provider": events.SourceEngine}},
					{"terms": object{"event.code": mirrorEnds}},
					{"exists": object{"field": "event.duration"}},
				}}},
				"aggs": object{"jobs": object{
					"terms": object{"field": "dtrep.job.name", "size": 100},
					"aggs": object{"outcome": object{
						"terms": object{"field": "event.code"},
						"aggs": object{
							"avg_duration_ns": object{"avg": object{"field": "event.duration"}},
							"max_duration_ns": object{"max": object{"field": "event.duration"}},
						},
					}},
				}},
			}, "params": object{}},
			ESQL: "FROM " + eventsPattern + "\n" +
				"| WHERE event.provider == \"" + events.SourceEngine + "\" AND event.code IN (" + quoteList(mirrorEnds) + ") AND event.duration IS NOT NULL\n" +
				"| EVAL seconds = event.duration / 1000000000.0, outcome = CASE(event.code == \"" +
				strconv.Itoa(eventMirrorCompleted) + "\", \"completed\", \"stopped\")\n" +
				"| STATS mirrors = COUNT(*), avg_seconds = AVG(seconds), max_seconds = MAX(seconds) BY dtrep.job.name, outcome\n" +
				"| SORT dtrep.job.name, outcome",
		},
	}, nil
}

// eventCodes lists the event.code values of the engine's events that match.
func eventCodes(cat *catalog.Catalog, match func(catalog.Event) bool) []string {
	var ids []int
	for _, e := range cat.Events {
		if e.Source == events.SourceEngine && match(e) {
			ids = append(ids, e.ID)
		}
	}
	sort.Ints(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.Itoa(id)
	}
	return out
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
