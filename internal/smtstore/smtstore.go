// Package smtstore lets a circuits/smt tree (or a ledger.State) keep its nodes in a module's
// collections map, so keepers persist circuit-compatible trees in their own store.
package smtstore

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/smt"
)

// Store adapts a collections map of raw bytes to smt.Store for one context.
type Store struct {
	ctx context.Context
	m   collections.Map[[]byte, []byte]
}

var _ smt.Store = Store{}

// New returns an smt.Store backed by m under ctx.
func New(ctx context.Context, m collections.Map[[]byte, []byte]) Store { return Store{ctx: ctx, m: m} }

// Get returns the value under key, or nil if absent (the smt.Store contract).
func (s Store) Get(key []byte) ([]byte, error) {
	v, err := s.m.Get(s.ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// Set stores value under key.
func (s Store) Set(key, value []byte) error { return s.m.Set(s.ctx, key, value) }

// Delete removes key.
func (s Store) Delete(key []byte) error { return s.m.Remove(s.ctx, key) }
