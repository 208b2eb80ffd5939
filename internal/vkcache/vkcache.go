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
	keys map[entry]groth16.VerifyingKey
}

// entry names a cached key: its bytes' hash and which check it passed.
type entry struct {
	id        [sha256.Size]byte
	committed bool
}

// New returns an empty cache.
func New() *Cache {
	return &Cache{keys: make(map[entry]groth16.VerifyingKey)}
}

// Get returns the parsed key of vkBytes, checked by keys.CheckVerifyingKey for publicInputs.
func (c *Cache) Get(vkBytes []byte, publicInputs int) (groth16.VerifyingKey, error) {
	return c.get(vkBytes, publicInputs, false)
}

// GetCommitted returns the parsed key of vkBytes, checked by keys.CheckCommittedVerifyingKey
// for publicInputs (a step circuit's key, issue 16).
func (c *Cache) GetCommitted(vkBytes []byte, publicInputs int) (groth16.VerifyingKey, error) {
	return c.get(vkBytes, publicInputs, true)
}

// get is Get or GetCommitted.
func (c *Cache) get(vkBytes []byte, publicInputs int, committed bool) (groth16.VerifyingKey, error) {
	id := entry{sha256.Sum256(vkBytes), committed}
	c.mu.Lock()
	vk, ok := c.keys[id]
	c.mu.Unlock()
	if ok {
		return vk, nil
	}
	check := keys.CheckVerifyingKey
	if committed {
		check = keys.CheckCommittedVerifyingKey
	}
	vk, err := check(vkBytes, publicInputs)
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
