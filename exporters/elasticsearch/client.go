package elasticsearch

import (
	"compress/gzip"
	"fmt"
	"net/http"
	"time"

	es "github.com/elastic/go-elasticsearch/v8"
)

// retryStatuses are the answers the client repeats a request after: too
// many requests, and the server errors a restart or an overload gives.
var retryStatuses = []int{http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

// NewClient builds the go-elasticsearch client of cfg. onRetry (may be nil)
// is told of every repeated request.
func NewClient(cfg Config, onRetry func()) (*es.Client, error) {
	cfg = cfg.withDefaults()
	c, err := es.NewClient(es.Config{
		Addresses:     cfg.Addresses,
		Username:      cfg.Username,
		Password:      cfg.Password,
		APIKey:        cfg.APIKey,
		CACert:        cfg.CACert,
		Header:        cfg.Header,
		RetryOnStatus: retryStatuses,
		MaxRetries:    cfg.MaxRetries,
		RetryBackoff: func(attempt int) time.Duration {
			if onRetry != nil {
				onRetry()
			}
			return backoffFor(cfg.RetryBackoff, cfg.MaxBackoff, attempt)
		},
		// Bulk bodies of events compress well (~10x even at gzip's
		// fastest level, which costs a third of the default's CPU); the
		// pass runs on the exporter's own goroutine, never the engine's.
		CompressRequestBody:      true,
		CompressRequestBodyLevel: gzip.BestSpeed,
		PoolCompressor:           true,
	})
	if err != nil {
		return nil, fmt.Errorf("elasticsearch client: %w", err)
	}
	return c, nil
}

// backoffFor is base doubled attempt-1 times, at most limit.
func backoffFor(base, limit time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
