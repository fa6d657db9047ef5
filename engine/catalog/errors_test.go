package catalog_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

func TestErrorCodesMatchReference(t *testing.T) {
	want, err := refparse.ParseErrors(guideText(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 170 {
		t.Errorf("reference parses to %d error codes, want 170", len(want))
	}
	got := guideCatalog(t).Errors
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors.json differs from the reference:\n got  %+v\n want %+v", got, want)
	}
}

func TestErrorCodeNotes(t *testing.T) {
	c := guideCatalog(t)
	notes := map[int]string{
		1:    "generated when a command failed but the failure is not linked to a pre-defined error code",
		2205: "E-mail notification no longer requires Internet 5.0 or later.",
		2206: "E-mail notification no longer requires Internet Explorer 5.0 or later.",
	}
	for _, e := range c.Errors {
		if e.Note != notes[e.Code] {
			t.Errorf("code %d: note %q, want %q", e.Code, e.Note, notes[e.Code])
		}
	}
	// A parenthetical inside the message is part of it.
	if e, _ := c.ErrorCode(230); e.Message != "Transactional NTFS (TxF) SavePoints (intermediate rollback points) are not supported" {
		t.Errorf("code 230: %q", e.Message)
	}
}

// Every code the engine returns by name must be in the catalog, or Err
// would report it as code 1.
func TestErrorCodeConstants(t *testing.T) {
	c := guideCatalog(t)
	named := map[int]string{
		catalog.CodeUnknown:              "Unknown error code",
		catalog.CodeInvalidParameter:     "Invalid parameter was supplied",
		catalog.CodeInvalidCommand:       "Command is not a valid or the syntax is incorrect",
		catalog.CodeSourceNotLoaded:      "Double-Take source module is not loaded",
		catalog.CodeTargetNotLoaded:      "Double-Take target module is not loaded",
		catalog.CodeConnectionExists:     "Connection already established",
		catalog.CodeConnectionNotExist:   "Connection does not exist",
		catalog.CodeMirrorActive:         "Mirror currently active",
		catalog.CodeServerNotFound:       "Server does not exist or could not be located",
		catalog.CodeServerNotResponding:  "Server is not responding",
		catalog.CodeUnknownConnection:    "Unknown connection error",
		catalog.CodeMirrorAlreadyActive:  "Mirror already active",
		catalog.CodeInvalidOption:        "Invalid option supplied",
		catalog.CodeMirrorNotPaused:      "Mirror is not paused",
		catalog.CodeConnectionNotPaused:  "Connection is not paused",
		catalog.CodeMirrorNotRunning:     "Mirror is not running",
		catalog.CodeJobExists:            "Job exists",
		catalog.CodeJobNotExist:          "Job does not exist",
		catalog.CodeJobInUse:             "Job is in use",
		catalog.CodeMemoryLow:            "Memory is low",
		catalog.CodeInsufficientSecurity: "Insufficient security access",
		catalog.CodeSourcePathInvalid:    "Source path is invalid",
		catalog.CodeInvalidStatsFile:     "Invalid statistics file",
		catalog.CodeConnectionFailed:     "Connection failed",
		catalog.CodeTransmissionPaused:   "Transmission is paused",
		catalog.CodeTargetPaused:         "Target is paused",
		catalog.CodeTargetDiskFull:       "Target disk is full",
	}
	for code, msg := range named {
		if e, ok := c.ErrorCode(code); !ok || e.Message != msg {
			t.Errorf("code %d: %q, %v; want %q", code, e.Message, ok, msg)
		}
	}
}

func TestErr(t *testing.T) {
	err := catalog.Err(catalog.CodeConnectionNotExist, "connection %d", 7)
	if got, want := err.Error(), "107 Connection does not exist: connection 7"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("stop: %w", err)
	if !errors.Is(wrapped, catalog.Err(catalog.CodeConnectionNotExist, "")) {
		t.Error("errors.Is does not match the same code")
	}
	if errors.Is(wrapped, catalog.Err(catalog.CodeConnectionExists, "")) {
		t.Error("errors.Is matches a different code")
	}
	if catalog.CodeOf(wrapped) != 107 {
		t.Errorf("CodeOf = %d, want 107", catalog.CodeOf(wrapped))
	}
	// 300 is not a chapter 5 code.
	unknown := catalog.Err(300, "oops")
	if unknown.Code != catalog.CodeUnknown || unknown.Message != "Unknown error code" || unknown.Detail != "(code 300) oops" {
		t.Errorf("Err(300) = %+v", unknown)
	}
}

func TestExitStatus(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("plain"), 1},
		{catalog.Err(catalog.CodeInvalidCommand, "usage"), 2},
		{fmt.Errorf("wrapped: %w", catalog.Err(catalog.CodeSourcePathInvalid, "x")), 2},
		{catalog.Err(2201, "e-mail"), 1}, // codes past 255 cannot be told apart by an exit status
	} {
		if got := catalog.ExitStatus(c.err); got != c.want {
			t.Errorf("ExitStatus(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
