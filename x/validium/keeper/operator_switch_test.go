package keeper_test

import (
	"errors"
	"maps"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

var (
	oldKeyHash = payload(5) // the key the child registers with
	newKeyHash = payload(6) // the elected operator's
)

// keyed sets the operator key hash and epoch an update's commitment carries (the ledger proof does
// not bind them: DESIGN §5 first version, they are the child chain's attestation).
func keyed(m *types.MsgSubmitUpdate, key []byte, epoch uint64) *types.MsgSubmitUpdate {
	m = cloneUpdate(m)
	m.NewCommitment.OperatorKeyHash, m.NewCommitment.Epoch = key, epoch
	return m
}

// electionFixture: with the real x/acceptance, child 1 (operator 1, key oldKeyHash, bond
// escrowed) accepted C1 at root height 5 claiming alice 40, then C2 at 6, withheld, which consumed
// bob's forced deposit and claimed late (whose deadline, 9, has passed at block 10): C2's report
// made C1 final, C2 is pending.
type electionFixture struct {
	c1, c2           []byte
	upd1             *types.MsgSubmitUpdate
	alice, bob, late inclusion.Message
	child            *childLedger // the child's ledger after C2
}

func (s *KeeperTestSuite) electionFixture() electionFixture {
	s.useRealAcceptance()
	s.anchors = s.newAnchors(5, 6, 8, 9)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	lr, or, rr := c.roots(s)
	_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(1).String(), VerifyingKey: s.ledgerKeys().vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: oldKeyHash,
	})
	s.Require().NoError(err)

	f := electionFixture{alice: c.deposit("alice", 40), bob: c.deposit("bob", 5), late: c.depositDue("late", 7, 9), child: c}
	f.upd1 = keyed(s.update(c, 1, nil, 5, f.alice), oldKeyHash, 0) // alice's deposit is claimed
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, f.upd1)
	s.Require().NoError(err)
	f.c1 = res.Commitment

	s.bridge.fixed["bob-5"] = f.bob
	_, err = s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{
		Depositor: s.operator(50).String(), ChildIndex: 1, Op: []byte("bob-5"),
	})
	s.Require().NoError(err)
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, keyed(s.update(c, 1, f.c1, 6, f.bob, f.late), oldKeyHash, 0)) // bob's is forced
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.ForcedConsumed)
	f.c2 = res.Commitment
	s.Require().Equal(2, s.countSnapshots(1), "one snapshot per accepted update")
	s.Require().Equal(f.c1, s.finalized(1), "C2's report finalized C1 (x/acceptance)")
	return f
}

// finalized is child index's finalized commitment as the real x/acceptance holds it.
func (s *KeeperTestSuite) finalized(index uint32) []byte {
	c, ok, err := s.stack.acceptance.FinalizedCommitment(s.env.Ctx, index)
	s.Require().NoError(err)
	s.Require().True(ok, "child %d has a finalized commitment", index)
	return c
}

// acceptancePairs are the hashes x/acceptance holds for child index, oldest first.
func (s *KeeperTestSuite) acceptancePairs(index uint32) []acceptancetypes.HashPair {
	res, err := acceptancekeeper.NewQueryServerImpl(&s.stack.acceptance).Pairs(s.env.Ctx, &acceptancetypes.QueryPairsRequest{ChildIndex: index})
	s.Require().NoError(err)
	return res.Pairs
}

// countSnapshots is how many snapshots a child has.
func (s *KeeperTestSuite) countSnapshots(index uint32) int {
	n := 0
	s.Require().NoError(s.keeper.Snapshots.Walk(s.env.Ctx, collections.NewPrefixedPairRange[uint32, []byte](index),
		func(collections.Pair[uint32, []byte], types.Child) (bool, error) {
			n++
			return false, nil
		}))
	return n
}

