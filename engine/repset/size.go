package repset

import "time"

// Size is the result of a size calculation: the reference's Contains
// (Files+Dirs), Total size and Last calculated.
type Size struct {
	Files          int64     `json:"files"`
	Dirs           int64     `json:"dirs"`
	Bytes          int64     `json:"bytes"`
	LastCalculated time.Time `json:"last_calculated"`
	// Estimated is set when Bytes and Files come from the volume's used
	// space and inodes (CalculateByVolume) rather than from a walk.
	Estimated bool `json:"estimated,omitempty"`
}

// Contains is the number of files and directories, as the view shows it.
func (z Size) Contains() int64 { return z.Files + z.Dirs }

// Size returns the last recorded calculation; LastCalculated is zero if the
// set was never calculated.
func (s *Set) Size() Size {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// SetSize records a calculation, for example one made by EstimateByVolume.
func (s *Set) SetSize(z Size) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.size = z
}
