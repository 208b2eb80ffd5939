package witness

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
)

const testInclusionDepth = 2

func TestMessageWitness(t *testing.T) {
	ctx := context.Background()
	ft := newFakeTree(t)
	w, err := Message(ctx, ft.lookup, 12, ft.msg)
	require.NoError(t, err)
	require.NoError(t, w.Check(testInclusionDepth), "the circuit's native checks pass")
	require.Len(t, w.Hops, 2)
	require.Equal(t, uint64(12), w.Statement().RootHeight)
	require.Equal(t, hash.EncodeElement(ft.msg.Hash()), hash.EncodeElement(w.Statement().LeafHash))

	t.Run("a message not yet in the outbox waits", func(t *testing.T) {
		m := ft.msg
		m.Nonce = 1
		_, err := Message(ctx, ft.lookup, 12, m)
		require.True(t, errors.Is(err, ErrNotYet), "%v", err)
	})
	t.Run("a root commitment before the sender's state is final waits", func(t *testing.T) {
		ft.chains["slush-root"].commit(t, 10, 10) // block 10: no child finalized yet
		_, err := Message(ctx, ft.lookup, 10, ft.msg)
		require.True(t, errors.Is(err, ErrNotYet), "%v", err)
	})
	t.Run("an unknown root height fails", func(t *testing.T) {
		_, err := Message(ctx, ft.lookup, 99, ft.msg)
		require.ErrorContains(t, err, "root commitment at 99")
	})
	t.Run("a chain the caller cannot read fails", func(t *testing.T) {
		lookup := func(p []uint8) Chain {
			if len(p) == 1 && p[0] == 1 {
				return nil
			}
			return ft.lookup(p)
		}
		_, err := Message(ctx, lookup, 12, ft.msg)
		require.ErrorContains(t, err, "cannot read slush-1")
	})
	t.Run("a finalized-children tree that is not the committed one fails", func(t *testing.T) {
		root := ft.chains["slush-root"]
		saved := root.finalized[12]
		root.finalized[12] = root.finalized[11] // state of another block
		defer func() { root.finalized[12] = saved }()
		_, err := Message(ctx, ft.lookup, 12, ft.msg)
		require.ErrorContains(t, err, "is not the one its commitment binds")
	})
	t.Run("a tampered record fails", func(t *testing.T) {
		c := ft.chains["slush-1-1"]
		saved := c.commitments[5]
		bad := saved
		bad.Fields.AnchorHeight++
		c.commitments[5] = bad
		defer func() { c.commitments[5] = saved }()
		_, err := Message(ctx, ft.lookup, 12, ft.msg)
		require.ErrorContains(t, err, "does not hash to the finalized commitment")
	})
}

func TestReceiptWitness(t *testing.T) {
	ctx := context.Background()
	ft := newFakeTree(t)
	w, err := Receipt(ctx, ft.lookup, 12, ft.receipt, 0)
	require.NoError(t, err)
	require.NoError(t, w.Check(testInclusionDepth))
	require.Equal(t, inclusion.KindReceipt, w.Leaf.Kind)
	require.Len(t, w.Hops, 1)

	_, err = Receipt(ctx, ft.lookup, 12, ft.receipt, 1)
	require.True(t, errors.Is(err, ErrNotYet), "%v", err)
	other := ft.receipt
	other.MsgHash = hash.Uint64(8)
	_, err = Receipt(ctx, ft.lookup, 12, other, 0)
	require.ErrorContains(t, err, "is another receipt")
}
