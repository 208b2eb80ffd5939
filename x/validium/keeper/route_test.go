package keeper_test

import (
	"context"
	"encoding/hex"
	"sync"
	"testing"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	slushtypes "github.com/slush-tree/slush/types"
	bridgekeeper "github.com/slush-tree/slush/x/bridge/keeper"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// claimDepth keeps the inclusion circuit small: a source at depth 2 (validium 1-2).
const claimDepth = 2

// afterDeadline is a root height past the example message's deadline (root height 10 + 100).
const afterDeadline = 111

type inclusionSystem struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  []byte
}

var (
	inclusionOnce sync.Once
	inclusionSys  inclusionSystem
	inclusionErr  error
	proofsMu      sync.Mutex
	proofs        = map[string][]byte{}
)

// inclusionKeys compiles the inclusion circuit and runs gnark's random (test-only) setup once.
func inclusionKeys(t testing.TB) inclusionSystem {
	inclusionOnce.Do(func() {
		ccs, err := prover.CompileInclusion(claimDepth)
		if err != nil {
			inclusionErr = err
			return
		}
		pk, vk, err := groth16.Setup(ccs)
		if err != nil {
			inclusionErr = err
			return
		}
		vkBytes, err := keys.MarshalVerifyingKey(vk)
		inclusionSys, inclusionErr = inclusionSystem{ccs: ccs, pk: pk, vk: vkBytes}, err
	})
	require.NoError(t, inclusionErr)
	return inclusionSys
}

// example is a real message of inclusion.ExampleWitness (from src to dst, under a root
// commitment at rootHeight) with a real inclusion proof of it, made once per witness.
type example struct {
	w          inclusion.Witness
	rootHeight uint64
	m          inclusion.Message
	proof      []byte
}

func newExample(t testing.TB, src, dst []uint8, rootHeight uint64) example {
	t.Helper()
	w, err := inclusion.ExampleWitness(src, dst, inclusion.KindMessage, rootHeight)
	require.NoError(t, err)
	body := w.Leaf.Body
	m := inclusion.Message{SrcVid: w.Leaf.SrcVid, DstVid: w.Leaf.DstVid, Nonce: body[0].Uint64(), Recipient: body[1],
		AssetID: body[2], Amount: body[3].Uint64(), Deadline: body[4].Uint64()}
	require.Equal(t, w.Leaf.Hash(), m.Hash(), "the message is the witness's leaf")
	proofsMu.Lock()
	defer proofsMu.Unlock()
	key := string(hash.EncodeElement(w.Root.Hash())) + string(hash.EncodeElement(m.Hash()))
	if proofs[key] == nil {
		sys := inclusionKeys(t)
		proof, _, err := prover.ProveInclusion(sys.ccs, sys.pk, claimDepth, w)
		require.NoError(t, err)
		proofs[key] = proof
	}
	return example{w: w, rootHeight: rootHeight, m: m, proof: proofs[key]}
}

// routed is the example's message on the fallback route.
func (e example) routed() slushtypes.RoutedMessage {
	return slushtypes.RoutedMessage{Message: ledger.EncodeMessage(e.m), RootHeight: e.rootHeight, Proof: e.proof}
}

// routeChain is one chain of the tree with every module real (x/tree, x/ledger, x/bridge with
// the inclusion key, x/acceptance, x/validium) and its three children registered.
type routeChain struct {
	t    testing.TB
	st   *stack
	k    keeper.Keeper
	msgs types.MsgServer
	q    types.QueryServer
}

