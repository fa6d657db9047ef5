//go:build linux && !dtrep_portable

package apply

// fuzzConfigure runs odd inputs without openat2, so the fuzzer covers the
// component walk used on kernels before 5.6.
func fuzzConfigure(a *Applier, b byte) { a.root.noOpenat2 = b%2 == 1 }
