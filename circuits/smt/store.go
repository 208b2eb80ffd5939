package smt

import (
	"sort"
	"sync"
)

// Store is the key-value storage a tree keeps its nodes in. Get returns
// (nil, nil) for an absent key, like a Cosmos KVStore. A keeper adapts its
// module store (usually through a prefix) to this interface.
type Store interface {
	Get(key []byte) ([]byte, error)
	Set(key, value []byte) error
	Delete(key []byte) error
}

// MemStore is an in-memory Store, safe for concurrent use.
type MemStore struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{m: map[string][]byte{}} }

// Get returns a copy of the value stored under key, or nil if absent.
func (s *MemStore) Get(key []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.m[string(key)]
	if !ok {
		return nil, nil
	}
	return append([]byte(nil), v...), nil
}

// Set stores a copy of value under key.
func (s *MemStore) Set(key, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[string(key)] = append([]byte(nil), value...)
	return nil
}

// Delete removes key.
func (s *MemStore) Delete(key []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, string(key))
	return nil
}

// Len returns the number of stored keys.
func (s *MemStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}

// Keys returns all stored keys in sorted order.
func (s *MemStore) Keys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.m))
	for k := range s.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// PrefixStore namespaces a Store under a fixed key prefix, so several trees
// can share one underlying store.
type PrefixStore struct {
	parent Store
	prefix []byte
}

// NewPrefixStore returns a view of parent whose keys are prefixed by prefix.
func NewPrefixStore(parent Store, prefix []byte) *PrefixStore {
	return &PrefixStore{parent: parent, prefix: append([]byte(nil), prefix...)}
}

func (p *PrefixStore) key(k []byte) []byte {
	out := make([]byte, 0, len(p.prefix)+len(k))
	return append(append(out, p.prefix...), k...)
}

// Get reads key under the prefix.
func (p *PrefixStore) Get(key []byte) ([]byte, error) { return p.parent.Get(p.key(key)) }

// Set writes key under the prefix.
func (p *PrefixStore) Set(key, value []byte) error { return p.parent.Set(p.key(key), value) }

// Delete removes key under the prefix.
func (p *PrefixStore) Delete(key []byte) error { return p.parent.Delete(p.key(key)) }
