package blockhash

import (
	"encoding/hex"

	"github.com/zeebo/xxh3"
)

// Size is the length of a Sum in bytes.
const Size = 16

// Sum is the hash of one block. It is a comparable array so sums can be
// compared with == and used as map keys.
type Sum [Size]byte

// Block hashes one block.
func Block(b []byte) Sum {
	return xxh3.Hash128(b).Bytes()
}

func (s Sum) String() string { return hex.EncodeToString(s[:]) }
