package perfmon

import (
	"encoding/binary"
	"fmt"
)

// Sizes of the structures PerfSetCounterSetInfo reads (perflib.h, x64 and
// x86 alike: no pointers).
const (
	counterSetInfoSize = 40 // PERF_COUNTERSET_INFO
	counterInfoSize    = 32 // PERF_COUNTER_INFO
)

// PerfLib values a template uses.
const (
	instanceSingle   = 0   // PERF_COUNTERSET_SINGLE_INSTANCE
	instanceMultiple = 2   // PERF_COUNTERSET_MULTI_INSTANCES
	detailNovice     = 100 // PERF_DETAIL_NOVICE: the manifest's detailLevel "standard"
	// attribByReference (PERF_ATTRIB_BY_REFERENCE): the data block holds
	// the value's address, a pointer-sized slot.
	attribByReference = 1
)

// Template is the decoded form of a counter set template: a
// PERF_COUNTERSET_INFO followed by one PERF_COUNTER_INFO per counter.
type Template struct {
	CounterSet   GUID
	Provider     GUID
	InstanceType uint32
	Counters     []TemplateCounter
}

// TemplateCounter is one PERF_COUNTER_INFO.
type TemplateCounter struct {
	ID          uint32
	Type        uint32
	Attrib      uint64
	Size        uint32
	DetailLevel uint32
	Scale       int32
	Offset      uint32
}

// EncodeTemplate builds the bytes the provider passes to
// PerfSetCounterSetInfo for s. Every counter is set by reference
// (PERF_ATTRIB_BY_REFERENCE, PerfSetCounterRefValue): the instance's data
// block holds, at the counter's offset, the address of a ULONGLONG the
// provider updates.
func EncodeTemplate(s CounterSet) []byte {
	b := make([]byte, counterSetInfoSize+counterInfoSize*len(s.Counters))
	copy(b[0:], s.GUID.littleEndian())
	copy(b[16:], ProviderGUID.littleEndian())
	le := binary.LittleEndian
	le.PutUint32(b[32:], uint32(len(s.Counters)))
	if s.Multiple {
		le.PutUint32(b[36:], instanceMultiple)
	} else {
		le.PutUint32(b[36:], instanceSingle)
	}
	var offset uint32
	for i, c := range s.Counters {
		p := b[counterSetInfoSize+counterInfoSize*i:]
		le.PutUint32(p[0:], c.ID)
		le.PutUint32(p[4:], uint32(c.Type))
		le.PutUint64(p[8:], attribByReference)
		le.PutUint32(p[16:], c.Type.ValueSize())
		le.PutUint32(p[20:], detailNovice)
		// p[24:28] Scale: 0, the type's default
		le.PutUint32(p[28:], offset)
		offset += c.Type.ValueSize()
	}
	return b
}

// DecodeTemplate reads a counter set template back, checking that its
// length is exactly what its counter count says.
func DecodeTemplate(b []byte) (Template, error) {
	if len(b) < counterSetInfoSize {
		return Template{}, fmt.Errorf("counter set template: %d bytes, shorter than PERF_COUNTERSET_INFO (%d)",
			len(b), counterSetInfoSize)
	}
	le := binary.LittleEndian
	n := le.Uint32(b[32:])
	if want := counterSetInfoSize + counterInfoSize*uint64(n); uint64(len(b)) != want {
		return Template{}, fmt.Errorf("counter set template: %d bytes for %d counters, want %d", len(b), n, want)
	}
	t := Template{CounterSet: guidFromLittleEndian(b[0:]), Provider: guidFromLittleEndian(b[16:]),
		InstanceType: le.Uint32(b[36:]), Counters: make([]TemplateCounter, n)}
	for i := range t.Counters {
		p := b[counterSetInfoSize+counterInfoSize*i:]
		t.Counters[i] = TemplateCounter{ID: le.Uint32(p[0:]), Type: le.Uint32(p[4:]), Attrib: le.Uint64(p[8:]),
			Size: le.Uint32(p[16:]), DetailLevel: le.Uint32(p[20:]), Scale: int32(le.Uint32(p[24:])), Offset: le.Uint32(p[28:])}
	}
	return t, nil
}
