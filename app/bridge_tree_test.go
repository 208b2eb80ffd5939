package app_test

import (
	"errors"
	"testing"

	validiumkeeper "github.com/slush-tree/slush/x/validium/keeper"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	bridgekeeper "github.com/slush-tree/slush/x/bridge/keeper"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// genesisSupply is what alice holds on 1-1 at genesis: the whole supply of the test asset.
const genesisSupply = 1000

// newFourChainTree is root → {1, 2}, 1 → {1-1}, with alice funded on the grandchild 1-1.
func newFourChainTree(t *testing.T) *tree {
	return newTree(t, [][]uint8{{}, {1}, {2}, {1, 1}}, fundedOn([]uint8{1, 1}, genesisSupply))
}

// TestBridgeAcrossBranches: alice on the grandchild 1-1 sends 30 to bob on its cousin branch 2.
// The message climbs 1-1 → 1 → root inside real proven updates; once the state that burnt it is
// final along 1-1 → 1 → root, it is claimed on 2 with a real inclusion proof through two hops of
// finalized commitments (the proof of 2's next batch proves the mint again), and the receipt,
// once final on the root, comes back to 1-1, where it unfreezes alice. Every wrong claim is
// refused, and supply is conserved across the four chains at every step.
func TestBridgeAcrossBranches(t *testing.T) {
	tr := newFourChainTree(t)
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	src, dst := tr.node(1, 1), tr.node(2)
	tr.tick()
	require.Equal(t, uint64(genesisSupply), tr.supply())

	m := tr.bridgeOut(src, alice, 0, 0, dst, ledger.OwnerHash(bob.PublicKey), 30, 10_000)
	require.Equal(t, uint64(genesisSupply-30), tr.supply(), "burnt on the sender, in flight")
	h := tr.settle(m.Leaf(), 6)
	proof := tr.proveMessage(m, h)
	claim := tr.claim(dst, m, h, proof)

	tr.fails(tr.node(1), 0, tr.claim(tr.node(1), m, h, proof), bridgetypes.ErrWrongDestination)
	unknown := *claim
	unknown.RootHeight = h + 100
	tr.fails(dst, 0, &unknown, bridgetypes.ErrUnknownRoot)

	tr.ok(dst, 0, claim)
	require.Equal(t, uint64(30), tr.balance(dst, ledger.OwnerHash(bob.PublicKey)))
	require.Equal(t, uint64(genesisSupply), tr.supply(), "minted once on the destination")
	tr.fails(dst, 0, claim, bridgetypes.ErrAlreadyClaimed)
	again := *claim
	again.Proof = tr.proveMessage(m, h)
	require.NotEqual(t, claim.Proof, again.Proof)
	tr.fails(dst, 0, &again, bridgetypes.ErrAlreadyClaimed) // a re-randomised proof is the same message

	second, err := ledger.NewBridgeOut(src.vid, alice, 0, tr.asset, 1, 1, dst.vid, ledger.OwnerHash(bob.PublicKey), 10_000)
	require.NoError(t, err)
	tr.fails(src, 0, &bridgetypes.MsgBridgeOut{Sender: src.chain.Address(0).String(), Op: second.Bytes()}, bridgetypes.ErrAccountFrozen)

	// the receipt climbs 2 → root and becomes final there; 1-1 proves it against a root commitment
	receipt := inclusion.ReceiptFor(m)
	index := tr.receiptIndex(dst, m)
	h2 := tr.settle(receipt.Leaf(), 4)
	confirm := &bridgetypes.MsgConfirm{Sender: src.chain.Address(0).String(), MessageHash: hash.EncodeElement(m.Hash()),
		RootHeight: h2, Proof: tr.proveReceipt(m, h2, index)}
	tr.ok(src, 0, confirm)
	tr.ok(src, 0, &bridgetypes.MsgBridgeOut{Sender: src.chain.Address(0).String(), Op: second.Bytes()}) // unfrozen
	require.Equal(t, uint64(genesisSupply-1), tr.supply(), "only the new message is in flight")
}

// TestFallbackRouting: messages nobody claims are routed (DESIGN §7.5). First 1-1 → 2: up
// through 1 to the root (the common ancestor), down to 2 as a forced operation, minted once; a
// late claim fails. Then 2 → 1-1: up to the root, forwarded by 1 to its child, minted once.
// Every forced operation is consumed by a proven update, and supply is conserved.
func TestFallbackRouting(t *testing.T) {
	tr := newFourChainTree(t)
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	aliceOwner, bobOwner := ledger.OwnerHash(alice.PublicKey), ledger.OwnerHash(bob.PublicKey)
	one, two, grand, root := tr.node(1), tr.node(2), tr.node(1, 1), tr.root()

	// 1-1 → 2, never claimed
	deadline := tr.tick() + 20
	m := tr.bridgeOut(grand, alice, 0, 0, two, bobOwner, 25, deadline)
	h := tr.settle(m.Leaf(), 6) // a route carries the same proof as a claim: from a final state only
	proof := tr.proveMessage(m, h)
	for tr.tick() <= deadline {
	}
	grand.chain.NextBlock() // EndBlock moves the expired message onto the route
	routed := slushtypes.RoutedMessage{Message: ledger.EncodeMessage(m), RootHeight: h, Proof: proof}
	status := func(n *treeNode, m inclusion.Message) slushtypes.MessageStatus { // own record first, then the route
		key := hash.EncodeElement(m.Hash())
		res, err := bridgekeeper.NewQueryServerImpl(&n.chain.App.BridgeKeeper).MessageStatus(n.chain.Context(),
			&bridgetypes.QueryMessageStatusRequest{MessageHash: key})
		if slushtypes.IsNotFound(err) { // neither sent from nor minted here
			res, err = &bridgetypes.QueryMessageStatusResponse{}, nil
		}
		require.NoError(t, err)
		if res.Outgoing != nil {
			return res.Status
		}
		route, err := validiumkeeper.NewQueryServerImpl(&n.chain.App.ValidiumKeeper).Route(n.chain.Context(),
			&validiumtypes.QueryRouteRequest{MessageHash: key})
		if errors.Is(err, validiumtypes.ErrUnknownRoute) {
			return res.Status
		}
		require.NoError(t, err)
		return route.Route.Status
	}
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP, status(grand, m))

	tr.sync()
	res := tr.update(grand, func(u *validiumtypes.MsgSubmitUpdate) { u.Routed = []slushtypes.RoutedMessage{routed} })
	require.Equal(t, uint64(1), res.Routed)
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP, status(one, m), "1 is not an ancestor of 2: it carries it up")
	tr.sync()
	tr.update(one, func(u *validiumtypes.MsgSubmitUpdate) { u.Routed = []slushtypes.RoutedMessage{routed} })
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, status(root, m), "the common ancestor queues it for 2")
	tr.sync()

	tr.ok(two, 0, &validiumtypes.MsgRouteMessage{Sender: two.chain.Address(0).String(), Routed: routed})
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_DELIVERED, status(two, m))
	require.Equal(t, uint64(25), tr.balance(two, bobOwner))
	require.Equal(t, uint64(genesisSupply), tr.supply())
	tr.fails(two, 0, &bridgetypes.MsgClaim{Sender: two.chain.Address(0).String(), Message: bridgeMessage(m), RootHeight: h, Proof: proof},
		bridgetypes.ErrClaimExpired) // a claim after routing fails
	tr.fails(two, 0, &validiumtypes.MsgRouteMessage{Sender: two.chain.Address(0).String(), Routed: routed}, validiumtypes.ErrAlreadyRouted)
	tr.sync()
	require.Equal(t, uint64(1), tr.update(two).ForcedConsumed, "2's proven update consumes the forced operation")

	// 2 → 1-1, never claimed: forwarded by 1
	deadline = tr.tick() + 20
	back := tr.bridgeOut(two, bob, 0, 0, grand, aliceOwner, 5, deadline)
	h = tr.settle(back.Leaf(), 4)
	backRouted := slushtypes.RoutedMessage{Message: ledger.EncodeMessage(back), RootHeight: h, Proof: tr.proveMessage(back, h)}
	for tr.tick() <= deadline {
	}
	tr.update(two, func(u *validiumtypes.MsgSubmitUpdate) { u.Routed = []slushtypes.RoutedMessage{backRouted} })
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, status(root, back))
	tr.ok(one, 0, &validiumtypes.MsgRouteMessage{Sender: one.chain.Address(0).String(), Routed: backRouted})
	require.Equal(t, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, status(one, back), "1 queues it for 1-1")
	tr.sync()
	fwd := tr.update(one, func(u *validiumtypes.MsgSubmitUpdate) { u.Forwarded = [][]byte{hash.EncodeElement(back.Hash())} })
	require.Equal(t, uint64(1), fwd.ForcedConsumed, "the root's forward operation is consumed by 1's forwarding")
	tr.ok(grand, 0, &validiumtypes.MsgRouteMessage{Sender: grand.chain.Address(0).String(), Routed: backRouted})
	tr.sync()
	require.Equal(t, uint64(1), tr.update(grand).ForcedConsumed, "1-1 mints it and consumes 1's operation")
	require.Equal(t, uint64(genesisSupply-25+5), tr.balance(grand, aliceOwner))
	require.Equal(t, uint64(genesisSupply), tr.supply())
	for _, n := range []*treeNode{root, one} {
		ops, err := n.chain.App.ValidiumKeeper.ForcedOps.Iterate(n.chain.Context(), nil)
		require.NoError(t, err)
		require.False(t, ops.Valid(), "%s has no forced operation left", n.chain.ChainID)
		ops.Close()
	}
}
