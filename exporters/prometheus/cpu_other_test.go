//go:build !unix

package prometheus

import "time"

// processCPU is not measured here.
func processCPU() time.Duration { return 0 }
