package elasticsearch

import (
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
)

// SelfCounter describes one of the exporter's own counters, for the other
// surfaces that publish them (Prometheus, the statistics documents).
type SelfCounter struct {
	Name       string       // key in Exporter.Counters
	Kind       catalog.Kind // KindCounter or KindGauge
	Unit       string
	Prometheus string
	Help       string
}

// Names of the exporter's own counters.
const (
	CounterSent           = "sent"
	CounterFailed         = "failed"
	CounterRetried        = "retried"
	CounterDropped        = "dropped"
	CounterEventsLost     = "events_lost"
	CounterBufferDepth    = "buffer_depth"
	CounterBufferBytes    = "buffer_bytes"
	CounterRequests       = "requests"
	CounterRequestRetries = "request_retries"
	CounterRequestsFailed = "requests_failed"
)

// SelfCounters lists the exporter's own counters in a stable order.
var SelfCounters = []SelfCounter{
	{CounterSent, catalog.KindCounter, "count", "dtrep_elasticsearch_documents_sent_total",
		"Documents the cluster accepted."},
	{CounterFailed, catalog.KindCounter, "count", "dtrep_elasticsearch_documents_failed_total",
		"Documents the cluster rejected for good (a mapping conflict, or still refused after every attempt)."},
	{CounterRetried, catalog.KindCounter, "count", "dtrep_elasticsearch_documents_retried_total",
		"Documents put back in the buffer for another attempt after a 429 or 5xx rejection or a failed request."},
	{CounterDropped, catalog.KindCounter, "count", "dtrep_elasticsearch_documents_dropped_total",
		"Documents dropped by ElasticsearchOverflowPolicy because the buffer was full."},
	{CounterEventsLost, catalog.KindCounter, "count", "dtrep_elasticsearch_events_lost_total",
		"Events the exporter's event hub subscription lost to a full buffer before becoming documents."},
	{CounterBufferDepth, catalog.KindGauge, "count", "dtrep_elasticsearch_buffer_documents",
		"Documents waiting in the buffer."},
	{CounterBufferBytes, catalog.KindGauge, "bytes", "dtrep_elasticsearch_buffer_bytes",
		"Bytes of the documents waiting in the buffer."},
	{CounterRequests, catalog.KindCounter, "count", "dtrep_elasticsearch_bulk_requests_total",
		"Bulk requests started; a request the client repeats counts once (see request_retries)."},
	{CounterRequestRetries, catalog.KindCounter, "count", "dtrep_elasticsearch_bulk_request_retries_total",
		"Bulk requests repeated by the client after a 429 or 5xx answer or a network error."},
	{CounterRequestsFailed, catalog.KindCounter, "count", "dtrep_elasticsearch_bulk_requests_failed_total",
		"Bulk requests that failed as a whole after the client's repetitions; their documents went back to the buffer."},
}

// selfCounters are the live values behind SelfCounters that the buffer
// does not keep itself.
type selfCounters struct {
	sent, failed, retried, requests, requestRetries, requestsFailed atomic.Int64
}

// Counters returns the exporter's own counters by SelfCounter name. It is
// cheap and safe to call from any goroutine.
func (e *Exporter) Counters() map[string]int64 {
	depth, bytes, dropped := e.buf.depth()
	return map[string]int64{
		CounterSent:           e.cnt.sent.Load(),
		CounterFailed:         e.cnt.failed.Load(),
		CounterRetried:        e.cnt.retried.Load(),
		CounterDropped:        dropped,
		CounterEventsLost:     int64(e.sub.Dropped()),
		CounterBufferDepth:    int64(depth),
		CounterBufferBytes:    bytes,
		CounterRequests:       e.cnt.requests.Load(),
		CounterRequestRetries: e.cnt.requestRetries.Load(),
		CounterRequestsFailed: e.cnt.requestsFailed.Load(),
	}
}
