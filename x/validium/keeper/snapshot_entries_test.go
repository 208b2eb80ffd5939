package keeper_test

import (
	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// snapshotEntries lists the payload hashes filed under the snapshot (index, commitment).
func (s *KeeperTestSuite) snapshotEntries(k keeper.Keeper, index uint32, c []byte) [][]byte {
	var out [][]byte
	rng := collections.NewSuperPrefixedTripleRange[uint32, []byte, []byte](index, c)
	s.Require().NoError(k.SnapshotEntries.Walk(s.env.Ctx, rng, func(key collections.Triple[uint32, []byte, []byte]) (bool, error) {
		out = append(out, key.K3())
		return false, nil
	}))
	return out
}

// requireConsumed asserts whether child 1 has consumed m.
func (s *KeeperTestSuite) requireConsumed(m inclusion.Message, want bool, msg string) {
	got, err := s.keeper.ChildConsumed(s.env.Ctx, 1, hash.EncodeElement(m.Hash()))
	s.Require().NoError(err)
	s.Require().Equal(want, got, msg)
}

// TestRollbackUnconsumesEntries proves each update files the inbox entries it consumed first
// under its snapshot; pruning a snapshot older than the finalized commitment forgets that filing
// but keeps the entries consumed, and an emergency re-election un-consumes exactly the entries
// first consumed after the finalized commitment and routes again the message recorded as already
// delivered because of one (DESIGN §7.5, §9), so the elected operator consumes them again. Child
// 1: C0 (anchor 5) claims before and twice; C1 (6, final) claims early; C2 (7) claims late (a
// batch minting twice again is refused: since issue 13 a message is minted at most once, DESIGN
// §7.3), which is then routed here too late to be queued; C3 (8) mints the routed message forced
// on it. C2 and C3 are withheld and rolled back.
func (s *KeeperTestSuite) TestRollbackUnconsumesEntries() {
	s.anchors = s.newAnchors(5, 6, 7, 8, 9)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	s.registerLedgerChild(c, 1)
	before, twice, early := c.deposit("before", 1), c.deposit("twice", 2), c.deposit("early", 3)
	late := c.depositDue("late", 4, 9) // its deadline passes before the switch: it is routed
	routed := routedTo(c, 100)
	h := func(m inclusion.Message) []byte { return hash.EncodeElement(m.Hash()) }

	res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, before, twice))
	s.Require().NoError(err)
	c0 := res.Commitment
	s.Require().ElementsMatch([][]byte{h(before), h(twice)}, s.snapshotEntries(s.keeper, 1, c0))
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, c0, 6, early))
	s.Require().NoError(err)
	c1 := res.Commitment
	s.accept.finalized = c1
	// an update minting twice a second time is refused by the parent's record (no batch proof can
	// mint it again either: the child's consumed set, ledger.ConsumedGadget)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, withRepeated(s.update(c.replay(s, len(c.updates)), 1, c1, 7, late), twice, ledger.SourceClaim))
	s.Require().ErrorIs(err, types.ErrDuplicateEntry)
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, c1, 7, late))
	s.Require().NoError(err)
	c2 := res.Commitment
	s.Require().Equal([][]byte{h(late)}, s.snapshotEntries(s.keeper, 1, c2), "twice stays filed where it was consumed")
	// late's route reaches this chain after child 1 claimed it: recorded as already delivered, queued nowhere
	lateRoute, err := s.msgs.RouteMessage(s.env.Ctx, &types.MsgRouteMessage{Sender: s.operator(60).String(),
		Routed: slushtypes.RoutedMessage{Message: ledger.EncodeMessage(late), RootHeight: 7, Proof: []byte("proof")}})
	s.Require().NoError(err)
	s.Require().Equal(slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, lateRoute.Status)
	s.Require().True(s.route(late).AlreadyDelivered)

	// C2 pruned C0 (older than the finalized C1): its filing goes, its entries stay consumed
	_, err = s.keeper.Snapshots.Get(s.env.Ctx, collections.Join(uint32(1), c0))
	s.Require().ErrorIs(err, collections.ErrNotFound)
	s.Require().Empty(s.snapshotEntries(s.keeper, 1, c0), "a pruned snapshot's entries are no longer filed")
	s.requireConsumed(before, true, "pruning keeps what a final update consumed")
	s.requireConsumed(twice, true, "pruning keeps what a final update consumed")

	s.Require().NoError(s.keeper.EnqueueRouted(s.env.Ctx, 1, routed, false))
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, c2, 8, routed))
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.ForcedConsumed)
	c3 := res.Commitment
	s.requireGenesisRoundTrip(3)

	s.Require().Empty(s.pendingOps(1), "nothing queued for child 1")

	newOp := s.operator(2)
	_, _, err = s.keeper.InstallOperator(s.env.Ctx, 1, newOp.String(), newKeyHash, 0)
	s.Require().NoError(err)
	s.Require().ElementsMatch([][]byte{h(routed), h(late)}, s.pendingOps(1),
		"the routed message its dropped update consumed is queued again, and late is routed again")
	s.Require().False(s.route(late).AlreadyDelivered, "late's route record is a pending one again")
	for _, tc := range []struct {
		name     string
		m        inclusion.Message
		consumed bool
	}{
		{"consumed before the finalized commitment (snapshot pruned)", before, true},
		{"consumed before the finalized commitment, its repeat after it refused", twice, true},
		{"consumed at the finalized commitment", early, true},
		{"claimed only after the finalized commitment", late, false},
		{"forced only after the finalized commitment", routed, false},
	} {
		s.requireConsumed(tc.m, tc.consumed, tc.name)
	}
	s.Require().Equal([][]byte{h(early)}, s.snapshotEntries(s.keeper, 1, c1), "the finalized snapshot keeps its filing")
	for _, dropped := range [][]byte{c2, c3} {
		s.Require().Empty(s.snapshotEntries(s.keeper, 1, dropped), "a dropped snapshot's filing goes with it")
	}

	// the elected operator restarts from C1; both late and the requeued routed message are matched again
	restarted := c.replay(s, 2) // {before, twice}, {early}
	upd := keyed(s.update(restarted, 1, c1, 9, routed, late), newKeyHash, 1)
	upd.Operator = newOp.String()
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, upd)
	s.Require().NoError(err)
	s.Require().Equal(uint64(2), res.ForcedConsumed, "the requeued routed message and the routed-again late one")
	s.requireConsumed(late, true, "consumed again by the elected operator")
	s.requireConsumed(routed, true, "consumed again by the elected operator")
	s.Require().ElementsMatch([][]byte{h(routed), h(late)}, s.snapshotEntries(s.keeper, 1, res.Commitment))
}

