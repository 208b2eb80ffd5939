package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/smt"
)

// smtStore lets a circuits/smt tree keep its nodes in a module-store map.
type smtStore struct {
	ctx context.Context
	m   collections.Map[[]byte, []byte]
}

var _ smt.Store = smtStore{}

// Get returns the value under key, or nil if absent (the smt.Store contract).
func (s smtStore) Get(key []byte) ([]byte, error) {
	v, err := s.m.Get(s.ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// Set stores value under key.
func (s smtStore) Set(key, value []byte) error { return s.m.Set(s.ctx, key, value) }

// Delete removes key.
func (s smtStore) Delete(key []byte) error { return s.m.Remove(s.ctx, key) }
