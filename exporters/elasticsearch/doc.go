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
// (which drops, and counts, what its buffer cannot take) feeds a bounded
// in-memory buffer; when the buffer is full ElasticsearchOverflowPolicy
// drops the oldest or the newest document and counts it. One goroutine moves
// documents from the buffer into an esutil.BulkIndexer, which batches them by
// ElasticsearchFlushBytes and ElasticsearchFlushInterval. The client repeats
// a bulk request answered 429, 502, 503 or 504 with exponential backoff; when
// that is not enough the request's documents go back to the front of the
// buffer and delivery pauses, backing off, so an outage costs the oldest
// documents only once the buffer overflows. Items the cluster rejects one by
// one are retried when the rejection is 429 or 5xx (up to maxAttempts) and
// counted as failed otherwise.
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
