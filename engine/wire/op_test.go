package wire

import (
	"slices"
	"testing"
)

// The kinds that keep every name: the target's resume point after a kill
// and the applier's kept directory both rely on exactly these. A new kind
// is taken as changing names until it is listed here.
func TestKeepsNames(t *testing.T) {
	keep := []OpKind{OpCreate, OpWrite, OpTruncate, OpAttr, OpMkdir, OpMark}
	for k := range opNames {
		if got, want := k.KeepsNames(), slices.Contains(keep, k); got != want {
			t.Errorf("%s: KeepsNames %v, want %v", k, got, want)
		}
	}
}
