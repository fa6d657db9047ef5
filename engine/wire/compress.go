package wire

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// CompressionLevel is a connection's compression setting. The reference
// shows compression as Off or On at a level; dtrep offers three levels, each
// a zstd speed: Minimum for fast links where CPU is the limit, Maximum for
// slow WAN links where every byte saved counts.
type CompressionLevel uint8

const (
	CompressionOff     CompressionLevel = 0
	CompressionMinimum CompressionLevel = 1 // zstd SpeedFastest
	CompressionMedium  CompressionLevel = 2 // zstd SpeedDefault
	CompressionMaximum CompressionLevel = 3 // zstd SpeedBetterCompression
)

// SpeedBestCompression is left out on purpose: it is several times slower
// than SpeedBetterCompression for a few percent, too slow for a live stream.
var zstdLevels = [...]zstd.EncoderLevel{
	CompressionMinimum: zstd.SpeedFastest,
	CompressionMedium:  zstd.SpeedDefault,
	CompressionMaximum: zstd.SpeedBetterCompression,
}

func (l CompressionLevel) String() string {
	switch l {
	case CompressionOff:
		return "Off"
	case CompressionMinimum:
		return "Minimum"
	case CompressionMedium:
		return "Medium"
	case CompressionMaximum:
		return "Maximum"
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// Valid reports whether l is a level this version knows.
func (l CompressionLevel) Valid() bool { return l <= CompressionMaximum }

// DefaultMinCompressSize is the payload size below which frames are sent
// uncompressed, after MinCompressionFileSize's default of 1024 bytes.
const DefaultMinCompressSize = 1024

// minSavingDivisor: compress only when it saves at least 1/32 (3.125%) of
// the payload, else the receiver pays for decompression to save nothing.
const minSavingDivisor = 32

// The codecs are shared by all connections: EncodeAll and DecodeAll are safe
// for concurrent use, and one set of encoder states per level is far less
// memory than one per connection.
var (
	encoders [len(zstdLevels)]struct {
		once sync.Once
		enc  *zstd.Encoder
		err  error
	}
	decoderOnce sync.Once
	zstdDec     *zstd.Decoder
	decoderErr  error
)

func encoderFor(l CompressionLevel) (*zstd.Encoder, error) {
	e := &encoders[l]
	e.once.Do(func() {
		// The frame's CRC32C already covers the compressed bytes.
		e.enc, e.err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstdLevels[l]), zstd.WithEncoderCRC(false))
	})
	return e.enc, e.err
}

func sharedDecoder() (*zstd.Decoder, error) {
	decoderOnce.Do(func() {
		zstdDec, decoderErr = zstd.NewReader(nil,
			zstd.WithDecoderMaxMemory(MaxPayload),
			zstd.WithDecoderMaxWindow(MaxPayload))
	})
	return zstdDec, decoderErr
}

// compress appends the compressed payload to dst and reports whether it is
// worth sending: level on, payload at least minSize, not marked
// incompressible, and at least 1/32 smaller.
func compress(dst, payload []byte, level CompressionLevel, minSize int, incompressible bool) ([]byte, bool) {
	if level == CompressionOff || !level.Valid() || incompressible || len(payload) < minSize {
		return dst, false
	}
	enc, err := encoderFor(level)
	if err != nil {
		return dst, false // cannot happen with fixed options; sending uncompressed is always correct
	}
	out := enc.EncodeAll(payload, dst)
	if len(out)-len(dst) > len(payload)-len(payload)/minSavingDivisor {
		return dst, false
	}
	return out, true
}

// decompress decodes a compressed payload, refusing output over MaxPayload.
func decompress(payload []byte) ([]byte, error) {
	dec, err := sharedDecoder()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecompress, err)
	}
	out, err := dec.DecodeAll(payload, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDecompress, err)
	}
	if len(out) > MaxPayload {
		return nil, fmt.Errorf("%w: %d bytes decoded, limit %d", ErrDecompress, len(out), MaxPayload)
	}
	return out, nil
}
