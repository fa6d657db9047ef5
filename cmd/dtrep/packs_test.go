package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
)

func TestPacksInstallElasticsearch(t *testing.T) {
	var mu sync.Mutex
	var puts []string
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		if r.Method == http.MethodPut {
			puts = append(puts, r.URL.Path)
			auth = r.Header.Get("Authorization")
		}
		mu.Unlock()
		io.WriteString(w, `{"acknowledged":true}`)
	}))
	defer srv.Close()
	t.Setenv("DTREP_ELASTICSEARCHADDRESSES", srv.URL+"/es")
	t.Setenv("DTREP_ELASTICSEARCHAPIKEY", "a2V5")
	cfg := filepath.Join(t.TempDir(), "dtrep.yaml")

	out, err := runCLI(t, "--config", cfg, "packs", "install", "elasticsearch")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	want := "/es/_ilm/policy/dtrep-events /es/_ilm/policy/dtrep-stats " +
		"/es/_index_template/logs-dtrep.events /es/_index_template/metrics-dtrep.stats"
	if got := strings.Join(puts, " "); got != want {
		t.Errorf("installed %s, want %s", got, want)
	}
	if auth != "APIKey a2V5" {
		t.Errorf("Authorization %q", auth)
	}
}

func TestPacksInstallRefused(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "dtrep.yaml")
	t.Setenv("DTREP_ELASTICSEARCHADDRESSES", "")
	_, err := runCLI(t, "--config", cfg, "packs", "install", "elasticsearch")
	wantCode(t, err, catalog.CodeInvalidParameter)
	_, err = runCLI(t, "--config", cfg, "packs", "install", "nosuchpack")
	wantCode(t, err, catalog.CodeInvalidParameter)
}

// Without ElasticsearchAddresses the exporter is disabled, not an error.
func TestElasticsearchStarterDisabled(t *testing.T) {
	t.Setenv("DTREP_ELASTICSEARCHADDRESSES", "")
	st, err := settings.Open(filepath.Join(t.TempDir(), "dtrep.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	run, err := startElasticsearch(nil, st)
	if run != nil || err != nil {
		t.Errorf("run %v, err %v", run != nil, err)
	}
}
