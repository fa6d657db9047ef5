package statsfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// encodeSnapshot appends a snapshot record's payload. Blocks and fields are
// written in a fixed order so equal snapshots encode to equal bytes.
func encodeSnapshot(dst []byte, sc *Schema, snap stats.Snapshot) []byte {
	dst = append(dst, kindSnapshot)
	dst = binary.AppendVarint(dst, snap.Time.UnixNano())
	blocks := allBlocks(snap)
	dst = binary.AppendUvarint(dst, uint64(len(blocks)))
	for _, in := range blocks {
		dst = appendString(dst, string(in.Scope))
		dst = appendString(dst, in.Key)
		dst = binary.AppendUvarint(dst, uint64(len(in.Labels)))
		for _, k := range sortedKeys(in.Labels) {
			dst = appendString(dst, k)
			dst = appendString(dst, in.Labels[k])
		}
		var ids []uint32
		vals := map[uint32]int64{}
		for n, v := range in.Values {
			if f, ok := sc.byName[string(in.Scope)+"/"+n]; ok {
				ids = append(ids, f.ID)
				vals[f.ID] = v
			}
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
		dst = binary.AppendUvarint(dst, uint64(len(ids)))
		for _, id := range ids {
			dst = binary.AppendUvarint(dst, uint64(id))
			dst = binary.AppendVarint(dst, vals[id])
		}
		var tids []uint32
		texts := map[uint32]string{}
		for n, v := range in.Texts {
			if f, ok := sc.byName[string(in.Scope)+"/"+n]; ok {
				tids = append(tids, f.ID)
				texts[f.ID] = v
			}
		}
		sort.Slice(tids, func(a, b int) bool { return tids[a] < tids[b] })
		dst = binary.AppendUvarint(dst, uint64(len(tids)))
		for _, id := range tids {
			dst = binary.AppendUvarint(dst, uint64(id))
			dst = appendString(dst, texts[id])
		}
	}
	return dst
}

func allBlocks(s stats.Snapshot) []stats.Instance {
	out := []stats.Instance{s.Kernel, s.Security, s.Source}
	out = append(out, s.Targets...)
	return append(out, s.Connections...)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

var errShort = errors.New("record ends early")

// decoder reads a snapshot body; every read is bounds-checked because the
// bytes come from a file anyone may have damaged.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items that each take at least one byte, so a
// corrupt count cannot make the decoder allocate more than the record holds.
func (d *decoder) count() int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)) {
		d.err = fmt.Errorf("count %d exceeds the record", n)
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func decodeSnapshot(body []byte, sc *Schema) (stats.Snapshot, error) {
	d := &decoder{b: body}
	snap := stats.Snapshot{Time: time.Unix(0, d.varint())}
	n := d.count()
	for i := 0; i < n && d.err == nil; i++ {
		in := stats.Instance{Scope: catalog.Scope(d.str()), Key: d.str(), Values: map[string]int64{}, Texts: map[string]string{}}
		if nl := d.count(); nl > 0 {
			in.Labels = make(map[string]string, nl)
			for j := 0; j < nl && d.err == nil; j++ {
				k := d.str()
				in.Labels[k] = d.str()
			}
		}
		nv := d.count()
		for j := 0; j < nv && d.err == nil; j++ {
			f, err := field(sc, d.uvarint(), in.Scope)
			v := d.varint()
			if err != nil && d.err == nil {
				d.err = err
			}
			in.Values[f.Name] = v
		}
		nt := d.count()
		for j := 0; j < nt && d.err == nil; j++ {
			f, err := field(sc, d.uvarint(), in.Scope)
			v := d.str()
			if err != nil && d.err == nil {
				d.err = err
			}
			in.Texts[f.Name] = v
		}
		switch in.Scope {
		case catalog.ScopeKernel:
			snap.Kernel = in
		case catalog.ScopeSecurity:
			snap.Security = in
		case catalog.ScopeSource:
			snap.Source = in
		case catalog.ScopeTarget:
			snap.Targets = append(snap.Targets, in)
		case catalog.ScopeConnection:
			snap.Connections = append(snap.Connections, in)
		default:
			if d.err == nil {
				d.err = fmt.Errorf("unknown scope %q", in.Scope)
			}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d bytes after the snapshot", len(d.b))
	}
	if d.err != nil {
		return stats.Snapshot{}, fmt.Errorf("snapshot: %w", d.err)
	}
	return snap, nil
}

func field(sc *Schema, id uint64, scope catalog.Scope) (*Field, error) {
	f, ok := sc.byID[uint32(id)]
	if !ok || uint64(uint32(id)) != id {
		return &Field{}, fmt.Errorf("field %d is not in the schema", id)
	}
	if f.Scope != scope {
		return &Field{}, fmt.Errorf("field %s belongs to %s, not %s", f.Name, f.Scope, scope)
	}
	return f, nil
}