// newRouteChain is the chain at path (nil: the root), with claims and routes proven by the
// inclusion key unless withoutKey.
func newRouteChain(t testing.TB, path []uint32, withoutKey bool) *routeChain {
	t.Helper()
	g := stackGenesis{}
	if len(path) > 0 {
		g.identity = childIdentity(path...)
	}
	if !withoutKey {
		g.inclusion = bridgetypes.InclusionParams{VerifyingKey: inclusionKeys(t).vk, MaxDepth: claimDepth}
	}
	st := newStack(t, g)
	bank := newFakeBank()
	c := &routeChain{t: t, st: st}
	c.k = st.realKeeper(bank)
	c.msgs, c.q = keeper.NewMsgServerImpl(&c.k), keeper.NewQueryServerImpl(&c.k)
	for i := byte(1); i <= 3; i++ {
		op := sdk.AccAddress([]byte{'o', 'p', 'e', 'r', 'a', 't', 'o', 'r', i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
		bank.fund(op, sdk.NewCoins(types.DefaultMinChildBond))
		_, err := c.msgs.RegisterChild(st.env.Ctx, &types.MsgRegisterChild{
			Operator: op.String(), VerifyingKey: updateVK(t), Bond: types.DefaultMinChildBond,
			GenesisLedgerRoot: payload(1), GenesisOutboxRoot: payload(2), GenesisReceiptRoot: payload(3),
		})
		require.NoError(t, err)
	}
	return c
}

func (c *routeChain) ctx() sdk.Context { return c.st.env.Ctx }

// know makes e's root commitment one this chain knows: the root's own commitment at that height,
// elsewhere a root commitment its parent sync recorded.
func (c *routeChain) know(e example) {
	c.t.Helper()
	root := hash.EncodeElement(e.w.Root.Hash())
	isRoot, err := c.st.tree.IsRoot(c.ctx())
	require.NoError(c.t, err)
	if isRoot {
		h := int64(e.rootHeight)
		require.NoError(c.t, c.st.tree.Commitments.Set(c.ctx(), h, treetypes.OwnCommitment{Height: h, Commitment: root}))
		return
	}
	require.NoError(c.t, c.st.tree.RecordRootCommitment(c.ctx(), e.rootHeight, root))
}

// at moves the root clock to h: the block height at the root, elsewhere a newer synced root height.
func (c *routeChain) at(h uint64) {
	c.t.Helper()
	isRoot, err := c.st.tree.IsRoot(c.ctx())
	require.NoError(c.t, err)
	if isRoot {
		c.st.env.Ctx = c.ctx().WithBlockHeight(int64(h))
		return
	}
	require.NoError(c.t, c.st.tree.RecordRootCommitment(c.ctx(), h, hash.EncodeElement(hash.Uint64(h))))
}

// route submits MsgRouteMessage for routed.
func (c *routeChain) route(routed slushtypes.RoutedMessage) (*types.MsgRouteMessageResponse, error) {
	return c.msgs.RouteMessage(c.ctx(), &types.MsgRouteMessage{Sender: c.st.env.OtherAddress(c.t), Routed: routed})
}

// queue is child index's forced-operation queue, in sequence order.
func (c *routeChain) queue(index uint32) []types.ForcedOperation {
	c.t.Helper()
	var out []types.ForcedOperation
	require.NoError(c.t, c.k.ForcedOps.Walk(c.ctx(), collections.NewPrefixedPairRange[uint32, uint64](index),
		func(_ collections.Pair[uint32, uint64], op types.ForcedOperation) (bool, error) {
			out = append(out, op)
			return false, nil
		}))
	return out
}

// ledgerState is the chain's x/ledger State query.
func (c *routeChain) ledgerState() *ledgertypes.QueryStateResponse {
	c.t.Helper()
	l, err := ledgerkeeper.NewQueryServerImpl(&c.st.ledger).State(c.ctx(), &ledgertypes.QueryStateRequest{})
	require.NoError(c.t, err)
	return l
}

// requireMinted checks that m was the last mint on st's ledger, from source src: the last logged
// operation is its bridge-in with that source (what the prover proves, as the source says), the
// last inbox entry is (m, src) and consumed, the last receipt is m's, committed in the State
// query's receipt root, and m's hash is an x/bridge nullifier.
func requireMinted(t testing.TB, ctx context.Context, st *stack, m inclusion.Message, src ledger.Source) {
	t.Helper()
	q := ledgerkeeper.NewQueryServerImpl(&st.ledger)
	l, err := q.State(ctx, &ledgertypes.QueryStateRequest{})
	require.NoError(t, err)
	require.NotZero(t, l.LogLength)
	logRes, err := q.BatchLog(ctx, &ledgertypes.QueryBatchLogRequest{From: l.LogLength - 1})
	require.NoError(t, err)
	require.Len(t, logRes.Ops, 1)
	require.Equal(t, ledger.NewBridgeIn(m, src).Bytes(), logRes.Ops[0].Op, "logged as a %s bridge-in", src)

	state, err := st.ledger.Open(ctx)
	require.NoError(t, err)
	require.NotZero(t, state.InboxLen())
	require.Equal(t, state.InboxLen(), state.InboxConsumed(), "pushed and minted together")
	got, gotSrc, err := state.InboxEntry(state.InboxLen() - 1)
	require.NoError(t, err)
	require.Equal(t, m, got)
	require.Equal(t, src, gotSrc)
	receipts := state.Receipts()
	require.Equal(t, state.InboxConsumed(), receipts.Size(), "one receipt per mint")
	receipt, err := receipts.Get(receipts.Size() - 1)
	require.NoError(t, err)
	require.Equal(t, inclusion.ReceiptFor(m).Hash(), receipt)
	root, err := state.ReceiptRoot()
	require.NoError(t, err)
	require.Equal(t, hash.EncodeElement(root), l.ReceiptRoot)

	nf, err := bridgekeeper.NewQueryServerImpl(&st.bridge).Nullifier(ctx, &bridgetypes.QueryNullifierRequest{MessageHash: hash.EncodeElement(m.Hash())})
	require.NoError(t, err)
	require.True(t, nf.Claimed)
}

// TestRouteMessage proves where a chain sits relative to the destination decides what the route
// does there (DESIGN §7.5), once the message's real inclusion proof checks out with x/bridge:
// deliver it through x/bridge (a claim-source mint on x/ledger, behind the shared nullifier), queue
// it for the child on the destination's branch, or carry it up; the record is queryable, each
// chain routes a message once and a claim after routing fails.
func TestRouteMessage(t *testing.T) {
	cases := []struct {
		name       string
		path       []uint32 // the routing chain's path
		wantStatus slushtypes.MessageStatus
		queuedFor  uint32 // the child it is queued for (0: none; the destination 2 is the root's child 2)
		minted     bool
		pending    bool // the relayer must still carry it
	}{
		{"destination mints it", []uint32{2}, slushtypes.MessageStatus_MESSAGE_STATUS_DELIVERED, 0, true, false},
		{"common ancestor queues it for the destination child", nil, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, 2, false, true},
		{"a chain off the destination's branch carries it up", []uint32{1}, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP, 0, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newExample(t, []uint8{1, 2}, []uint8{2}, 10)
			c := newRouteChain(t, tc.path, false)
			c.know(e)
			c.at(afterDeadline)
			_, err := c.q.Route(c.ctx(), &types.QueryRouteRequest{MessageHash: hash.EncodeElement(e.m.Hash())})
			require.ErrorIs(t, err, types.ErrUnknownRoute)

			c.st.env.Ctx = c.ctx().WithEventManager(sdk.NewEventManager())
			res, err := c.route(e.routed())
			require.NoError(t, err)
			require.Equal(t, tc.wantStatus, res.Status)
			require.Equal(t, hash.EncodeElement(e.m.Hash()), res.MessageHash)
			requireTypedEvent(t, c.ctx(), &types.EventRouted{MessageHash: res.MessageHash, Status: tc.wantStatus, ChildIndex: tc.queuedFor,
				MessageHashHex: hex.EncodeToString(res.MessageHash), Destination: "2"})
			var wantQueue []types.ForcedOperation
			if tc.queuedFor != 0 {
				wantQueue = []types.ForcedOperation{{ChildIndex: 2, Sequence: 1, PayloadHash: res.MessageHash,
					Deadline: afterDeadline + types.DefaultForcedOpDeadline, Message: ledger.EncodeMessage(e.m)}}
			}
			require.Equal(t, wantQueue, c.queue(2))
			require.Equal(t, tc.minted, c.ledgerState().NumAccounts == 1)
			if tc.minted {
				requireMinted(t, c.ctx(), c.st, e.m, ledger.SourceClaim)
			}
			route, err := c.q.Route(c.ctx(), &types.QueryRouteRequest{MessageHash: res.MessageHash})
			require.NoError(t, err)
			require.Equal(t, types.RouteRecord{Message: slushtypes.NewBridgeMessage(e.m), MessageHash: res.MessageHash, Status: tc.wantStatus,
				ChildIndex: tc.queuedFor, RootHeight: 10, Proof: e.proof, Height: c.ctx().BlockHeight()}, route.Route)
			pending, err := c.q.PendingRoutes(c.ctx(), &types.QueryPendingRoutesRequest{})
			require.NoError(t, err)
			require.Equal(t, tc.pending, len(pending.Routes) == 1)

			_, err = c.route(e.routed())
			require.ErrorIs(t, err, types.ErrAlreadyRouted, "each chain routes a message once")
			if tc.minted {
				_, err = bridgekeeper.NewMsgServerImpl(&c.st.bridge).Claim(c.ctx(), &bridgetypes.MsgClaim{Sender: c.st.env.OtherAddress(t),
					Message: slushtypes.NewBridgeMessage(e.m), RootHeight: 10, Proof: e.proof})
				require.ErrorIs(t, err, bridgetypes.ErrClaimExpired, "a claim after routing fails")
			}
		})
	}
}

// TestRouteForwardsBelowChild proves a destination below the child (1-3-1 seen from chain 1)
// makes the queued operation a forward one: child 3 passes it on instead of minting it.
func TestRouteForwardsBelowChild(t *testing.T) {
	e := newExample(t, []uint8{2}, []uint8{1, 3, 1}, 11)
	c := newRouteChain(t, []uint32{1}, false)
	c.know(e)
	c.at(200)
	res, err := c.route(e.routed())
	require.NoError(t, err)
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, res.Status)
	require.Equal(t, []types.ForcedOperation{{ChildIndex: 3, Sequence: 1, PayloadHash: res.MessageHash,
		Deadline: 200 + types.DefaultForcedOpDeadline, Message: ledger.EncodeMessage(e.m), Forward: true}}, c.queue(3))
	require.Empty(t, c.queue(1))
}

