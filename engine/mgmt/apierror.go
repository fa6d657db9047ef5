package mgmt

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// apiError is the JSON body of every failed request.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
}

// toAPIError turns any error into its wire form. An error without a chapter 5
// code is code 1, the reference's "command failed but the failure is not
// linked to a pre-defined error code".
func toAPIError(err error) apiError {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		detail := ce.Detail
		if ce.Err != nil {
			detail = joinDetail(detail, ce.Err.Error())
		}
		// Context added around the catalog error by wrapping ("pausing
		// job: 107 ...") would be lost by taking ce alone; keep it.
		if outer := err.Error(); outer != ce.Error() {
			if prefix, ok := strings.CutSuffix(outer, ce.Error()); ok {
				detail = joinDetail(strings.TrimSuffix(prefix, ": "), detail)
			}
		}
		return apiError{Code: ce.Code, Message: ce.Message, Detail: detail}
	}
	e := catalog.Err(catalog.CodeUnknown, "%s", err.Error())
	return apiError{Code: e.Code, Message: e.Message, Detail: e.Detail}
}

func joinDetail(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}

// asError is the client's view of a wire error: the *catalog.Error the
// server started from, code and message preserved even when this binary's
// catalog does not know the code.
func (e apiError) asError() *catalog.Error {
	return &catalog.Error{Code: e.Code, Message: e.Message, Detail: e.Detail}
}

// httpStatus picks the HTTP status that fits a chapter 5 code, so generic
// HTTP tooling (curl -f, proxies, logs) reads failures sensibly. The JSON
// code stays the authority.
func httpStatus(code int) int {
	switch code {
	case catalog.CodeInvalidParameter, catalog.CodeInvalidCommand, catalog.CodeInvalidOption,
		114, 115, 135, catalog.CodeSourcePathInvalid, 183:
		return http.StatusBadRequest
	case catalog.CodeInsufficientSecurity, 142:
		return http.StatusForbidden
	case catalog.CodeConnectionNotExist, 119, catalog.CodeJobNotExist, catalog.CodeServerNotFound, 136:
		return http.StatusNotFound
	case catalog.CodeConnectionExists, catalog.CodeMirrorActive, catalog.CodeMirrorAlreadyActive,
		catalog.CodeMirrorNotPaused, catalog.CodeConnectionNotPaused, 120, catalog.CodeMirrorNotRunning,
		catalog.CodeJobExists, 125, 126, 127, catalog.CodeJobInUse, catalog.CodeTransmissionPaused,
		catalog.CodeTargetPaused:
		return http.StatusConflict
	case catalog.CodeSourceNotLoaded, catalog.CodeTargetNotLoaded, catalog.CodeServerNotResponding,
		catalog.CodeMemoryLow, 160:
		return http.StatusServiceUnavailable
	case catalog.CodeConnectionFailed, catalog.CodeUnknownConnection:
		return http.StatusBadGateway
	case 155, 161, 170, 171:
		return http.StatusNotImplemented
	case catalog.CodeTargetDiskFull:
		return http.StatusInsufficientStorage
	}
	return http.StatusInternalServerError
}

// writeError sends err as JSON with a fitting status.
func writeError(w http.ResponseWriter, err error) {
	ae := toAPIError(err)
	writeJSON(w, httpStatus(ae.Code), ae)
}

// writeErrorStatus sends err as JSON with a status chosen by the caller.
func writeErrorStatus(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, toAPIError(err))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// The status line is already sent; a failed write means the caller
	// went away, and there is no one left to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError sends err as the API's JSON error with a fitting status, for
// other HTTP front ends of the same servers (the web console) so their
// callers read one error format.
func WriteError(w http.ResponseWriter, err error) { writeError(w, err) }

// WriteJSON sends v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }
