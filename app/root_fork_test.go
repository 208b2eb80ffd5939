package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestRootRefusesAnchorOffItsHistory is fork choice at the root (DESIGN §10, issue 17): a child
// names in its update the root state it accepts, and the root accepts the update only if that
// anchor is on its own history. The same proven update carrying, for its anchor height, a root
// commitment the root never made at that height (what a child that followed another fork of the
// root would carry) is refused; with the root's own commitment it is accepted.
func TestRootRefusesAnchorOffItsHistory(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, fundedOn([]uint8{1}, 1000))
	root, child := tr.root(), tr.node(1)
	root.chain.NextBlock()
	root.chain.NextBlock()
	tr.sync()

	update := tr.prepareUpdate(child)
	anchor := update.NewCommitment.AnchorHeight
	own, ok, err := root.chain.App.TreeKeeper.RootCommitmentAt(root.chain.Context(), anchor)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, own, update.NewCommitment.AnchorCommitment, "the child anchors on the root's own commitment")
	other, ok, err := root.chain.App.TreeKeeper.RootCommitmentAt(root.chain.Context(), anchor-1)
	require.NoError(t, err)
	require.True(t, ok)
	require.NotEqual(t, own, other)

	forked := *update // NewCommitment is a value: the copy's anchor is its own
	forked.NewCommitment.AnchorCommitment = other
	tr.fails(root, operatorAccount(child), &forked, validiumtypes.ErrUnknownAnchor)
	tr.ok(root, operatorAccount(child), update)
}
