package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

type event struct {
	id   catalog.EventID
	args []string
}

// recorder collects raised events.
type recorder struct {
	mu  sync.Mutex
	evs []event
}

func (r *recorder) on(id catalog.EventID, args ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, event{id, args})
}

func (r *recorder) ids() []catalog.EventID {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []catalog.EventID
	for _, e := range r.evs {
		out = append(out, e.id)
	}
	return out
}

func (r *recorder) all() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.evs)
}

// testOptions retries twice without waiting, so failure paths are fast
// and deterministic.
func testOptions() Options {
	o := DefaultOptions()
	o.RetryInterval = 0
	o.RetryLimit = 2
	return o
}

// newApplier returns an Applier on a fresh root directory inside a fresh
// temporary directory (so tests can plant things next to the root).
func newApplier(t testing.TB, opts Options) (*Applier, string, *recorder) {
	t.Helper()
	rec := &recorder{}
	if opts.OnEvent == nil {
		opts.OnEvent = rec.on
	}
	root := filepath.Join(t.TempDir(), "root")
	a, err := New(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, root, rec
}

// mustApply applies ops, failing the test on the first error.
func mustApply(t testing.TB, a *Applier, ops ...wire.Op) {
	t.Helper()
	for i := range ops {
		if err := a.Apply(context.Background(), &ops[i]); err != nil {
			t.Fatalf("op %d (%s %q): %v", i, ops[i].Kind, ops[i].Path, err)
		}
	}
}

// wantCode asserts err carries chapter 5 code. While the catalog's error
// table is still empty, Err reports unknown codes as 1 with "(code N)" in
// the detail, so that form is accepted too; either way the code the
// applier chose is checked.
func wantCode(t testing.TB, err error, code int) {
	t.Helper()
	var ce *catalog.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v carries no chapter 5 code", err)
	}
	if ce.Code == code {
		return
	}
	if ce.Code == catalog.CodeUnknown && strings.Contains(ce.Detail, fmt.Sprintf("(code %d)", code)) {
		return
	}
	t.Fatalf("error %v: code %d, want %d", err, ce.Code, code)
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func create(p string, mode uint32) wire.Op { return wire.Op{Kind: wire.OpCreate, Path: p, Mode: mode} }
func write(p string, off int64, data string) wire.Op {
	return wire.Op{Kind: wire.OpWrite, Path: p, Offset: off, Data: []byte(data)}
}
