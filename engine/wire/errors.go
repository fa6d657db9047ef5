package wire

import (
	"errors"
	"fmt"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Framing errors. After any of them except ErrBadChecksum the stream is no
// longer aligned on frame boundaries and Recv keeps failing; after
// ErrBadChecksum the whole frame was consumed, but its content is lost, so the
// session normally raises event 4071 and reconnects.
var (
	ErrBadMagic      = errors.New("wire: bad frame magic")
	ErrBadVersion    = errors.New("wire: unknown frame version")
	ErrFrameTooLarge = errors.New("wire: frame too large")
	ErrBadChecksum   = errors.New("wire: bad frame checksum")
	ErrUnknownType   = errors.New("wire: unknown message type")
	ErrUnknownFlags  = errors.New("wire: unknown frame flags")
	ErrDecompress    = errors.New("wire: bad compressed payload")
)

// Message decoding errors. All of them match ErrMalformed with errors.Is, so
// a caller that does not care about the detail tests one value.
var (
	ErrMalformed     = errors.New("wire: malformed message")
	ErrTruncated     = fmt.Errorf("%w: truncated", ErrMalformed)
	ErrCountTooLarge = fmt.Errorf("%w: count exceeds payload", ErrMalformed)
	ErrTrailingData  = fmt.Errorf("%w: trailing bytes", ErrMalformed)
	ErrFieldTooLong  = fmt.Errorf("%w: field too long", ErrMalformed)
	ErrBadValue      = fmt.Errorf("%w: value out of range", ErrMalformed)
)

// Handshake and session errors.
var (
	// ErrAuthFailed means a side failed to prove it knows the shared secret,
	// or the target knows no secret for the source. Callers count these as
	// failed logins.
	ErrAuthFailed = errors.New("wire: authentication failed")
	// ErrNoCommonVersion means the two sides share no protocol version.
	ErrNoCommonVersion = errors.New("wire: no common protocol version")
	// ErrRefused means the peer sent Refuse; the error is a *PeerError.
	ErrRefused = errors.New("wire: refused by peer")
	// ErrUnexpected means a message arrived that the protocol state does not
	// allow (a Welcome before the proofs, for instance).
	ErrUnexpected = errors.New("wire: unexpected message")
)

// Chapter 5 codes the protocol uses that catalog does not name.
const (
	codeIncompatibleVersions = 157 // "Incompatible source and target Double-Take versions"
	codeObjectStreamNotOK    = 229 // "Object stream is not OK"
)

// Code returns the chapter 5 code that describes err: the code an error
// carries if it has one, else the code its wire sentinel maps to, else
// 112 (Unknown connection error). It is what a side puts in Refuse or Error.
func Code(err error) int {
	if err == nil {
		return 0
	}
	var pe *PeerError
	if errors.As(err, &pe) {
		return pe.Code // exact even when the catalog does not know the code
	}
	if c := catalog.CodeOf(err); c != 0 {
		return c
	}
	switch {
	case errors.Is(err, ErrAuthFailed):
		return catalog.CodeInsufficientSecurity
	case errors.Is(err, ErrNoCommonVersion):
		return codeIncompatibleVersions
	case errors.Is(err, ErrBadChecksum), errors.Is(err, ErrBadMagic), errors.Is(err, ErrBadVersion),
		errors.Is(err, ErrFrameTooLarge), errors.Is(err, ErrUnknownType), errors.Is(err, ErrUnknownFlags),
		errors.Is(err, ErrDecompress), errors.Is(err, ErrMalformed), errors.Is(err, ErrUnexpected):
		return codeObjectStreamNotOK
	}
	return catalog.CodeUnknownConnection
}

// sentinelFor is the inverse of Code for the codes that have a sentinel.
func sentinelFor(code int) error {
	switch code {
	case catalog.CodeInsufficientSecurity:
		return ErrAuthFailed
	case codeIncompatibleVersions:
		return ErrNoCommonVersion
	}
	return nil
}

// PeerError is a failure the peer reported, with a Refuse during the
// handshake or with an Error message later. It matches the catalog error of
// its code, the wire sentinel of its code (ErrAuthFailed for 138,
// ErrNoCommonVersion for 157) and, for a Refuse, ErrRefused.
type PeerError struct {
	Code    int
	Text    string
	Refused bool
}

func (e *PeerError) Error() string {
	prefix := "wire: peer reported"
	if e.Refused {
		prefix = "wire: peer refused"
	}
	return prefix + ": " + catalog.Err(e.Code, "%s", e.Text).Error()
}

func (e *PeerError) Unwrap() []error {
	errs := []error{catalog.Err(e.Code, "%s", e.Text)}
	if s := sentinelFor(e.Code); s != nil {
		errs = append(errs, s)
	}
	if e.Refused {
		errs = append(errs, ErrRefused)
	}
	return errs
}

// detail is the text to send with err's code: the peer renders the code's
// catalog message itself, so a catalog error sends only what follows it.
func detail(err error) string {
	var ce *catalog.Error
	if errors.As(err, &ce) && ce.Error() == err.Error() {
		if ce.Err != nil {
			return ce.Detail + ": " + ce.Err.Error()
		}
		return ce.Detail
	}
	return err.Error()
}
