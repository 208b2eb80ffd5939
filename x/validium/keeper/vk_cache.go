package keeper

import (
	"crypto/sha256"
	"sync"

	"github.com/consensys/gnark/backend/groth16"

	"github.com/slush-tree/slush/circuits/keys"
)

// maxCachedVerifyingKeys bounds the cache: a chain has at most 255 children.
const maxCachedVerifyingKeys = 256

// vkCache keeps parsed, checked verifying keys by the SHA-256 of their bytes. Parsing a key
// (subgroup and consistency checks, pairing precomputation) costs about twice a verification,
// so updates reuse the parsed key. The cache never changes a result: the key is a pure function
// of its bytes, and a miss recomputes it. Queries may run concurrently with block execution,
// hence the mutex.
type vkCache struct {
	mu   sync.Mutex
	keys map[[sha256.Size]byte]groth16.VerifyingKey
}

func newVKCache() *vkCache {
	return &vkCache{keys: make(map[[sha256.Size]byte]groth16.VerifyingKey)}
}

// get returns the parsed key for vkBytes, checking and caching it on a miss.
func (c *vkCache) get(vkBytes []byte, publicInputs int) (groth16.VerifyingKey, error) {
	id := sha256.Sum256(vkBytes)
	c.mu.Lock()
	vk, ok := c.keys[id]
	c.mu.Unlock()
	if ok {
		return vk, nil
	}
	vk, err := keys.CheckVerifyingKey(vkBytes, publicInputs)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.keys) >= maxCachedVerifyingKeys {
		clear(c.keys)
	}
	c.keys[id] = vk
	return vk, nil
}