// TestRouteAfterClaim proves the destination claimed the message before the route reached it: the
// route ends there without a second mint; and an ancestor that saw its child consume the message
// queues nothing.
func TestRouteAfterClaim(t *testing.T) {
	e := newExample(t, []uint8{1, 2}, []uint8{2}, 10)
	c := newRouteChain(t, []uint32{2}, false)
	c.know(e)
	_, err := bridgekeeper.NewMsgServerImpl(&c.st.bridge).Claim(c.ctx(), &bridgetypes.MsgClaim{Sender: c.st.env.OtherAddress(t),
		Message: slushtypes.NewBridgeMessage(e.m), RootHeight: 10, Proof: e.proof})
	require.NoError(t, err)
	c.at(afterDeadline)
	res, err := c.route(e.routed())
	require.NoError(t, err)
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_DELIVERED, res.Status)
	route, err := c.q.Route(c.ctx(), &types.QueryRouteRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.True(t, route.Route.AlreadyDelivered)
	acc, err := ledgerkeeper.NewQueryServerImpl(&c.st.ledger).Account(c.ctx(), &ledgertypes.QueryAccountRequest{Index: 0})
	require.NoError(t, err)
	require.Equal(t, e.m.Amount, acc.Balance, "minted once, by the claim")
	require.Equal(t, uint64(1), c.ledgerState().InboxLength, "one bridge-in")

	g := newRouteChain(t, nil, false)
	g.know(e)
	g.at(afterDeadline)
	require.NoError(t, g.k.ConsumedEntries.Set(g.ctx(), collections.Join(uint32(2), res.MessageHash)))
	res, err = g.route(e.routed())
	require.NoError(t, err)
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, res.Status)
	require.Empty(t, g.queue(2), "child 2 consumed it already: nothing to force")
	route, err = g.q.Route(g.ctx(), &types.QueryRouteRequest{MessageHash: res.MessageHash})
	require.NoError(t, err)
	require.True(t, route.Route.AlreadyDelivered)
}

