package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// startCPUProfile profiles the CPU into path until the returned function
// runs.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// startBlockProfiles samples blocking events over 10 µs and one mutex
// contention in 10; the returned function writes what was gathered to
// base.block and base.mutex.
func startBlockProfiles(base string) func() {
	runtime.SetBlockProfileRate(10_000)
	runtime.SetMutexProfileFraction(10)
	return func() {
		for _, name := range []string{"block", "mutex"} {
			f, err := os.Create(base + "." + name)
			if err != nil {
				fail(err)
			}
			if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
				fail(err)
			}
			f.Close()
		}
	}
}

// writeHeapProfile writes the live heap (after a collection) to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
