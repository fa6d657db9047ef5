package queue

import (
	"context"
	"testing"
)

// benchPush measures Push of 4 KiB replication ops with and without the
// journal's fsyncs; ops are taken and acknowledged as they go, as a
// connected sender would.
func benchPush(b *testing.B, o Opts) {
	q, _, err := Open(o)
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	op := repOp(1, 4096)
	b.SetBytes(4096)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := *op
		q.Push(&c)
		if i%256 == 255 {
			batch, _ := q.Take(context.Background(), 1<<20, 1<<40, 1<<20)
			q.Ack(batch[len(batch)-1].Seq)
		}
	}
	if err := q.Sync(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkPushMemory(b *testing.B) { benchPush(b, Opts{}) }

func BenchmarkPushJournal(b *testing.B) {
	benchPush(b, Opts{Dir: b.TempDir(), JobID: "bench"})
}

func BenchmarkPushJournalUnsafeNoSync(b *testing.B) {
	benchPush(b, Opts{Dir: b.TempDir(), JobID: "bench", UnsafeNoSync: true})
}

// BenchmarkDrainBacklog measures reading a spilled backlog back.
func BenchmarkDrainBacklog(b *testing.B) {
	o := Opts{Dir: b.TempDir(), JobID: "bench", UnsafeNoSync: true,
		Pool: NewPool(PoolOpts{LimitBytes: 1, SpillPercent: 0})}
	q, _, err := Open(o)
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	for i := 0; i < b.N; i++ {
		q.Push(mirOp(i, 4096))
	}
	b.SetBytes(4096)
	b.ResetTimer()
	for n := 0; n < b.N; {
		batch, err := q.Take(context.Background(), 256, 1<<40, 1<<20)
		if err != nil {
			b.Fatal(err)
		}
		n += len(batch)
		q.Ack(batch[len(batch)-1].Seq)
	}
}
