//go:build windows && (amd64 || arm64)

package perfmon

import (
	"encoding/binary"
	"errors"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// instanceHeaderSize is sizeof(PERF_COUNTERSET_INSTANCE): the counter data
// block follows it.
const instanceHeaderSize = 32

// TestProviderUnderPerfLib runs the provider against advapi32's PerfLib
// (wine's on Linux, see TestProviderUnderWine): it starts, registers the
// five counter sets, creates an instance per block of a snapshot, points
// every counter at its value and deletes the instance of a connection that
// went away. It then shows PerfLib's own checks are live, so the passes
// above mean something: a duplicate counter set, a short template and an
// unknown counter ID are refused.
func TestProviderUnderPerfLib(t *testing.T) {
	sets := testSets(t)
	pub, err := startProvider(sets)
	if err != nil {
		t.Fatal(err)
	}
	p := pub.(*windowsProvider)
	defer func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	}()

	reg := stats.NewRegistry()
	reg.Kernel.Counter(catalog.StatRepBytesGenerated).Store(3 << 10)
	reg.Target("10.0.0.7").Counter(catalog.StatRetries).Store(3)
	reg.AddConnection(1, map[string]string{"job": "web", "target": "10.0.0.9:6320"}).Counter(catalog.StatConBytesTx).Store(1000)
	reg.AddConnection(2, map[string]string{"job": "db", "target": "10.0.0.9:6320"})
	if err := p.Publish(reg.Snapshot()); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"Double-Take Connection": {"web -> 10.0.0.9:6320 [1]", "db -> 10.0.0.9:6320 [2]"},
		"Double-Take Kernel":     {singleInstanceName}, "Double-Take Security": {singleInstanceName},
		"Double-Take Source": {singleInstanceName}, "Double-Take Target": {"10.0.0.7"},
	}
	for i, s := range sets {
		if len(p.live[i]) != len(want[s.Name]) {
			t.Errorf("%s: %d instances, want %v", s.Name, len(p.live[i]), want[s.Name])
		}
		for _, name := range want[s.Name] {
			in, ok := p.live[i][name]
			if !ok {
				t.Errorf("%s: no instance %q", s.Name, name)
				continue
			}
			checkInstanceBlock(t, s, name, in)
		}
	}
	if v := valueOf(t, p, sets, "Double-Take Kernel", singleInstanceName, "Replication Kbytes generated"); v != 3 {
		t.Errorf("Replication Kbytes generated = %d, want 3", v)
	}
	if v := valueOf(t, p, sets, "Double-Take Connection", "web -> 10.0.0.9:6320 [1]", "Bytes transferred"); v != 1000 {
		t.Errorf("Bytes transferred = %d, want 1000", v)
	}

	reg.RemoveConnection(2)
	if err := p.Publish(reg.Snapshot()); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.live[0]["db -> 10.0.0.9:6320 [2]"]; ok || len(p.live[0]) != 1 {
		t.Errorf("connection instances after one went away: %d", len(p.live[0]))
	}

	// PerfLib's checks.
	tmpl := EncodeTemplate(sets[0])
	r, _, _ := procPerfSetCounterSetInfo.Call(uintptr(p.handle), uintptr(unsafe.Pointer(&tmpl[0])), uintptr(len(tmpl)))
	if !errors.Is(syscall.Errno(r), windows.ERROR_ALREADY_EXISTS) {
		t.Errorf("registering %s twice: %v, want ERROR_ALREADY_EXISTS", sets[0].Name, syscall.Errno(r))
	}
	other := CounterSet{Name: "short", GUID: nameGUID("short template"), Counters: sets[0].Counters}
	tmpl = EncodeTemplate(other)
	r, _, _ = procPerfSetCounterSetInfo.Call(uintptr(p.handle), uintptr(unsafe.Pointer(&tmpl[0])), uintptr(len(tmpl)-1))
	if !errors.Is(syscall.Errno(r), windows.ERROR_INVALID_PARAMETER) {
		t.Errorf("a template one byte short: %v, want ERROR_INVALID_PARAMETER", syscall.Errno(r))
	}
	in := p.live[0]["web -> 10.0.0.9:6320 [1]"]
	var v uint64
	r, _, _ = procPerfSetCounterRefValue.Call(uintptr(p.handle), in.block, 9999, uintptr(unsafe.Pointer(&v)))
	if r == 0 {
		t.Error("counter ID 9999 was accepted")
	}
}

// checkInstanceBlock reads PerfLib's instance block: its header names the
// set and the ID the provider gave, and the data block holds, at each
// counter's template offset, the address of the counter's value.
func checkInstanceBlock(t *testing.T, s CounterSet, name string, in *liveInstance) {
	t.Helper()
	tmpl, err := DecodeTemplate(EncodeTemplate(s))
	if err != nil {
		t.Fatal(err)
	}
	size := instanceHeaderSize + 8*len(s.Counters)
	b := make([]byte, size)
	if err := windows.ReadProcessMemory(windows.CurrentProcess(), in.block, &b[0], uintptr(size), nil); err != nil {
		t.Fatalf("%s(%s): reading the instance block: %v", s.Name, name, err)
	}
	if g := guidFromLittleEndian(b); g != s.GUID || binary.LittleEndian.Uint32(b[20:]) != in.id {
		t.Errorf("%s(%s): instance header names %s, ID %d; want %s, %d", s.Name, name, g,
			binary.LittleEndian.Uint32(b[20:]), s.GUID, in.id)
	}
	for j, c := range tmpl.Counters {
		slot := binary.LittleEndian.Uint64(b[instanceHeaderSize+int(c.Offset):])
		if want := uint64(uintptr(unsafe.Pointer(&in.values[j]))); slot != want {
			t.Errorf("%s(%s) counter %d: data block holds %#x, the value is at %#x", s.Name, name, c.ID, slot, want)
		}
	}
}

func valueOf(t *testing.T, p *windowsProvider, sets []CounterSet, set, inst, counter string) uint64 {
	t.Helper()
	for i, s := range sets {
		if s.Name != set {
			continue
		}
		for j, c := range s.Counters {
			if in, ok := p.live[i][inst]; ok && c.Name == counter {
				return in.values[j]
			}
		}
	}
	t.Fatalf("%s(%s)\\%s not published", set, inst, counter)
	return 0
}
