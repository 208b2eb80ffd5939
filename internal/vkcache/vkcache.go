// Package vkcache keeps parsed, checked Groth16 verifying keys by the hash of their bytes.
package vkcache

import (
	"crypto/sha256"
	"sync"

	"github.com/consensys/gnark/backend/groth16"

	"github.com/slush-tree/slush/circuits/keys"
)

// maxCachedVerifyingKeys bounds the cache: a chain has at most 255 children.
const maxCachedVerifyingKeys = 256

// Cache keeps parsed, checked verifying keys by the SHA-256 of their bytes. Parsing a key
// (subgroup and consistency checks, pairing precomputation) costs about twice a verification,
// so updates reuse the parsed key. The cache never changes a result: the key is a pure function
// of its bytes, and a miss recomputes it. Queries may run concurrently with block execution,
// hence the mutex.
type Cache struct {
	mu   sync.Mutex
	keys map[[sha256.Size]byte]groth16.VerifyingKey
}

// New returns an empty cache.
func New() *Cache {
	return &Cache{keys: make(map[[sha256.Size]byte]groth16.VerifyingKey)}
}

// Get returns the parsed key for vkBytes, checking and caching it on a miss.
func (c *Cache) Get(vkBytes []byte, publicInputs int) (groth16.VerifyingKey, error) {
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
