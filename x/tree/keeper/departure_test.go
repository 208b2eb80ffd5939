package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/tree/keeper"
	"github.com/slush-tree/slush/x/tree/types"
)

// departingChain is chain 1-2 (parent slush-1) with its message server, an old client of its
// parent, and the account that will register it at its new parent.
func departingChain(t *testing.T) (keepertest.Env, keeper.Keeper, types.MsgServer, string) {
	old := lightclient.NewSigner(t, parentChainID, 2)
	env, k := newRecoverKeeper(t, childIdentity(), old.Trusted(t, 100, parentTime(100), []byte("old-apphash")))
	return env, k, keeper.NewMsgServerImpl(&k), env.OtherAddress(t)
}

// TestPrepareDepartureRules proves only governance starts a departure, never at the root, never
// twice, to its own parent, into its own subtree or without room below the destination; a valid
// one freezes the ledger (Departing) but does not mark the commitments yet.
func TestPrepareDepartureRules(t *testing.T) {
	for _, tc := range []struct {
		name      string
		root      bool
		other     bool // not the authority
		newParent []uint32
		err       error
		reason    string
	}{
		{"not the authority", false, true, []uint32{2}, types.ErrInvalidSigner, "expected"},
		{"the root", true, false, []uint32{2}, types.ErrInvalidDeparture, "root"},
		{"to its own parent", false, false, []uint32{1}, types.ErrInvalidDeparture, "already under"},
		{"under itself", false, false, []uint32{1, 2}, types.ErrInvalidDeparture, "own subtree"},
		{"under its child", false, false, []uint32{1, 2, 1}, types.ErrInvalidDeparture, "own subtree"},
		{"no room below", false, false, []uint32{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, types.ErrInvalidDeparture, "no room"},
		{"to a sibling of its parent", false, false, []uint32{2}, nil, ""},
		{"to the root", false, false, []uint32{}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, k, msgs, op := departingChain(t)
			if tc.root {
				env, k = newRecoverKeeper(t, types.RootIdentity(), nil)
				msgs = keeper.NewMsgServerImpl(&k)
			}
			authority := env.Authority
			if tc.other {
				authority = env.OtherAddress(t)
			}
			_, err := msgs.PrepareDeparture(env.Ctx, &types.MsgPrepareDeparture{Authority: authority, NewParent: tc.newParent, NewOperator: op})
			departing, derr := k.Departing(env.Ctx)
			require.NoError(t, derr)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.ErrorContains(t, err, tc.reason)
				require.False(t, departing)
				return
			}
			require.NoError(t, err)
			require.True(t, departing)
			marked, err := k.MarkedDeparture(env.Ctx)
			require.NoError(t, err)
			require.Nil(t, marked, "not marked until governance says the parent holds the whole ledger")
			_, err = msgs.PrepareDeparture(env.Ctx, &types.MsgPrepareDeparture{Authority: env.Authority, NewParent: tc.newParent, NewOperator: op})
			require.ErrorIs(t, err, types.ErrInvalidDeparture, "never twice")
		})
	}
}

// TestDepartureLifecycle proves the departure's stages: marked only after it is prepared, then
// the move to the new parent with a client of it (path under the destination only, chain-id and
// client required), which ends the departure; and a cancel before that unfreezes the ledger.
func TestDepartureLifecycle(t *testing.T) {
	env, k, msgs, op := departingChain(t)
	newParent := lightclient.NewSigner(t, "slush-2", 2)
	client := newParent.Trusted(t, 50, parentTime(50), []byte("q-apphash"))
	gov := env.Authority

	_, err := msgs.MarkDeparture(env.Ctx, &types.MsgMarkDeparture{Authority: gov})
	require.ErrorIs(t, err, types.ErrInvalidDeparture, "nothing to mark")
	_, err = msgs.MovePath(env.Ctx, &types.MsgMovePath{Authority: gov, Path: []uint32{2, 1}, ParentChainId: "slush-2", Client: client})
	require.ErrorIs(t, err, types.ErrInvalidMove, "a descendant keeps its index and its parent")

	_, err = msgs.PrepareDeparture(env.Ctx, &types.MsgPrepareDeparture{Authority: gov, NewParent: []uint32{2}, NewOperator: op})
	require.NoError(t, err)
	_, err = msgs.MovePath(env.Ctx, &types.MsgMovePath{Authority: gov, Path: []uint32{2, 1}, ParentChainId: "slush-2", Client: client})
	require.ErrorIs(t, err, types.ErrInvalidMove, "not marked: it cannot have arrived")
	_, err = msgs.MarkDeparture(env.Ctx, &types.MsgMarkDeparture{Authority: env.OtherAddress(t)})
	require.ErrorIs(t, err, types.ErrInvalidSigner)
	_, err = msgs.MarkDeparture(env.Ctx, &types.MsgMarkDeparture{Authority: gov})
	require.NoError(t, err)
	marked, err := k.MarkedDeparture(env.Ctx)
	require.NoError(t, err)
	require.NotNil(t, marked)
	require.Equal(t, []uint32{2}, marked.NewParent)

	for _, bad := range []struct {
		name string
		msg  types.MsgMovePath
	}{
		{"elsewhere", types.MsgMovePath{Authority: gov, Path: []uint32{3, 1}, ParentChainId: "slush-2", Client: client}},
		{"two levels below", types.MsgMovePath{Authority: gov, Path: []uint32{2, 1, 1}, ParentChainId: "slush-2", Client: client}},
		{"no chain-id", types.MsgMovePath{Authority: gov, Path: []uint32{2, 1}, Client: client}},
		{"no client", types.MsgMovePath{Authority: gov, Path: []uint32{2, 1}, ParentChainId: "slush-2"}},
	} {
		_, err = msgs.MovePath(env.Ctx, &bad.msg)
		require.ErrorIs(t, err, types.ErrInvalidMove, bad.name)
	}
	_, err = msgs.MovePath(env.Ctx, &types.MsgMovePath{Authority: gov, Path: []uint32{2, 1}, ParentChainId: "slush-3", Client: client})
	require.ErrorIs(t, err, types.ErrWrongParentChain, "the client must be the named parent's")

	_, err = msgs.MovePath(env.Ctx, &types.MsgMovePath{Authority: gov, Path: []uint32{2, 1}, ParentChainId: "slush-2", Client: client})
	require.NoError(t, err)
	id, err := k.GetIdentity(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, []uint32{2, 1}, id.Path)
	require.Equal(t, "slush-2", id.ParentChainId)
	require.Nil(t, id.Departure, "the move ends the departure: the ledger takes operations again")
	stored, err := k.ParentClient.Get(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, client, stored)

	// A cancel before the parent accepted a departing update unfreezes the ledger.
	env2, k2, msgs2, op2 := departingChain(t)
	_, err = msgs2.CancelDeparture(env2.Ctx, &types.MsgCancelDeparture{Authority: env2.Authority})
	require.ErrorIs(t, err, types.ErrInvalidDeparture, "nothing to cancel")
	_, err = msgs2.PrepareDeparture(env2.Ctx, &types.MsgPrepareDeparture{Authority: env2.Authority, NewParent: []uint32{2}, NewOperator: op2})
	require.NoError(t, err)
	_, err = msgs2.CancelDeparture(env2.Ctx, &types.MsgCancelDeparture{Authority: env2.Authority})
	require.NoError(t, err)
	departing, err := k2.Departing(env2.Ctx)
	require.NoError(t, err)
	require.False(t, departing)
}

