package elasticsearch

import (
	"github.com/dtrep/dtrep/engine/catalog"
)

// Names of the installed objects. The templates match every namespace, so
// one installation serves all of a cluster's dtrep servers.
const (
	EventsTemplate = "logs-dtrep.events"
	StatsTemplate  = "metrics-dtrep.stats"
	EventsPolicy   = "dtrep-events"
	StatsPolicy    = "dtrep-stats"
	// templatePriority is above the built-in logs and metrics templates
	// (100), which would otherwise claim logs-*-* and metrics-*-*.
	templatePriority = 200
)

// object is a JSON object under construction; encoding/json sorts its keys,
// which keeps the generated files stable.
type object = map[string]any

func keyword() object      { return object{"type": "keyword"} }
func longField() object    { return object{"type": "long"} }
func dateField() object    { return object{"type": "date"} }
func constKeyword() object { return object{"type": "constant_keyword"} }
func props(p object) object {
	return object{"properties": p}
}

// commonFields are the ECS fields both data streams share.
func commonFields() object {
	return object{
		"@timestamp": dateField(),
		"message":    object{"type": "match_only_text"},
		"ecs":        props(object{"version": keyword()}),
		"event": props(object{
			"kind": keyword(), "code": keyword(), "provider": keyword(), "severity": longField(),
			"dataset": keyword(), "module": keyword(), "sequence": longField(),
			"start": dateField(), "duration": longField(),
		}),
		"host":    props(object{"name": keyword()}),
		"service": props(object{"name": keyword(), "type": keyword()}),
		"data_stream": props(object{
			"type": constKeyword(), "dataset": constKeyword(), "namespace": constKeyword(),
		}),
		"labels": object{"type": "object", "dynamic": true},
	}
}

// concernFields are dtrep.connection, .job, .replication_set and .peer.
func concernFields(p object) object {
	p["connection"] = props(object{"id": longField()})
	p["job"] = props(object{"name": keyword()})
	p["replication_set"] = props(object{"name": keyword()})
	p["peer"] = keyword()
	return p
}

// eventsMapping maps every field eventDoc writes.
func eventsMapping(cat *catalog.Catalog) object {
	maxInserts := 0
	for _, e := range cat.Events {
		maxInserts = max(maxInserts, e.Inserts)
	}
	params := object{}
	for i := 1; i <= maxInserts; i++ {
		params[paramName(i)] = object{"type": "keyword", "ignore_above": 4096}
	}
	fields := commonFields()
	fields["log"] = props(object{"level": keyword()})
	fields["dtrep"] = props(concernFields(object{
		"event": props(object{
			"id": longField(), "source": keyword(), "log": keyword(), "level": keyword(),
			"insertion_strings": object{"type": "keyword", "ignore_above": 4096},
			// More insertion strings than any catalog event has are
			// kept in _source but not indexed.
			"params":          object{"type": "object", "dynamic": false, "properties": params},
			"required_action": object{"type": "match_only_text"},
		}),
	}))
	return mapping(fields)
}

// statsMapping maps every catalog counter by name, and the exporter's own.
func statsMapping(cat *catalog.Catalog) object {
	counters := object{}
	for _, c := range cat.Counters {
		counters[c.Name] = counterMapping(c)
	}
	self := object{}
	for _, c := range SelfCounters {
		self[c.Name] = object{"type": "long", "meta": map[string]string{
			"metric_type": string(c.Kind), "unit": unitMeta(c.Unit)}}
	}
	fields := commonFields()
	fields["dtrep"] = props(concernFields(object{
		"scope":    keyword(),
		"instance": keyword(),
		"stats":    props(counters),
		"exporter": props(self),
	}))
	return mapping(fields)
}

// mapping wraps properties: fields outside them are kept in _source but
// not indexed (dynamic false), so a document from a newer dtrep never
// fails on a mapping conflict; labels.* become keywords.
func mapping(fields object) object {
	return object{
		"dynamic":        false,
		"date_detection": false,
		"dynamic_templates": []object{{"labels_as_keywords": object{
			"path_match": "labels.*", "match_mapping_type": "string", "mapping": keyword(),
		}}},
		"properties": fields,
	}
}

// indexTemplate is the composable template of one data stream.
func indexTemplate(pattern, policy, description string, mappings object) object {
	return object{
		"index_patterns": []string{pattern},
		"data_stream":    object{},
		"priority":       templatePriority,
		"template": object{
			"settings": object{"index": object{"lifecycle": object{"name": policy}}},
			"mappings": mappings,
		},
		"_meta": object{"description": description, "managed_by": "dtrep"},
	}
}

// ilmPolicy rolls a backing index over daily or at 50 GB a shard and
// deletes it keep after rollover.
func ilmPolicy(keep, description string) object {
	return object{"policy": object{
		"_meta": object{"description": description, "managed_by": "dtrep"},
		"phases": object{
			"hot": object{"actions": object{"rollover": object{
				"max_age": "1d", "max_primary_shard_size": "50gb"}}},
			"delete": object{"min_age": keep, "actions": object{"delete": object{}}},
		},
	}}
}