// TestRouteRejections proves a route is refused, with nothing recorded or minted, for each broken
// rule: not expired, no inclusion key, an unknown root height, a proof x/bridge refuses, a
// malformed message or sender.
func TestRouteRejections(t *testing.T) {
	cases := []struct {
		name       string
		at         uint64 // the root clock
		withoutKey bool
		edit       func(m *types.MsgRouteMessage)
		wantErr    error
	}{
		{"before the deadline (claim instead)", 10, false, nil, types.ErrNotExpired},
		{"routes disabled (no inclusion key)", afterDeadline, true, nil, bridgetypes.ErrNoInclusionKey},
		{"unknown root height", afterDeadline, false, func(m *types.MsgRouteMessage) { m.Routed.RootHeight = 12 }, bridgetypes.ErrUnknownRoot},
		{"garbage proof", afterDeadline, false, func(m *types.MsgRouteMessage) { m.Routed.Proof = []byte("garbage") }, bridgetypes.ErrInvalidProof},
		{"truncated message", afterDeadline, false, func(m *types.MsgRouteMessage) { m.Routed.Message = m.Routed.Message[:40] }, types.ErrInvalidRoute},
		{"inflated amount", afterDeadline, false, func(m *types.MsgRouteMessage) {
			msg, err := ledger.DecodeMessage(m.Routed.Message)
			require.NoError(t, err)
			msg.Amount++
			m.Routed.Message = ledger.EncodeMessage(msg)
		}, bridgetypes.ErrInvalidProof},
		{"bad sender address", afterDeadline, false, func(m *types.MsgRouteMessage) { m.Sender = "nobody" }, types.ErrInvalidAddress},
	}
	e := newExample(t, []uint8{1, 2}, []uint8{2}, 10)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newRouteChain(t, []uint32{2}, tc.withoutKey)
			c.know(e)
			c.at(tc.at)
			msg := &types.MsgRouteMessage{Sender: c.st.env.OtherAddress(t), Routed: e.routed()}
			if tc.edit != nil {
				tc.edit(msg)
			}
			_, err := c.msgs.RouteMessage(c.ctx(), msg)
			require.ErrorIs(t, err, tc.wantErr)
			exported, err := c.k.ExportGenesis(c.ctx())
			require.NoError(t, err)
			require.Empty(t, exported.Routes)
			require.Zero(t, c.ledgerState().NumAccounts, "nothing minted")
		})
	}
}

