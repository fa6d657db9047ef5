package apply

import (
	"context"
	"fmt"
	"testing"

	"github.com/dtrep/dtrep/engine/wire"
)

// BenchmarkApplySmallFiles applies 10,000 ops (5,000 creates each followed
// by a 1 KiB write, spread over 50 directories) with a Sync every 256 ops,
// as a session acknowledging batches would, under each sync strategy.
func BenchmarkApplySmallFiles(b *testing.B) {
	for _, s := range []struct {
		name string
		thr  int
	}{{"fsync-each", -1}, {"syncfs", 1}, {"default", 0}} {
		b.Run(s.name, func(b *testing.B) {
			opts := DefaultOptions()
			opts.SyncfsThreshold = s.thr
			a, _, _ := newApplier(b, opts)
			ctx := context.Background()
			data := make([]byte, 1024)
			iter := 0
			for b.Loop() {
				n := 0
				apply := func(op wire.Op) {
					if err := a.Apply(ctx, &op); err != nil {
						b.Fatal(err)
					}
					if n++; n%256 == 0 {
						if err := a.Sync(); err != nil {
							b.Fatal(err)
						}
					}
				}
				for d := range 50 {
					dir := fmt.Sprintf("i%d/d%d", iter, d)
					apply(wire.Op{Kind: wire.OpMkdir, Path: dir})
					for f := range 100 {
						p := fmt.Sprintf("%s/f%d", dir, f)
						apply(wire.Op{Kind: wire.OpCreate, Path: p, Mode: 0o644})
						apply(wire.Op{Kind: wire.OpWrite, Path: p, Data: data})
					}
				}
				if err := a.Sync(); err != nil {
					b.Fatal(err)
				}
				iter++
			}
			b.ReportMetric(float64(iter*10_000)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}

// BenchmarkSyncStrategy times Sync alone after n files were written into
// one directory: fsyncing each file and the directory against one syncfs.
// DefaultSyncfsThreshold sits where the two cross.
func BenchmarkSyncStrategy(b *testing.B) {
	for _, n := range []int{1, 4, 8, 16, 32, 64, 256} {
		for _, s := range []struct {
			name string
			thr  int
		}{{"fsync-each", -1}, {"syncfs", 1}} {
			b.Run(fmt.Sprintf("files=%d/%s", n, s.name), func(b *testing.B) {
				opts := DefaultOptions()
				opts.SyncfsThreshold = s.thr
				opts.MaxOpenFiles = n + 1
				a, _, _ := newApplier(b, opts)
				ctx := context.Background()
				data := make([]byte, 4096)
				iter := 0
				for b.Loop() {
					b.StopTimer()
					for f := range n {
						p := fmt.Sprintf("f%d-%d", iter, f)
						for _, op := range []wire.Op{{Kind: wire.OpCreate, Path: p}, {Kind: wire.OpWrite, Path: p, Data: data}} {
							if err := a.Apply(ctx, &op); err != nil {
								b.Fatal(err)
							}
						}
					}
					iter++
					b.StartTimer()
					if err := a.Sync(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
