//go:build windows && (amd64 || arm64)

package perfmon

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/dtrep/dtrep/engine/stats"
)

// PerfLib V2's provider side (advapi32, Windows Vista and later).
var (
	advapi32                   = windows.NewLazySystemDLL("advapi32.dll")
	procPerfStartProviderEx    = advapi32.NewProc("PerfStartProviderEx")
	procPerfStopProvider       = advapi32.NewProc("PerfStopProvider")
	procPerfSetCounterSetInfo  = advapi32.NewProc("PerfSetCounterSetInfo")
	procPerfCreateInstance     = advapi32.NewProc("PerfCreateInstance")
	procPerfDeleteInstance     = advapi32.NewProc("PerfDeleteInstance")
	procPerfSetCounterRefValue = advapi32.NewProc("PerfSetCounterRefValue")
)

// providerContext is PERF_PROVIDER_CONTEXT: no callback, PerfLib's own
// memory routines.
type providerContext struct {
	ContextSize     uint32
	Reserved        uint32
	ControlCallback uintptr
	MemAllocRoutine uintptr
	MemFreeRoutine  uintptr
	MemContext      uintptr
}

// windowsProvider is a started PerfLib V2 provider. Its methods are not
// safe for concurrent use: one goroutine (Run's) owns it.
type windowsProvider struct {
	handle windows.Handle
	sets   []CounterSet
	guids  []windows.GUID
	// live holds each set's instances by name.
	live   []map[string]*liveInstance
	nextID []uint32
}

// liveInstance is one instance PerfLib knows. Its counters are set by
// reference: PerfLib reads values straight from the pinned array when a
// consumer collects, so publishing a snapshot is plain atomic stores, no
// system call per counter.
type liveInstance struct {
	block  uintptr // PerfLib's PERF_COUNTERSET_INSTANCE
	id     uint32
	values []uint64
	pin    runtime.Pinner
}

// startProvider registers the provider and its counter sets with PerfLib.
func startProvider(sets []CounterSet) (publisher, error) {
	if err := procPerfStartProviderEx.Find(); err != nil {
		return nil, fmt.Errorf("perfmon: PerfLib V2 is not available: %w", err)
	}
	p := &windowsProvider{sets: sets, live: make([]map[string]*liveInstance, len(sets)), nextID: make([]uint32, len(sets))}
	provider := windows.GUID(ProviderGUID)
	ctx := providerContext{ContextSize: uint32(unsafe.Sizeof(providerContext{}))}
	if r, _, _ := procPerfStartProviderEx.Call(uintptr(unsafe.Pointer(&provider)), uintptr(unsafe.Pointer(&ctx)),
		uintptr(unsafe.Pointer(&p.handle))); r != 0 {
		return nil, fmt.Errorf("perfmon: PerfStartProviderEx %s: %w", ProviderGUID, syscall.Errno(r))
	}
	for i, s := range sets {
		tmpl := EncodeTemplate(s)
		if r, _, _ := procPerfSetCounterSetInfo.Call(uintptr(p.handle), uintptr(unsafe.Pointer(&tmpl[0])),
			uintptr(len(tmpl))); r != 0 {
			err := fmt.Errorf("perfmon: PerfSetCounterSetInfo %s: %w", s.Name, syscall.Errno(r))
			return nil, errors.Join(err, p.Close())
		}
		p.guids = append(p.guids, windows.GUID(s.GUID))
		p.live[i] = map[string]*liveInstance{}
	}
	return p, nil
}

// singleInstanceName names the one instance of a single-instance set;
// consumers do not show it.
const singleInstanceName = "_Default"

// Publish makes the instances match the snapshot (creating the new ones,
// deleting the ones gone) and stores every counter's value.
func (p *windowsProvider) Publish(snap stats.Snapshot) error {
	var errs []error
	for i, s := range p.sets {
		seen := map[string]bool{}
		for _, smp := range Samples(s, snap) {
			name := smp.Instance
			if !s.Multiple {
				name = singleInstanceName
			}
			seen[name] = true
			in, ok := p.live[i][name]
			if !ok {
				var err error
				if in, err = p.create(i, name); err != nil {
					errs = append(errs, err)
					continue
				}
			}
			for j, v := range smp.Values {
				atomic.StoreUint64(&in.values[j], v)
			}
		}
		for name, in := range p.live[i] {
			if !seen[name] {
				errs = append(errs, p.delete(i, name, in))
			}
		}
	}
	return errors.Join(errs...)
}

// create makes an instance and points each of its counters at its value.
func (p *windowsProvider) create(set int, name string) (*liveInstance, error) {
	s := p.sets[set]
	name16, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, fmt.Errorf("perfmon: %s instance %q: %w", s.Name, name, err)
	}
	in := &liveInstance{id: p.nextID[set], values: make([]uint64, len(s.Counters))}
	block, _, callErr := procPerfCreateInstance.Call(uintptr(p.handle), uintptr(unsafe.Pointer(&p.guids[set])),
		uintptr(unsafe.Pointer(name16)), uintptr(in.id))
	if block == 0 {
		return nil, fmt.Errorf("perfmon: PerfCreateInstance %s(%s): %w", s.Name, name, callErr)
	}
	p.nextID[set]++
	in.block = block
	in.pin.Pin(&in.values[0])
	p.live[set][name] = in
	for j, c := range s.Counters {
		if r, _, _ := procPerfSetCounterRefValue.Call(uintptr(p.handle), block, uintptr(c.ID),
			uintptr(unsafe.Pointer(&in.values[j]))); r != 0 {
			err := fmt.Errorf("perfmon: %s(%s)\\%s: PerfSetCounterRefValue: %w", s.Name, name, c.Name, syscall.Errno(r))
			return nil, errors.Join(err, p.delete(set, name, in))
		}
	}
	return in, nil
}

// delete removes an instance; its values stay pinned until PerfLib has let
// go of them.
func (p *windowsProvider) delete(set int, name string, in *liveInstance) error {
	delete(p.live[set], name)
	r, _, _ := procPerfDeleteInstance.Call(uintptr(p.handle), in.block)
	in.pin.Unpin()
	if r != 0 {
		return fmt.Errorf("perfmon: PerfDeleteInstance %s(%s): %w", p.sets[set].Name, name, syscall.Errno(r))
	}
	return nil
}

// Close deletes every instance and stops the provider.
func (p *windowsProvider) Close() error {
	var errs []error
	for i := range p.live {
		for name, in := range p.live[i] {
			errs = append(errs, p.delete(i, name, in))
		}
	}
	if r, _, _ := procPerfStopProvider.Call(uintptr(p.handle)); r != 0 {
		errs = append(errs, fmt.Errorf("perfmon: PerfStopProvider: %w", syscall.Errno(r)))
	}
	return errors.Join(errs...)
}
