package chainclient

import (
	"context"
	"fmt"

	"github.com/cosmos/cosmos-sdk/types/kv"
)

// StoreGet reads one raw key of a module store at a height (nil if absent).
func (c *Client) StoreGet(ctx context.Context, store string, key []byte, height int64) ([]byte, error) {
	r, err := c.conn.Query(ctx, "/store/"+store+"/key", key, height, false)
	if err != nil {
		return nil, err
	}
	return r.Value, nil
}

// StoreProof reads one raw key of a module store at a height with its ICS23 proof (the
// cometbft ProofOps bytes MsgSyncParent carries).
func (c *Client) StoreProof(ctx context.Context, store string, key []byte, height int64) ([]byte, []byte, error) {
	r, err := c.conn.Query(ctx, "/store/"+store+"/key", key, height, true)
	if err != nil {
		return nil, nil, err
	}
	if r.ProofOps == nil {
		return nil, nil, fmt.Errorf("%s: no proof for key %X at height %d", c.Name, key, height)
	}
	proof, err := r.ProofOps.Marshal()
	return r.Value, proof, err
}

// StoreSubspace reads every key under a prefix of a module store at a height.
func (c *Client) StoreSubspace(ctx context.Context, store string, prefix []byte, height int64) ([]kv.Pair, error) {
	r, err := c.conn.Query(ctx, "/store/"+store+"/subspace", prefix, height, false)
	if err != nil {
		return nil, err
	}
	return decodeKVPairs(r.Value)
}