// TestRouteFromChild proves a child may carry up only messages sent in its own subtree, and a
// message carried twice is not new (the update still goes through).
func TestRouteFromChild(t *testing.T) {
	e := newExample(t, []uint8{1, 2}, []uint8{2}, 10) // sent by 1-2
	c := newRouteChain(t, nil, false)
	c.know(e)
	c.at(afterDeadline)
	_, err := c.k.RouteFromChild(c.ctx(), 2, e.routed())
	require.ErrorIs(t, err, types.ErrInvalidRoute, "child 2 cannot carry 1-2's message")
	fresh, err := c.k.RouteFromChild(c.ctx(), 1, e.routed())
	require.NoError(t, err)
	require.True(t, fresh)
	require.Len(t, c.queue(2), 1, "routed down to the destination 2")
	fresh, err = c.k.RouteFromChild(c.ctx(), 1, e.routed())
	require.NoError(t, err)
	require.False(t, fresh, "carried twice: nothing new")
	require.Len(t, c.queue(2), 1)
}

// requireTypedEvent requires ev among the context's events.
func requireTypedEvent(t testing.TB, ctx sdk.Context, ev proto.Message) {
	t.Helper()
	want, err := sdk.TypedEventToEvent(ev)
	require.NoError(t, err)
	require.Contains(t, ctx.EventManager().Events(), want)
}
