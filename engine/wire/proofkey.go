package wire

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"fmt"
	"sync"
)

// The proof key is PBKDF2-HMAC-SHA256 of the shared secret. 100,000
// iterations cost about 0.06 s on one core (0.8 s under the race
// detector, which every test binary runs with, so more would slow every
// test that connects). The salt is fixed: both
// sides must derive the same key before either knows anything about the
// other that a fake peer could not choose, so a salt from the exchange
// would only let an attacker pick it. What the derivation buys is cost: a
// fake target holding one source proof pays a full derivation per guess.
const (
	proofKeySalt       = "dtrep wire handshake key v2"
	proofKeyIterations = 100_000
	proofKeySize       = sha256.Size
)

// proofKeys caches derived keys by secret: a server derives its own secret
// once, not once per connection. Only configured
// secrets are derived, never one a peer sends, so the cache stays as small
// as the configuration; maxProofKeys bounds it anyway.
var proofKeys struct {
	sync.Mutex
	m map[string]func() ([]byte, error)
}

const maxProofKeys = 64

// proofKey returns the key proofs are computed with for secret.
func proofKey(secret []byte) ([]byte, error) {
	proofKeys.Lock()
	if proofKeys.m == nil || len(proofKeys.m) >= maxProofKeys {
		proofKeys.m = map[string]func() ([]byte, error){}
	}
	derive, ok := proofKeys.m[string(secret)]
	if !ok {
		s := string(secret)
		derive = sync.OnceValues(func() ([]byte, error) {
			k, err := pbkdf2.Key(sha256.New, s, []byte(proofKeySalt), proofKeyIterations, proofKeySize)
			if err != nil {
				return nil, fmt.Errorf("handshake: deriving the proof key: %w", err)
			}
			return k, nil
		})
		proofKeys.m[s] = derive
	}
	proofKeys.Unlock()
	return derive()
}