// TestInstallOperatorRollsBackAndSwitchesEpoch proves the switch restores the child's state at
// its finalized commitment (roots, receipt root included, inbox, anchor, children-SMT leaf,
// history), has x/acceptance drop the withheld hash, requeues the forced deposit the withheld
// update consumed, installs the elected operator and key at epoch 1 and burns the slashed share
// of the old bond through the bank (the rest refunded); exits still work. Updates for the old
// epoch or key are then refused; the elected operator's update from the finalized state, minting
// the requeued deposit, is accepted; snapshots are pruned once a later commitment is final.
func (s *KeeperTestSuite) TestInstallOperatorRollsBackAndSwitchesEpoch() {
	f := s.electionFixture()
	before, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	snap, err := s.keeper.Snapshots.Get(s.env.Ctx, collections.Join(uint32(1), f.c1))
	s.Require().NoError(err)
	s.Require().Len(s.acceptancePairs(1), 2, "x/acceptance holds C1 (final) and C2")
	oldOp, newOp := s.operator(1), s.operator(2) // (operator funds the address on each call)
	oldBalance := s.bank.balance(oldOp)

	previous, slashed, err := s.keeper.InstallOperator(s.env.Ctx, 1, newOp.String(), newKeyHash, 5_000)
	s.Require().NoError(err)
	s.Require().Equal(before, previous)
	s.Require().Equal(sdk.NewCoin(bondDenom, sdkmath.NewInt(500_000)), slashed)
	s.Require().Equal(sdk.NewCoins(slashed), s.bank.burnt, "burnt through the bank")
	s.Require().Equal(oldBalance.Add(sdk.NewCoin(bondDenom, sdkmath.NewInt(500_000))), s.bank.balance(oldOp), "the rest refunded")
	s.Require().True(s.bank.moduleBalance(types.ModuleName).IsZero(), "nothing of the bond is left escrowed")

	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(newOp.String(), child.Operator)
	s.Require().Equal(newKeyHash, child.OperatorKeyHash)
	s.Require().Equal(uint64(1), child.Epoch)
	s.Require().Equal(f.c1, child.LatestCommitment)
	s.Require().Equal(snap.LedgerRoot, child.LedgerRoot)
	s.Require().Equal(snap.OutboxRoot, child.OutboxRoot)
	s.Require().Equal(snap.InboxHead, child.InboxHead)
	s.Require().Equal(snap.ReceiptRoot, child.ReceiptRoot)
	s.Require().Equal(f.upd1.NewCommitment.ReceiptRoot, child.ReceiptRoot, "the receipt root C1 committed to")
	s.Require().NotEqual(before.ReceiptRoot, child.ReceiptRoot, "C2's receipts (bob's and late's mints) are rolled back")
	s.Require().Equal(uint64(5), child.AnchorHeight)
	s.Require().True(child.Bond.Amount.IsZero())
	s.Require().Equal(f.upd1.NewCommitment.LedgerRoot, child.LedgerRoot, "the ledger root C1 committed to")

	pairs := s.acceptancePairs(1)
	s.Require().Len(pairs, 1, "x/acceptance dropped the withheld hash")
	s.Require().Equal(f.c1, pairs[0].Hash.Commitment)
	s.Require().True(pairs[0].Finalized)

	res, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Equal([]types.HistoryEntry{{RootHeight: 5, Commitment: f.c1}}, res.History, "the withheld update left the history")
	s.Require().Len(res.ForcedOperations, 1, "bob's deposit is queued again; late, never routed here, needs nothing")
	s.Require().Equal(hash.EncodeElement(f.bob.Hash()), res.ForcedOperations[0].PayloadHash)
	s.Require().Equal(uint64(10+types.DefaultParams().ForcedOpDeadline), res.ForcedOperations[0].Deadline, "with a fresh deadline")
	s.Require().Equal(1, s.countSnapshots(1))
	proof, err := s.keeper.ChildProof(s.env.Ctx, 1)
	s.Require().NoError(err)
	c1, err := hash.DecodeElement(f.c1)
	s.Require().NoError(err)
	s.Require().Equal(commitment.ChildLeaf(1, c1), proof.Value, "the children SMT holds C1 again")

	// the elected operator restarts from C1: its ledger is alice's deposit, nothing after
	restarted := f.child.replay(s, 1)
	s.requireExitStillWorks(restarted, f.upd1.NewCommitment)
	upd3 := s.update(restarted, 1, f.c1, 8, f.bob)
	upd3.Operator = newOp.String()

	for _, tc := range []struct {
		name     string
		operator string
		key      []byte
		epoch    uint64
		wantErr  error
	}{
		{"old operator", oldOp.String(), newKeyHash, 1, types.ErrWrongOperator},
		{"old epoch", newOp.String(), newKeyHash, 0, types.ErrWrongEpoch},
		{"old key at the new epoch", newOp.String(), oldKeyHash, 1, types.ErrWrongOperatorKey},
	} {
		msg := keyed(upd3, tc.key, tc.epoch)
		msg.Operator = tc.operator
		_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
		s.Require().ErrorIs(err, tc.wantErr, tc.name)
	}
	accepted, err := s.msgs.SubmitUpdate(s.env.Ctx, keyed(upd3, newKeyHash, 1))
	s.Require().NoError(err, "the elected operator's update from the finalized state")
	s.Require().Equal(uint64(1), accepted.ForcedConsumed, "it minted bob's requeued deposit")
	s.Require().Equal(2, s.countSnapshots(1))

	// C4's report finalizes C3: the update prunes C1's snapshot
	upd4 := keyed(s.update(restarted, 1, accepted.Commitment, 9), newKeyHash, 1)
	upd4.Operator = newOp.String()
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, upd4)
	s.Require().NoError(err)
	s.Require().Equal(accepted.Commitment, s.finalized(1))
	s.Require().Equal(2, s.countSnapshots(1))
	_, err = s.keeper.Snapshots.Get(s.env.Ctx, collections.Join(uint32(1), f.c1))
	s.Require().ErrorIs(err, collections.ErrNotFound, "older than the finalized commitment: pruned")
}

