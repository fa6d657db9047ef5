package wire

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestCode(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{fmt.Errorf("x: %w", ErrAuthFailed), catalog.CodeInsufficientSecurity},
		{ErrNoCommonVersion, codeIncompatibleVersions},
		{ErrBadChecksum, codeObjectStreamNotOK},
		{ErrBadMagic, codeObjectStreamNotOK},
		{ErrTruncated, codeObjectStreamNotOK},
		{ErrDecompress, codeObjectStreamNotOK},
		{ErrUnexpected, codeObjectStreamNotOK},
		{io.EOF, catalog.CodeUnknownConnection},
		{catalog.Err(catalog.CodeTargetDiskFull, "full"), catalog.CodeTargetDiskFull},
		{&PeerError{Code: 4242, Text: "a code the catalog lacks"}, 4242},
	}
	for _, c := range cases {
		if got := Code(c.err); got != c.want {
			t.Errorf("Code(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestPeerErrorMatches(t *testing.T) {
	refused := (&Refuse{Code: catalog.CodeInsufficientSecurity, Reason: "authentication failed"}).Err()
	for _, target := range []error{ErrAuthFailed, ErrRefused, catalog.Err(catalog.CodeInsufficientSecurity, "")} {
		if !errors.Is(refused, target) {
			t.Errorf("refusal 138 does not match %v", target)
		}
	}
	if errors.Is(refused, ErrNoCommonVersion) {
		t.Error("refusal 138 matches ErrNoCommonVersion")
	}
	reported := (&Error{Code: codeIncompatibleVersions, Text: "v9"}).Err()
	if !errors.Is(reported, ErrNoCommonVersion) || errors.Is(reported, ErrRefused) {
		t.Errorf("Error 157: %v", reported)
	}
	var pe *PeerError
	if !errors.As(reported, &pe) || pe.Code != codeIncompatibleVersions || pe.Text != "v9" {
		t.Errorf("As PeerError: %+v", pe)
	}
}

// NewError and the peer's Err are inverses for code and detail.
func TestErrorMessageRoundTrip(t *testing.T) {
	orig := catalog.Err(catalog.CodeTargetDiskFull, "/replica on sdb")
	m := NewError(7, orig)
	if m.ReqID != 7 || m.Code != catalog.CodeTargetDiskFull || m.Text != "/replica on sdb" {
		t.Fatalf("NewError = %+v", m)
	}
	back := m.Err()
	if !errors.Is(back, orig) || back.Error() != "wire: peer reported: "+orig.Error() {
		t.Fatalf("Err() = %v", back)
	}
	// A wrapped error keeps its context in the text.
	wrapped := NewError(0, fmt.Errorf("applying op 9: %w", orig))
	if wrapped.Code != catalog.CodeTargetDiskFull || wrapped.Text != "applying op 9: "+orig.Error() {
		t.Fatalf("wrapped NewError = %+v", wrapped)
	}
}
