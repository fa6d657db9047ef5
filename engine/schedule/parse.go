package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/dtrep/dtrep/engine/catalog"
)

// MaxEncoded bounds a schedule document.
const MaxEncoded = 64 << 10

// Parse reads and validates a schedule document (the management API's body,
// a file given to the CLI). Unknown fields are refused so a misspelt field
// is an error rather than a schedule silently not applied.
func Parse(b []byte) (*Spec, error) {
	if len(b) > MaxEncoded {
		return nil, catalog.Err(codeScheduleInvalid, "schedule of %d bytes: at most %d allowed", len(b), MaxEncoded)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, catalog.Wrap(codeScheduleInvalid, err, "schedule")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, catalog.Err(codeScheduleInvalid, "schedule: data after the JSON object")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s.normalise()
	return &s, nil
}

// normalise makes empty lists nil, so equal schedules compare equal
// whether a document wrote [] or left the field out.
func (s *Spec) normalise() {
	if len(s.Bandwidth) == 0 {
		s.Bandwidth = nil
	}
	if len(s.Transmit) == 0 {
		s.Transmit = nil
	}
	for i := range s.Bandwidth {
		if len(s.Bandwidth[i].Days) == 0 {
			s.Bandwidth[i].Days = nil
		}
	}
	for i := range s.Transmit {
		if len(s.Transmit[i].Days) == 0 {
			s.Transmit[i].Days = nil
		}
	}
}
