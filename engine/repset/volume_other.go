//go:build !linux

package repset

import (
	"errors"
	"fmt"
)

// EstimateByVolume is only implemented on Linux; callers fall back to
// Calculate.
func (s *Set) EstimateByVolume() (Size, error) {
	return Size{}, fmt.Errorf("estimating %q by volume: %w", s.name, errors.ErrUnsupported)
}
