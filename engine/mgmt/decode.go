package mgmt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/dtrep/dtrep/engine/catalog"
)

// maxBodyBytes bounds a request body: a job spec with MaxRules long globs is
// the largest legitimate one and is far below it.
const maxBodyBytes = 1 << 20

// decodeJobSpec reads one JSON job spec from an untrusted body and validates
// it. Unknown fields are refused so a typo ("bandwith_kbps") is an error
// rather than a silently unlimited job.
func decodeJobSpec(r io.Reader) (JobSpec, error) {
	dec := json.NewDecoder(&limitReader{r: r, left: maxBodyBytes + 1})
	dec.DisallowUnknownFields()
	var spec JobSpec
	if err := dec.Decode(&spec); err != nil {
		return JobSpec{}, catalog.Wrap(catalog.CodeInvalidParameter, jsonProblem(err), "job spec")
	}
	// Exactly one value: trailing data means the caller sent something
	// other than what we decoded.
	if _, err := dec.Token(); errors.Is(err, errTooLarge) {
		return JobSpec{}, catalog.Wrap(catalog.CodeInvalidParameter, err, "job spec")
	} else if !errors.Is(err, io.EOF) {
		return JobSpec{}, catalog.Err(catalog.CodeInvalidParameter, "job spec: data after the JSON object")
	}
	if err := spec.Validate(); err != nil {
		return JobSpec{}, err
	}
	return spec, nil
}

var errTooLarge = fmt.Errorf("body larger than %d bytes", maxBodyBytes)

// limitReader is io.LimitReader with a distinct error, so an oversized body
// is reported as such rather than as truncated JSON.
type limitReader struct {
	r    io.Reader
	left int64
}

// It fails once one byte more than the limit has been read, so a body of
// exactly the limit is accepted.
func (l *limitReader) Read(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left <= 0 {
		return 0, errTooLarge
	}
	return n, err
}

// jsonProblem makes the decoder's errors readable on a command line.
func jsonProblem(err error) error {
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("empty body")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON")
	case errors.As(err, &te):
		return fmt.Errorf("field %q: %s is not a %s", te.Field, te.Value, te.Type)
	}
	return err
}

// DecodeJobSpec reads and validates a job spec from an untrusted body as
// POST /v1/jobs does, for other front ends that accept job specs.
func DecodeJobSpec(r io.Reader) (JobSpec, error) { return decodeJobSpec(r) }
