//go:build !linux || dtrep_portable

package apply

// fuzzConfigure has nothing to vary in the portable root.
func fuzzConfigure(*Applier, byte) {}
