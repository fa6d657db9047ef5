package elasticsearch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	es "github.com/elastic/go-elasticsearch/v8"

	"github.com/dtrep/dtrep/engine/catalog"
)

// InstallError is a refusal by the cluster (it answered, with an error
// status) of one pack file.
type InstallError struct {
	Path   string
	Status int
	Body   string // the start of the answer
}

func (e *InstallError) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %s", e.Path, e.Status, e.Body)
}

// Install sends the pack's policies and templates to the cluster, in the
// pack's order (a template names its policy). It goes on after a refused
// file so one unsupported API (ILM on a serverless project, or on a store
// that only speaks the bulk API) does not keep the templates out; the
// result joins every failure. A failure that is not an *InstallError means
// the cluster was not reached.
func Install(ctx context.Context, client *es.Client, cat *catalog.Catalog) error {
	files, err := Pack(cat)
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		if f.API == "" {
			continue
		}
		req, err := http.NewRequestWithContext(ctx, f.Method, f.API, bytes.NewReader(f.Body))
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Perform(req)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		res.Body.Close()
		if res.StatusCode >= 300 {
			errs = append(errs, &InstallError{Path: f.Path, Status: res.StatusCode, Body: strings.TrimSpace(string(body))})
		}
	}
	return errors.Join(errs...)
}

// installTemplates installs the pack before the first document, so the
// data streams are created with dtrep's mappings rather than the built-in
// ones. While the cluster cannot be reached it retries, backing off, and
// documents wait in the buffer; refusals are logged and delivery goes on.
func (e *Exporter) installTemplates(ctx context.Context) {
	for attempt := 1; ; attempt++ {
		err := Install(ctx, e.client, e.eng.Catalog())
		var ie *InstallError
		switch {
		case err == nil:
			e.log.Info("index templates installed")
			return
		case errors.As(err, &ie):
			e.log.Warn("index templates not all installed; documents are sent anyway", "err", err)
			return
		case ctx.Err() != nil:
			return
		}
		e.logFailure("cluster unreachable; index templates not installed yet", "err", err)
		t := time.NewTimer(backoffFor(e.cfg.RetryBackoff, e.cfg.MaxBackoff, attempt))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}