// requireGenesisRoundTrip exports the state (with want snapshot entries), validates it, imports it
// into a fresh keeper and requires the same export back.
func (s *KeeperTestSuite) requireGenesisRoundTrip(want int) {
	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Len(exported.SnapshotEntries, want)
	s.Require().NoError(exported.Validate())
	s.requireImportsAs(exported)
}

// pendingOps lists the payload hashes of a child's queued forced operations, in queue order.
func (s *KeeperTestSuite) pendingOps(index uint32) [][]byte {
	var out [][]byte
	s.Require().NoError(s.keeper.ForcedOps.Walk(s.env.Ctx, collections.NewPrefixedPairRange[uint32, uint64](index),
		func(_ collections.Pair[uint32, uint64], op types.ForcedOperation) (bool, error) {
			out = append(out, op.PayloadHash)
			return false, nil
		}))
	return out
}

// route is this chain's route record of m.
func (s *KeeperTestSuite) route(m inclusion.Message) types.RouteRecord {
	res, err := s.query.Route(s.env.Ctx, &types.QueryRouteRequest{MessageHash: hash.EncodeElement(m.Hash())})
	s.Require().NoError(err)
	return res.Route
}

// TestDeregisterClearsSnapshotEntries proves deregistering a child drops its filed snapshot entries
// (with its snapshots and consumed entries) and leaves other children's alone.
func (s *KeeperTestSuite) TestDeregisterClearsSnapshotEntries() {
	for i := byte(1); i <= 2; i++ {
		_, err := s.register(s.operator(i))
		s.Require().NoError(err)
		idx := uint32(i)
		s.Require().NoError(s.keeper.Snapshots.Set(s.env.Ctx, collections.Join(idx, payload(70)), types.Child{Index: idx}))
		s.Require().NoError(s.keeper.ConsumedEntries.Set(s.env.Ctx, collections.Join(idx, payload(71))))
		s.Require().NoError(s.keeper.SnapshotEntries.Set(s.env.Ctx, collections.Join3(idx, payload(70), payload(71))))
	}
	_, err := s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
	s.Require().NoError(err)
	for _, tc := range []struct {
		index uint32
		left  int
	}{{1, 0}, {2, 1}} {
		s.Require().Len(s.snapshotEntries(s.keeper, tc.index, payload(70)), tc.left, "child %d", tc.index)
		has, err := s.keeper.ConsumedEntries.Has(s.env.Ctx, collections.Join(tc.index, payload(71)))
		s.Require().NoError(err)
		s.Require().Equal(tc.left == 1, has, "child %d", tc.index)
	}
}
