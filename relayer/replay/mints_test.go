package replay

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
)

// TestMintIndex: a message's receipt index is the number of bridge-ins logged before its mint,
// found as the log grows.
func TestMintIndex(t *testing.T) {
	ctx := context.Background()
	c := newFunded(t, []uint8{1, 1})
	vid := commitment.MustPackVid(c.path)
	mint := func(nonce uint64) inclusion.Message {
		m := c.messageFrom([]uint8{2}, nonce)
		c.execute(t, ledger.NewBridgeIn(m, ledger.SourceClaim), int64(len(c.log)+1))
		return m
	}
	first := mint(0)
	alice := ledger.KeyFromSeed([]byte("alice"))
	tr, err := ledger.NewTransfer(vid, alice, 0, hash.Uint64(5), hash.Uint64(7), 10, 0)
	require.NoError(t, err)
	c.execute(t, tr, 2)
	second := mint(1)

	var mi MintIndex
	require.NoError(t, mi.Update(ctx, c, 0))
	_, ok := mi.ReceiptIndex(hash.EncodeElement(first.Hash()))
	require.False(t, ok, "nothing read yet")

	require.NoError(t, mi.Update(ctx, c, uint64(len(c.log))))
	index, ok := mi.ReceiptIndex(hash.EncodeElement(first.Hash()))
	require.True(t, ok)
	require.Zero(t, index)
	index, ok = mi.ReceiptIndex(hash.EncodeElement(second.Hash()))
	require.True(t, ok)
	require.Equal(t, uint64(1), index, "the transfer between them appends no receipt")
}
