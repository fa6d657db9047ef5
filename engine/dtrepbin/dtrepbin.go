// Package dtrepbin builds the dtrep binary for the tests that run real
// `dtrep serve` processes (faults, kills, attacks): once per test process,
// into a temporary directory that Remove deletes.
package dtrepbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var (
	mu  sync.Mutex
	dir string
)

// Build builds cmd/dtrep on first use and returns the binary's path.
var Build = sync.OnceValues(func() (string, error) {
	d, err := os.MkdirTemp("", "dtrep-bin-")
	if err != nil {
		return "", err
	}
	mu.Lock()
	dir = d
	mu.Unlock()
	bin := filepath.Join(d, "dtrep")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/dtrep/dtrep/cmd/dtrep").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// Remove deletes what Build built; call it from TestMain after m.Run, so
// runs do not pile binaries up in the temporary directory.
func Remove() {
	mu.Lock()
	defer mu.Unlock()
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}
