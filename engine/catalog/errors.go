package catalog

import (
	"errors"
	"fmt"
)

// Codes of chapter 5 the engine and CLI return by name. Every other code is
// reachable through Err(code, ...).
const (
	CodeUnknown              = 1
	CodeInvalidParameter     = 101
	CodeInvalidCommand       = 102
	CodeSourceNotLoaded      = 103
	CodeTargetNotLoaded      = 105
	CodeConnectionExists     = 106
	CodeConnectionNotExist   = 107
	CodeMirrorActive         = 108
	CodeServerNotFound       = 109
	CodeServerNotResponding  = 110
	CodeUnknownConnection    = 112
	CodeMirrorAlreadyActive  = 113
	CodeInvalidOption        = 116
	CodeMirrorNotPaused      = 117
	CodeConnectionNotPaused  = 118
	CodeMirrorNotRunning     = 121
	CodeJobExists            = 122
	CodeJobNotExist          = 123
	CodeJobInUse             = 130
	CodeMemoryLow            = 132
	CodeInsufficientSecurity = 138
	CodeSourcePathInvalid    = 140
	CodeInvalidStatsFile     = 143
	CodeConnectionFailed     = 145
	CodeTransmissionPaused   = 153
	CodeTargetPaused         = 162
	CodeTargetDiskFull       = 173
	CodeInvalidPath          = 225
)

// Error is a chapter 5 error: its text starts with the code and the
// reference's message ("107 Connection does not exist"), followed by what
// exactly went wrong.
type Error struct {
	Code    int
	Message string // the reference's message for Code
	Detail  string // what this occurrence is about; may be empty
	Err     error  // underlying cause; may be nil
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %s", e.Code, e.Message)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches any *Error with the same code, so callers can write
// errors.Is(err, catalog.Err(catalog.CodeConnectionNotExist, "")).
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// Err builds the error for code with a formatted detail. An unknown code is a
// programming error; it is reported as code 1 so nothing is lost.
func Err(code int, format string, args ...any) *Error {
	detail := format
	if len(args) > 0 {
		detail = fmt.Sprintf(format, args...)
	}
	msg := "Unknown error code"
	if c, err := Load(); err == nil {
		if ec, ok := c.ErrorCode(code); ok {
			msg = ec.Message
		} else {
			detail = fmt.Sprintf("(code %d) %s", code, detail)
			code = CodeUnknown
		}
	}
	return &Error{Code: code, Message: msg, Detail: detail}
}

// Wrap is Err with an underlying cause.
func Wrap(code int, cause error, format string, args ...any) *Error {
	e := Err(code, format, args...)
	e.Err = cause
	return e
}

// CodeOf returns the chapter 5 code carried by err, or 0 if it carries none.
func CodeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// ExitStatus is the exit status of a command that failed with err, the
// same for dtrep and the utilities so scripts can tell the cases apart: 2
// for an error with a chapter 5 code under 256 (the command line, a
// setting, a refusal: the text names it), 1 for anything else, 0 for nil.
func ExitStatus(err error) int {
	switch c := CodeOf(err); {
	case err == nil:
		return 0
	case c > 0 && c < 256:
		return 2
	}
	return 1
}
