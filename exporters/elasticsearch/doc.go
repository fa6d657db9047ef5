// Package elasticsearch ships the engine's events and statistics to
// Elasticsearch (and stores that speak its bulk API) as Elastic Common Schema
// documents, for log search next to the user's other logs.
//
// # Documents
//
// Every catalog event the engine raises becomes one document in the data
// stream logs-dtrep.events-NAMESPACE (eventDoc): the rendered message, the
// event ID as event.code, the source as event.provider, the level as
// log.level and event.severity, the insertion strings, the connection, job
// and replication set the event concerns and the catalog's required
// response. A mirror's completion (4023) or stop (4022) carries event.start
// and event.duration when its start (4019) was seen, so mirror durations are
// a field, not a calculation.
//
// Every ElasticsearchStatsInterval seconds a statistics snapshot becomes one
// document per block (kernel, security, source, each target peer, each
// connection, and this exporter's own counters) in
// metrics-dtrep.stats-NAMESPACE, with each counter under dtrep.stats by its
// catalog name.
//
// # Delivery
//
// The engine never waits for Elasticsearch. A subscription of the event hub
// (which drops, and counts, what its buffer cannot take) is drained at once
// into a bounded in-memory buffer of ElasticsearchBufferSize documents; when
// the buffer is full ElasticsearchOverflowPolicy drops the oldest or the
// newest document and counts it. One goroutine renders documents and moves
// them from the buffer into an esutil.BulkIndexer, which batches them by
// ElasticsearchFlushBytes and ElasticsearchFlushInterval. The client repeats
// a bulk request answered 429, 500, 502, 503 or 504 (or lost to a network
// error) with exponential backoff; when that is not enough the request's
// documents go back to the front of the buffer and delivery pauses, backing
// off up to 30 seconds, so an outage costs documents only once the buffer
// overflows. A request refused as a whole for another reason (401, 403: a
// credential problem) is treated the same way: the documents wait for the
// operator to fix it. Items the cluster rejects one by one are retried when
// the rejection is 429 or 5xx (up to maxAttempts) and counted as failed
// otherwise (a mapping conflict will not go away).
//
// # Own counters
//
// Exporter.Counters returns the exporter's counters (documents sent,
// failed, retried, dropped; events lost at the hub; buffer depth and bytes;
// bulk requests, their repetitions and failures) by the names SelfCounters
// lists with their kind, unit, help and Prometheus name. The statistics
// documents carry them too (dtrep.scope "exporter").
//
// # Templates
//
// Before the first document, and on demand with `dtrep packs install
// elasticsearch`, the exporter installs an ILM policy and a composable index
// template per data stream, generated from the catalog (Pack) with an
// explicit mapping for every field and a priority above the built-in logs
// and metrics templates. The same JSON, with example queries in query DSL and
// ES|QL, is committed under packs/elasticsearch.
package elasticsearch