// TestDescendantFollowsMove proves a descendant of a moved chain takes its new path by
// governance, once it follows (its ledger frozen, so nothing is logged under the old vid that its
// parent could not prove after the move): the same last index and the same parent; nothing else.
// The move records the old path and the block, and ends the follow.
func TestDescendantFollowsMove(t *testing.T) {
	env, k, msgs, _ := departingChain(t) // 1-2, a child of 1, follows 1 moved to 3-1
	gov := env.Authority
	_, err := msgs.MovePath(env.Ctx, &types.MsgMovePath{Authority: gov, Path: []uint32{3, 1, 2}})
	require.ErrorIs(t, err, types.ErrInvalidMove, "not following: its ledger was never frozen")
	_, err = msgs.PrepareFollow(env.Ctx, &types.MsgPrepareFollow{Authority: env.OtherAddress(t)})
	require.ErrorIs(t, err, types.ErrInvalidSigner)
	_, err = msgs.PrepareFollow(env.Ctx, &types.MsgPrepareFollow{Authority: gov})
	require.NoError(t, err)
	departing, err := k.Departing(env.Ctx)
	require.NoError(t, err)
	require.True(t, departing, "a following chain's ledger takes no operation")
	_, err = msgs.PrepareFollow(env.Ctx, &types.MsgPrepareFollow{Authority: gov})
	require.ErrorIs(t, err, types.ErrInvalidDeparture, "once")
	_, err = msgs.MarkDeparture(env.Ctx, &types.MsgMarkDeparture{Authority: gov})
	require.ErrorIs(t, err, types.ErrInvalidDeparture, "a following chain is never marked")
	_, err = msgs.MovePath(env.Ctx, &types.MsgMovePath{Authority: gov, Path: []uint32{3, 1, 2}, ParentChainId: "slush-3-1", Client: []byte{1}})
	require.ErrorIs(t, err, types.ErrInvalidMove, "a following chain takes no new parent")
	for _, bad := range []struct {
		name string
		msg  types.MsgMovePath
	}{
		{"another index", types.MsgMovePath{Authority: gov, Path: []uint32{3, 1, 1}}},
		{"the root's path", types.MsgMovePath{Authority: gov, Path: []uint32{}}},
		{"a new parent", types.MsgMovePath{Authority: gov, Path: []uint32{3, 1, 2}, ParentChainId: "slush-3-1"}},
		{"the same path", types.MsgMovePath{Authority: gov, Path: []uint32{1, 2}}},
		{"not the authority", types.MsgMovePath{Authority: env.OtherAddress(t), Path: []uint32{3, 1, 2}}},
	} {
		_, err := msgs.MovePath(env.Ctx, &bad.msg)
		require.Error(t, err, bad.name)
	}
	_, err = msgs.MovePath(env.Ctx, &types.MsgMovePath{Authority: gov, Path: []uint32{3, 1, 2}})
	require.NoError(t, err)
	id, err := k.GetIdentity(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, []uint32{3, 1, 2}, id.Path)
	require.Equal(t, parentChainID, id.ParentChainId)
	require.Nil(t, id.Departure, "the move ends the follow: the ledger takes operations again")
	require.Equal(t, &types.MovedFrom{Path: []uint32{1, 2}, Height: env.Ctx.BlockHeight()}, id.MovedFrom)
	require.NoError(t, id.Validate())
}