// requireExitStillWorks: the switch does not touch exits. In a branch of the state where the
// elected operator ignores the requeued deposit, the child freezes at its deadline and alice exits
// with her balance in the finalized state (state, committed by finalized), as before the election;
// a frozen child gets no further switch.
func (s *KeeperTestSuite) requireExitStillWorks(state *childLedger, finalized slushtypes.CommitmentFields) {
	delivered := len(s.bridge.delivered)
	defer func() { s.bridge.delivered = s.bridge.delivered[:delivered] }() // the branch is dropped
	ctx, _ := s.env.Ctx.CacheContext()
	ctx = ctx.WithBlockHeight(int64(10+types.DefaultParams().ForcedOpDeadline) + 1)
	s.Require().NoError(s.keeper.EndBlocker(ctx))
	res, err := s.msgs.Exit(ctx, &types.MsgExit{
		Sender: s.operator(60).String(), ChildIndex: 1, Opening: s.accountOpening(state.state, finalized, 0),
	})
	s.Require().NoError(err)
	s.Require().Equal(uint64(40), res.Amount)
	s.Require().Equal([]uint64{40}, s.bridge.exitAmounts())
	_, _, err = s.keeper.InstallOperator(ctx, 1, s.operator(3).String(), newKeyHash, 5_000)
	s.Require().ErrorIs(err, types.ErrChildFrozen, "no switch on a frozen child: its users exit")
}

// errRollback is the fake x/acceptance's refusal to roll a child back.
var errRollback = errors.New("fake acceptance: cannot roll back")

