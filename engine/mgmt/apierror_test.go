package mgmt

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestToAPIError(t *testing.T) {
	cases := []struct {
		err  error
		want apiError
	}{
		{catalog.Err(catalog.CodeConnectionNotExist, "job %q", "web"),
			apiError{107, "Connection does not exist", `job "web"`}},
		{catalog.Wrap(catalog.CodeTargetDiskFull, errors.New("ENOSPC"), "/backup"),
			apiError{173, "Target disk is full", "/backup: ENOSPC"}},
		{fmt.Errorf("pausing: %w", catalog.Err(catalog.CodeConnectionNotExist, "web")),
			apiError{107, "Connection does not exist", "pausing: web"}},
		{errors.New("disk on fire"), apiError{1, "Unknown error code", "disk on fire"}},
	}
	for _, c := range cases {
		if got := toAPIError(c.err); got != c.want {
			t.Errorf("toAPIError(%v) = %+v, want %+v", c.err, got, c.want)
		}
	}
}

// A code survives the wire even if the receiving binary's catalog lacks it.
func TestAPIErrorAsError(t *testing.T) {
	e := apiError{Code: 9999, Message: "From the future", Detail: "d"}.asError()
	if e.Code != 9999 || e.Error() != "9999 From the future: d" {
		t.Errorf("asError = %v (code %d)", e, e.Code)
	}
}

func TestHTTPStatus(t *testing.T) {
	for code, want := range map[int]int{
		catalog.CodeUnknown:              http.StatusInternalServerError,
		catalog.CodeInvalidParameter:     http.StatusBadRequest,
		catalog.CodeInvalidOption:        http.StatusBadRequest,
		catalog.CodeConnectionNotExist:   http.StatusNotFound,
		catalog.CodeJobNotExist:          http.StatusNotFound,
		catalog.CodeJobExists:            http.StatusConflict,
		catalog.CodeMirrorAlreadyActive:  http.StatusConflict,
		catalog.CodeInsufficientSecurity: http.StatusForbidden,
		catalog.CodeTargetNotLoaded:      http.StatusServiceUnavailable,
		catalog.CodeConnectionFailed:     http.StatusBadGateway,
		catalog.CodeTargetDiskFull:       http.StatusInsufficientStorage,
		170:                              http.StatusNotImplemented,
	} {
		if got := httpStatus(code); got != want {
			t.Errorf("httpStatus(%d) = %d, want %d", code, got, want)
		}
	}
}
