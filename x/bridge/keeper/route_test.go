package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// afterDeadline is a root height past the fixture message's deadline (110).
const afterDeadline = 111

// routeMsg is the fixture's message on the fallback route, with its real inclusion proof.
func routeMsg(f *claimFixture) *types.MsgRouteMessage {
	m := f.w.Leaf
	msg := inclusion.Message{SrcVid: m.SrcVid, DstVid: m.DstVid, Nonce: m.Body[0].Uint64(), Recipient: m.Body[1],
		AssetID: m.Body[2], Amount: m.Body[3].Uint64(), Deadline: m.Body[4].Uint64()}
	return &types.MsgRouteMessage{Sender: f.msg.Sender, Routed: validiumtypes.RoutedMessage{
		Message: ledger.EncodeMessage(msg), RootHeight: f.msg.RootHeight, Proof: f.msg.Proof,
	}}
}

// TestRouteMessage: where a chain sits relative to the destination decides what the route does
// there (DESIGN §7.5): deliver, queue for the child on the branch, or carry up.
func TestRouteMessage(t *testing.T) {
	cases := []struct {
		name       string
		tree       fakeTree
		wantStatus types.MessageStatus
		wantQueued []queuedRoute
		minted     bool
	}{
		{"destination mints it", fakeTree{rootHeight: afterDeadline, path: []uint8{2}},
			types.MessageStatus_MESSAGE_STATUS_DELIVERED, nil, true},
		{"common ancestor queues it for the destination child", fakeTree{root: true, rootHeight: afterDeadline},
			types.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, []queuedRoute{{child: 2}}, false},
		{"a chain off the destination's branch carries it up", fakeTree{rootHeight: afterDeadline, path: []uint8{1}},
			types.MessageStatus_MESSAGE_STATUS_ROUTED_UP, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var queued []queuedRoute
			tc.tree.routes = &queued
			f := newClaimFixture(t, tc.tree, true)
			msg := routeMsg(f)
			res, err := f.msgs.RouteMessage(f.env.Ctx, msg)
			require.NoError(t, err)
			require.Equal(t, tc.wantStatus, res.Status)
			require.Len(t, queued, len(tc.wantQueued))
			for i, q := range tc.wantQueued {
				require.Equal(t, q.child, queued[i].child)
				require.Equal(t, hash.EncodeElement(queued[i].msg.Hash()), res.MessageHash)
			}
			l, err := f.q.Ledger(f.env.Ctx, &types.QueryLedgerRequest{})
			require.NoError(t, err)
			require.Equal(t, tc.minted, l.NumAccounts == 1)
			st, err := f.q.MessageStatus(f.env.Ctx, &types.QueryMessageStatusRequest{MessageHash: res.MessageHash})
			require.NoError(t, err)
			require.Equal(t, tc.wantStatus, st.Status)

			_, err = f.msgs.RouteMessage(f.env.Ctx, msg)
			require.ErrorIs(t, err, types.ErrAlreadyRouted, "each chain routes a message once")
			if tc.minted {
				claim := f.msg
				_, err = f.msgs.Claim(f.env.Ctx, &claim)
				require.ErrorIs(t, err, types.ErrClaimExpired, "a claim after routing fails")
			}
		})
	}
}

// TestRouteForwardsBelowChild: a destination below the child (1-3-1 seen from chain 1) makes
// the queued operation a forward one: child 3 passes it on instead of minting it.
func TestRouteForwardsBelowChild(t *testing.T) {
	var queued []queuedRoute
	f := newClaimFixture(t, fakeTree{rootHeight: 200, path: []uint8{1}, routes: &queued}, true)
	w, err := inclusion.ExampleWitness([]uint8{2}, []uint8{1, 3, 1}, inclusion.KindMessage, 11)
	require.NoError(t, err)
	require.NoError(t, f.k.RecordRootCommitment(f.env.Ctx, 11, hash.EncodeElement(w.Root.Hash())))
	sys := inclusionKeys(t)
	proof, _, err := prover.ProveInclusion(sys.ccs, sys.pk, claimDepth, w)
	require.NoError(t, err)
	f.w, f.msg.RootHeight, f.msg.Proof = w, 11, proof
	res, err := f.msgs.RouteMessage(f.env.Ctx, routeMsg(f))
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, res.Status)
	require.Len(t, queued, 1)
	require.Equal(t, uint32(3), queued[0].child)
	require.True(t, queued[0].forward)
}

