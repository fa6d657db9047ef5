package blockhash

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// readChunk is how much HashRange reads per system call. Reading many
// blocks at once keeps syscall overhead small for small block sizes; it is
// rounded down to a multiple of the block size.
const readChunk = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, readChunk); return &b }}

// HashFile hashes the file at path in blocks of blockSize bytes, the last
// block possibly shorter. It returns the sums and the number of bytes
// hashed, which is the file's size unless the file changed while it was
// read. Callers that cache the result should take the file's identity
// (Identify) before calling, so a change during hashing shows as a stale
// identity later.
func HashFile(path string, blockSize int) ([]Sum, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("blockhash: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("blockhash: %w", err)
	}
	sums, n, err := hashRange(f, 0, fi.Size(), blockSize, true)
	if err != nil {
		return nil, 0, fmt.Errorf("blockhash: %s: %w", path, err)
	}
	return sums, n, nil
}

// HashRange hashes n bytes of f starting at off in blocks of blockSize
// bytes; sum i covers [off+i*blockSize, off+(i+1)*blockSize). It reads with
// ReadAt, so it neither uses nor moves f's offset and may run concurrently
// with other readers of f. If the file ends before off+n the sums cover
// what exists, the last one possibly short.
func HashRange(f *os.File, off, n int64, blockSize int) ([]Sum, error) {
	sums, _, err := hashRange(f, off, n, blockSize, false)
	if err != nil {
		return nil, fmt.Errorf("blockhash: %s: %w", f.Name(), err)
	}
	return sums, nil
}

// hashRange is HashRange that also reports the bytes hashed. With toEOF it
// keeps going past n when the file has grown since n was measured, so
// HashFile describes the whole file as read.
func hashRange(f io.ReaderAt, off, n int64, blockSize int, toEOF bool) ([]Sum, int64, error) {
	if blockSize <= 0 {
		return nil, 0, fmt.Errorf("block size %d must be positive", blockSize)
	}
	if off < 0 || n < 0 {
		return nil, 0, fmt.Errorf("range %d+%d is negative", off, n)
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	if blockSize > len(buf) {
		buf = make([]byte, blockSize)
	} else {
		buf = buf[:len(buf)/blockSize*blockSize]
	}

	sums := make([]Sum, 0, (n+int64(blockSize)-1)/int64(blockSize))
	var done int64
	for toEOF || done < n {
		want := int64(len(buf))
		if !toEOF && n-done < want {
			want = n - done
		}
		got, err := f.ReadAt(buf[:want], off+done)
		for p := 0; p < got; p += blockSize {
			sums = append(sums, Block(buf[p:min(p+blockSize, got)]))
		}
		done += int64(got)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		// Without an error ReadAt filled the whole chunk, which is a
		// multiple of blockSize unless it was the range's last piece, so
		// block boundaries stay aligned.
	}
	return sums, done, nil
}
