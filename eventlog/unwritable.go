package eventlog

import "errors"

// unwritable marks an event a writer can never write (one the catalog
// lacks, for a writer that needs the catalog): the consumer counts it and
// moves on instead of retrying.
type unwritable struct{ error }

func (u unwritable) Unwrap() error { return u.error }

// Unwritable wraps err so the consumer drops the event instead of retrying.
func Unwritable(err error) error { return unwritable{err} }

func isUnwritable(err error) bool {
	var u unwritable
	return errors.As(err, &u)
}