// TestRouteAfterClaim: the destination claimed the message before the route reached it; the
// route ends there without a second mint, and an ancestor that saw its child consume the
// message queues nothing.
func TestRouteAfterClaim(t *testing.T) {
	f := newClaimFixture(t, destination, true)
	_, err := f.msgs.Claim(f.env.Ctx, &f.msg)
	require.NoError(t, err)
	exported, err := f.k.ExportGenesis(f.env.Ctx)
	require.NoError(t, err)

	later := fakeTree{rootHeight: afterDeadline, path: []uint8{2}}
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, later, fakeAcceptance{}, log.NewNopLogger())
	require.NoError(t, k.InitGenesis(env.Ctx, exported))
	res, err := keeper.NewMsgServerImpl(&k).RouteMessage(env.Ctx, routeMsg(f))
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_DELIVERED, res.Status)
	st, err := keeper.NewQueryServerImpl(&k).MessageStatus(env.Ctx, &types.QueryMessageStatusRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.True(t, st.Route.AlreadyDelivered)
	acc, err := keeper.NewQueryServerImpl(&k).Account(env.Ctx, &types.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, f.msg.Message.Amount, acc.Balance, "minted once, by the claim")

	var queued []queuedRoute
	hashHex := fmt.Sprintf("%d/%X", 2, res.MessageHash)
	g := newClaimFixture(t, fakeTree{root: true, rootHeight: afterDeadline, routes: &queued, consumed: map[string]bool{hashHex: true}}, true)
	res, err = g.msgs.RouteMessage(g.env.Ctx, routeMsg(g))
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, res.Status)
	require.Empty(t, queued, "child 2 consumed it already: nothing to force")
}

// TestRouteRejections: a route is refused, with nothing recorded, for each broken rule.
func TestRouteRejections(t *testing.T) {
	expired := fakeTree{rootHeight: afterDeadline, path: []uint8{2}}
	cases := []struct {
		name    string
		tree    fakeTree
		edit    func(m *types.MsgRouteMessage)
		wantErr error
	}{
		{"before the deadline (claim instead)", destination, nil, types.ErrNotExpired},
		{"unknown root height", expired, func(m *types.MsgRouteMessage) { m.Routed.RootHeight = 12 }, types.ErrUnknownRoot},
		{"garbage proof", expired, func(m *types.MsgRouteMessage) { m.Routed.Proof = []byte("garbage") }, types.ErrInvalidProof},
		{"truncated message", expired, func(m *types.MsgRouteMessage) { m.Routed.Message = m.Routed.Message[:40] }, types.ErrInvalidRoute},
		{"inflated amount", expired, func(m *types.MsgRouteMessage) {
			msg, err := ledger.DecodeMessage(m.Routed.Message)
			require.NoError(t, err)
			msg.Amount++
			m.Routed.Message = ledger.EncodeMessage(msg)
		}, types.ErrInvalidProof},
		{"bad sender address", expired, func(m *types.MsgRouteMessage) { m.Sender = "nobody" }, types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newClaimFixture(t, tc.tree, true)
			msg := routeMsg(f)
			if tc.edit != nil {
				tc.edit(msg)
			}
			_, err := f.msgs.RouteMessage(f.env.Ctx, msg)
			require.ErrorIs(t, err, tc.wantErr)
			exported, err := f.k.ExportGenesis(f.env.Ctx)
			require.NoError(t, err)
			require.Empty(t, exported.Routes)
		})
	}
}

// TestRouteFromChild: a child may carry up only messages sent in its own subtree.
func TestRouteFromChild(t *testing.T) {
	f := newClaimFixture(t, fakeTree{root: true, rootHeight: afterDeadline, routes: &[]queuedRoute{}}, true)
	msg := routeMsg(f) // sent by 1-2
	_, err := f.k.RouteFromChild(f.env.Ctx, 2, msg.Routed)
	require.ErrorIs(t, err, types.ErrInvalidRoute, "child 2 cannot carry 1-2's message")
	fresh, err := f.k.RouteFromChild(f.env.Ctx, 1, msg.Routed)
	require.NoError(t, err)
	require.True(t, fresh)
	fresh, err = f.k.RouteFromChild(f.env.Ctx, 1, msg.Routed)
	require.NoError(t, err)
	require.False(t, fresh, "carried twice: nothing new, the update still goes through")
}