// TestInstallOperatorRejections proves each precondition of the switch fails with its own error,
// as do a bank that cannot burn and an x/acceptance that refuses the rollback; a zero share
// slashes nothing and needs no burning, and tells x/acceptance to roll the child back.
func (s *KeeperTestSuite) TestInstallOperatorRejections() {
	res, err := s.register(s.operator(1))
	s.Require().NoError(err)
	final := payload(100) // a finalized commitment with its snapshot, as recordUpdate leaves them
	child, err := s.keeper.GetChild(s.env.Ctx, res.Index)
	s.Require().NoError(err)
	child.LatestCommitment, child.AnchorHeight = final, 5
	s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, res.Index, child))
	s.Require().NoError(s.keeper.Snapshots.Set(s.env.Ctx, collections.Join(res.Index, final), child))
	cases := []struct {
		name    string
		setup   func()
		index   uint32
		op      string
		key     []byte
		bps     uint32
		wantErr error
	}{
		{"unknown child", nil, 3, s.operator(2).String(), newKeyHash, 5_000, types.ErrUnknownChild},
		{"bad operator address", nil, 1, "nobody", newKeyHash, 5_000, types.ErrInvalidAddress},
		{"key hash above the modulus", nil, 1, s.operator(2).String(), bytes32(0xff), 5_000, types.ErrInvalidField},
		{"short key hash", nil, 1, s.operator(2).String(), newKeyHash[1:], 5_000, types.ErrInvalidField},
		{"more than the whole bond", nil, 1, s.operator(2).String(), newKeyHash, 10_001, types.ErrCannotSlash},
		{"no finalized commitment", func() { s.accept.finalized = nil }, 1, s.operator(2).String(), newKeyHash, 5_000, types.ErrNotFinalized},
		{"finalized state no longer kept", func() { s.accept.finalized = payload(4242) }, 1, s.operator(2).String(), newKeyHash, 5_000, types.ErrNoSnapshot},
		{"bank that cannot burn", func() { s.bank.burnErr = errors.New("bank: burner permission missing") }, 1, s.operator(2).String(), newKeyHash, 5_000, types.ErrCannotSlash},
		{"x/acceptance refuses the rollback", func() { s.accept.rollbackErr = errRollback }, 1, s.operator(2).String(), newKeyHash, 0, errRollback},
	}
	escrowed := s.bank.moduleBalance(types.ModuleName)
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.accept.finalized, s.bank.burnErr, s.accept.rollbackErr = final, nil, nil
			balances := maps.Clone(s.bank.balances) // the fake bank is not a store: restore it as a failed tx would
			defer func() { s.bank.balances = balances }()
			if tc.setup != nil {
				tc.setup()
			}
			ctx, _ := s.env.Ctx.CacheContext() // a failed message's writes are dropped with its context
			_, _, err := s.keeper.InstallOperator(ctx, tc.index, tc.op, tc.key, tc.bps)
			s.Require().ErrorIs(err, tc.wantErr)
			s.Require().True(s.bank.burnt.IsZero(), "nothing burnt")
		})
	}
	s.Require().Equal(escrowed, s.bank.moduleBalance(types.ModuleName))
	s.accept.finalized, s.bank.burnErr, s.accept.rollbackErr, s.accept.rollbacks = final, nil, nil, nil
	s.bank.burnErr = errors.New("bank: burner permission missing") // never asked
	_, slashed, err := s.keeper.InstallOperator(s.env.Ctx, 1, s.operator(2).String(), newKeyHash, 0)
	s.Require().NoError(err)
	s.Require().True(slashed.Amount.IsZero())
	s.Require().Equal([]uint32{1}, s.accept.rollbacks, "x/acceptance rolls child 1 back")
}

// TestInstallOperatorRestoresReceiptRoot proves an elected operator restarts from the finalized
// snapshot's receipt root, not the withheld update's.
func (s *KeeperTestSuite) TestInstallOperatorRestoresReceiptRoot() {
	res, err := s.register(s.operator(1))
	s.Require().NoError(err)
	final, withheld := payload(100), payload(101)
	child, err := s.keeper.GetChild(s.env.Ctx, res.Index)
	s.Require().NoError(err)
	child.LatestCommitment, child.AnchorHeight, child.ReceiptRoot = final, 5, payload(31)
	s.Require().NoError(s.keeper.Snapshots.Set(s.env.Ctx, collections.Join(res.Index, final), child))
	child.LatestCommitment, child.AnchorHeight, child.ReceiptRoot = withheld, 6, payload(32)
	s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, res.Index, child))
	s.Require().NoError(s.keeper.Snapshots.Set(s.env.Ctx, collections.Join(res.Index, withheld), child))
	s.accept.finalized = final

	previous, _, err := s.keeper.InstallOperator(s.env.Ctx, res.Index, s.operator(2).String(), newKeyHash, 0)
	s.Require().NoError(err)
	s.Require().Equal(payload(32), previous.ReceiptRoot)
	child, err = s.keeper.GetChild(s.env.Ctx, res.Index)
	s.Require().NoError(err)
	s.Require().Equal(payload(31), child.ReceiptRoot)
}

