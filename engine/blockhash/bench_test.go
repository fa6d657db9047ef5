package blockhash

import (
	"fmt"
	"testing"
)

// BenchmarkHashFile reports hashing throughput (MB/s) of a 64 MiB file in
// page cache, so it measures the hash and the read path, not the disk.
func BenchmarkHashFile(b *testing.B) {
	const size = 64 << 20
	p := writeTemp(b, randomBytes(1, size))
	for _, bs := range []int{4 << 10, 64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("block=%dK", bs>>10), func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if _, _, err := HashFile(p, bs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBlock is the hash alone on one 64 KiB block.
func BenchmarkBlock(b *testing.B) {
	buf := randomBytes(2, 64<<10)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		Block(buf)
	}
}
