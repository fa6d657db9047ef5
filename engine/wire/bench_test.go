package wire

import (
	"fmt"
	"testing"
)

// Send/Recv throughput of 1 MiB Ops frames over loopback TCP, uncompressed
// and at each compression level, with log-like (compressible) data. The
// wire/raw metric is the fraction of bytes that crossed the socket.
func BenchmarkSendRecv1MiB(b *testing.B) {
	data := compressibleText(1 << 20)
	for _, level := range []CompressionLevel{CompressionOff, CompressionMinimum, CompressionMedium, CompressionMaximum} {
		b.Run(level.String(), func(b *testing.B) {
			a, r := tcpConns(b, Options{Compression: level}, Options{})
			msg := &Ops{Ops: []Op{{Seq: 1, Kind: OpWrite, Path: "data/file.log", Data: data}}}
			done := make(chan error, 1)
			go func() {
				for range b.N {
					if _, err := r.Recv(); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for range b.N {
				if err := a.Send(msg); err != nil {
					b.Fatal(err)
				}
			}
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			s := a.Counters()
			b.ReportMetric(float64(s.WireBytesSent.Load())/float64(s.BytesSent.Load()), "wire/raw")
		})
	}
}

// Encoding and decoding a batch of small ops, the common replication case.
func BenchmarkOpsCodec(b *testing.B) {
	ops := make([]Op, 100)
	for i := range ops {
		ops[i] = Op{Seq: uint64(1000 + i), Kind: OpWrite, Path: fmt.Sprintf("dir/sub/file%03d.txt", i),
			Offset: int64(i) * 4096, Data: make([]byte, 512), Mtime: 1_700_000_000_000_000_000}
	}
	msg := &Ops{Ops: ops}
	enc, _ := Marshal(msg)
	b.Run("marshal", func(b *testing.B) {
		buf := make([]byte, 0, len(enc))
		b.SetBytes(int64(len(enc)))
		for range b.N {
			buf, _ = msg.AppendBinary(buf[:0])
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		var m Ops
		for range b.N {
			if err := m.UnmarshalBinary(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
