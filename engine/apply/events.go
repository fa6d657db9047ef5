package apply

import (
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Chapter 6 events the applier raises, all with source "Double-Take".
const (
	// EventDiskFull: "Target cannot write %1 due to target disk being
	// full. Operation will be retried (%2 times or forever)".
	EventDiskFull = catalog.EventDoubleTake4110
	// EventSharingViolation: "... due to a sharing violation ...", raised
	// for a file that is busy or locked.
	EventSharingViolation = catalog.EventDoubleTake4111
	// EventAccessDenied: "... due to access denied ...", raised for
	// permission errors, including a read-only file system.
	EventAccessDenied = catalog.EventDoubleTake4112
	// EventUnknownFailure: "... due to an unknown reason ...".
	EventUnknownFailure = catalog.EventDoubleTake4113
	// EventRetrySucceeded: "Target write to %1 was completed successfully
	// after %2 retries."
	EventRetrySucceeded = catalog.EventDoubleTake4120
	// EventDropped: "Target write %1 failed after %2 retries and will be
	// discarded. ..."
	EventDropped = catalog.EventDoubleTake4150
)

// class is what a failure means for retrying and reporting.
type class int

const (
	classOther     class = iota // unknown cause: retried (4113)
	classDiskFull               // ENOSPC, EDQUOT: retried (4110)
	classSharing                // busy or locked: retried (4111)
	classAccess                 // EACCES, EPERM, EROFS: retried (4112)
	classPermanent              // cannot succeed by waiting: dropped at once
	classRefused                // invalid op or unsafe path: dropped at once
)

func (c class) retryable() bool { return c < classPermanent }

// retryEvent is the event announcing that an op of class c will be retried.
func (c class) retryEvent() catalog.EventID {
	switch c {
	case classDiskFull:
		return EventDiskFull
	case classSharing:
		return EventSharingViolation
	case classAccess:
		return EventAccessDenied
	}
	return EventUnknownFailure
}

// code is the chapter 5 code of the error returned for a dropped op.
func (c class) code() int {
	switch c {
	case classDiskFull:
		return catalog.CodeTargetDiskFull
	case classAccess:
		return catalog.CodeInsufficientSecurity
	case classRefused:
		return catalog.CodeInvalidParameter
	}
	return catalog.CodeUnknown
}

// retriesText renders the "%2 times or forever" insert.
func retriesText(limit int) string {
	if limit <= 0 {
		return "forever"
	}
	return strconv.Itoa(limit)
}