// TestInstallOperatorReroutesUnconsumed proves the switch routes again, to the elected child, a
// message this chain recorded as already delivered to it because of an entry only the dropped
// (withheld) update consumed (DESIGN §7.5, §9): queued as a mint and its record pending again;
// a message consumed at or before the finalized commitment, or with no route record here, is left
// alone; a record the switch cannot route fails the switch as a whole.
func (s *KeeperTestSuite) TestInstallOperatorReroutesUnconsumed() {
	cases := []struct {
		name string
		// route records the route of f.late (or of nothing) before the switch
		route       func(f electionFixture)
		wantQueued  bool // late is queued for child 1 again
		wantErr     error
		wantPending bool // PendingRoutes lists late's record after the switch
	}{
		{"already delivered to the child, consumed only by the dropped update", func(f electionFixture) {
			s.Require().Equal(slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, s.routeLate(f).Status)
			s.Require().True(s.route(f.late).AlreadyDelivered)
		}, true, nil, true},
		{"already delivered, and consumed at the finalized commitment too", func(f electionFixture) {
			s.routeLate(f)
			// as if C1 had consumed it first: the entry is filed under the finalized snapshot
			key := hash.EncodeElement(f.late.Hash())
			s.Require().NoError(s.keeper.SnapshotEntries.Remove(s.env.Ctx, collections.Join3(uint32(1), f.c2, key)))
			s.Require().NoError(s.keeper.SnapshotEntries.Set(s.env.Ctx, collections.Join3(uint32(1), f.c1, key)))
		}, false, nil, false},
		{"never routed here", func(electionFixture) {}, false, nil, false},
		{"a record the switch cannot route", func(f electionFixture) {
			s.routeLate(f)
			r := s.route(f.late)
			r.Message = slushtypes.NewBridgeMessage(f.alice) // not the message its hash names
			s.Require().NoError(s.keeper.Routes.Set(s.env.Ctx, r.MessageHash, r))
		}, false, types.ErrInvalidRoute, false},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			f := s.electionFixture()
			tc.route(f)
			ctx, write := s.env.Ctx.CacheContext()
			_, _, err := s.keeper.InstallOperator(ctx, 1, s.operator(2).String(), newKeyHash, 0)
			if tc.wantErr != nil {
				s.Require().ErrorIs(err, tc.wantErr)
				child, err := s.keeper.GetChild(s.env.Ctx, 1)
				s.Require().NoError(err)
				s.Require().Equal(f.c2, child.LatestCommitment, "nothing half-installed")
				return
			}
			s.Require().NoError(err)
			write()
			want := [][]byte{hash.EncodeElement(f.bob.Hash())} // the forced deposit the dropped update consumed
			if tc.wantQueued {
				want = append(want, hash.EncodeElement(f.late.Hash()))
			}
			s.Require().Equal(want, s.pendingOps(1))
			pending, err := s.query.PendingRoutes(s.env.Ctx, &types.QueryPendingRoutesRequest{})
			s.Require().NoError(err)
			s.Require().Equal(tc.wantPending, len(pending.Routes) == 1, "the relayer sees late pending exactly when it is queued")
			if tc.wantQueued {
				s.Require().False(s.route(f.late).AlreadyDelivered)
				s.Require().NoError(s.keeper.RerouteAfterRollback(s.env.Ctx, 1, [][]byte{hash.EncodeElement(f.late.Hash())}))
				s.Require().Equal(want, s.pendingOps(1), "a second re-route finds nothing left to do")
			}
		})
	}
}

// routeLate routes f.late here, past its deadline, after C2 consumed it; it returns the response.
func (s *KeeperTestSuite) routeLate(f electionFixture) *types.MsgRouteMessageResponse {
	res, err := s.msgs.RouteMessage(s.env.Ctx, &types.MsgRouteMessage{Sender: s.operator(60).String(),
		Routed: slushtypes.RoutedMessage{Message: ledger.EncodeMessage(f.late), RootHeight: 6, Proof: []byte("proof")}})
	s.Require().NoError(err)
	return res
}
