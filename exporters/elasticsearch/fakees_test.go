package elasticsearch

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeES answers like Elasticsearch (the product header on every answer,
// bulk responses item by item) with failures a test chooses.
type fakeES struct {
	srv *httptest.Server

	mu sync.Mutex
	// bulkStatus, when set, answers a whole bulk request with that status
	// (after the request number n, from 1) instead of processing it.
	bulkStatus func(n int) int
	// itemStatus, when set, decides each item's status (201 stores it).
	itemStatus func(body string, attempt int) int
	requests   int
	attempts   map[string]int // item body -> times seen
	stored     []string       // bodies accepted, in order
	installed  []string       // paths of PUT requests
	indexes    map[string]int // index -> documents stored
}

func newFakeES(t *testing.T) *fakeES {
	f := &fakeES{attempts: map[string]int{}, indexes: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeES) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	body := r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	switch {
	case r.Method == http.MethodPut:
		io.Copy(io.Discard, body)
		f.mu.Lock()
		f.installed = append(f.installed, r.URL.Path)
		f.mu.Unlock()
		io.WriteString(w, `{"acknowledged":true}`)
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/_bulk"):
		f.bulk(w, body)
	default:
		io.WriteString(w, `{"version":{"number":"8.19.0"},"tagline":"You Know, for Search"}`)
	}
}

func (f *fakeES) bulk(w http.ResponseWriter, body io.Reader) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if f.bulkStatus != nil {
		if st := f.bulkStatus(f.requests); st != 0 {
			io.Copy(io.Discard, body)
			w.WriteHeader(st)
			fmt.Fprintf(w, `{"error":{"type":"status_%d","reason":"test"},"status":%d}`, st, st)
			return
		}
	}
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var items []string
	anyErr := false
	for sc.Scan() {
		var meta map[string]struct {
			Index string `json:"_index"`
		}
		if err := json.Unmarshal(sc.Bytes(), &meta); err != nil || !sc.Scan() {
			http.Error(w, "bad bulk body", http.StatusBadRequest)
			return
		}
		doc := sc.Text()
		index := meta["create"].Index
		f.attempts[doc]++
		st := 201
		if f.itemStatus != nil {
			st = f.itemStatus(doc, f.attempts[doc])
		}
		if _, ok := meta["create"]; !ok {
			st = 400 // data streams take create only
		}
		if st == 201 {
			f.stored = append(f.stored, doc)
			f.indexes[index]++
			items = append(items, fmt.Sprintf(`{"create":{"_index":%q,"status":201,"result":"created"}}`, index))
			continue
		}
		anyErr = true
		items = append(items, fmt.Sprintf(
			`{"create":{"_index":%q,"status":%d,"error":{"type":"test_rejection","reason":"status %d"}}}`, index, st, st))
	}
	fmt.Fprintf(w, `{"took":1,"errors":%t,"items":[%s]}`, anyErr, strings.Join(items, ","))
}

// snapshot returns what the server has seen so far.
func (f *fakeES) snapshot() (requests int, stored []string, installed []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, append([]string(nil), f.stored...), append([]string(nil), f.installed...)
}

func (f *fakeES) set(fn func()) {
	f.mu.Lock()
	fn()
	f.mu.Unlock()
}
