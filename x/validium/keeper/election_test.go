package keeper_test

import (
	"context"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// burningBank is the fake bank plus BurnCoins (what slashing needs from x/bank).
type burningBank struct {
	*fakeBank
	burnt sdk.Coins
}

func (b *burningBank) BurnCoins(_ context.Context, module string, amt sdk.Coins) error {
	if err := b.move(authtypes.NewModuleAddress(module).String(), "burnt", amt); err != nil {
		return err
	}
	b.burnt = b.burnt.Add(amt...)
	return nil
}

// useBank rebuilds the keeper over the same store with another bank, wired like SetupTest.
func (s *KeeperTestSuite) useBank(bank types.BankKeeper) {
	s.keeper = keeper.NewKeeper(s.env.Codec, s.env.StoreService, s.env.AddressCodec, s.env.Authority, bank)
	s.keeper.SetAcceptanceHooks(s.accept)
	s.keeper.SetForcedDepositor(s.deposit)
	s.keeper.SetAnchorOracle(s.anchors)
	s.msgs = keeper.NewMsgServerImpl(&s.keeper)
	s.query = keeper.NewQueryServerImpl(&s.keeper)
}

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

// electionFixture: child 1 (operator 1, key oldKeyHash, bond escrowed) accepted C1 at root height
// 5 minting alice 40 — C1 is final — then C2 at 6, withheld, which consumed bob's forced deposit.
type electionFixture struct {
	c1, c2     []byte
	upd1       *types.MsgSubmitUpdate
	alice, bob inclusion.Message
	bank       *burningBank
	child      *childLedger // the child's ledger after C2
}

func (s *KeeperTestSuite) electionFixture() electionFixture {
	s.anchors = newAnchorBook(5, 6, 8, 9)
	bank := &burningBank{fakeBank: s.bank}
	s.useBank(bank)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	lr, or, rr := c.roots(s)
	_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(1).String(), VerifyingKey: s.ledger().vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: oldKeyHash,
	})
	s.Require().NoError(err)

	f := electionFixture{bank: bank, alice: c.deposit("alice", 40), bob: c.deposit("bob", 5), child: c}
	f.upd1 = keyed(s.update(c, 1, nil, 5, f.alice), oldKeyHash, 0) // alice's deposit is claimed
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, f.upd1)
	s.Require().NoError(err)
	f.c1 = res.Commitment
	s.accept.finalized = f.c1

	s.deposit.fixed["bob-5"] = f.bob
	_, err = s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{
		Depositor: s.operator(50).String(), ChildIndex: 1, Op: []byte("bob-5"),
	})
	s.Require().NoError(err)
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, keyed(s.update(c, 1, f.c1, 6, f.bob), oldKeyHash, 0)) // bob's is forced
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.ForcedConsumed)
	f.c2 = res.Commitment
	s.Require().Equal(2, s.countSnapshots(1), "one snapshot per accepted update")
	return f
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

// TestInstallOperatorRollsBackAndSwitchesEpoch: the switch restores the child's state at its
// finalized commitment (roots, receipt root included, inbox, anchor, children-SMT leaf, history), requeues the forced
// deposit the withheld update consumed, installs the elected operator and key at epoch 1 and
// slashes the old bond; exits still work. Updates for the old epoch or key are then refused; the
// elected operator's update from the finalized state, minting the requeued deposit, is accepted;
// snapshots are pruned once a later commitment is final.
func (s *KeeperTestSuite) TestInstallOperatorRollsBackAndSwitchesEpoch() {
	f := s.electionFixture()
	before, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	snap, err := s.keeper.Snapshots.Get(s.env.Ctx, collections.Join(uint32(1), f.c1))
	s.Require().NoError(err)
	oldOp, newOp := s.operator(1), s.operator(2) // (operator funds the address on each call)
	oldBalance := s.bank.balance(oldOp)

	previous, slashed, _, err := s.keeper.InstallOperator(s.env.Ctx, 1, newOp.String(), newKeyHash, 5_000)
	s.Require().NoError(err)
	s.Require().Equal(before, previous)
	s.Require().Equal(sdk.NewCoin(bondDenom, sdkmath.NewInt(500_000)), slashed)
	s.Require().Equal(sdk.NewCoins(slashed), f.bank.burnt)
	s.Require().Equal(oldBalance.Add(sdk.NewCoin(bondDenom, sdkmath.NewInt(500_000))), s.bank.balance(oldOp), "the rest refunded")

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
	s.Require().NotEqual(before.ReceiptRoot, child.ReceiptRoot, "C2's receipt (bob's mint) is rolled back")
	s.Require().Equal(uint64(5), child.AnchorHeight)
	s.Require().True(child.Bond.Amount.IsZero())
	s.Require().Equal(f.upd1.NewCommitment.LedgerRoot, child.LedgerRoot, "the ledger root C1 committed to")

	res, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Equal([]types.HistoryEntry{{RootHeight: 5, Commitment: f.c1}}, res.History, "the withheld update left the history")
	s.Require().Len(res.ForcedOperations, 1, "bob's deposit is queued again")
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

	// finality moves to C3: the next update prunes C1's snapshot
	s.accept.finalized = accepted.Commitment
	upd4 := keyed(s.update(restarted, 1, accepted.Commitment, 9), newKeyHash, 1)
	upd4.Operator = newOp.String()
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, upd4)
	s.Require().NoError(err)
	s.Require().Equal(2, s.countSnapshots(1))
	_, err = s.keeper.Snapshots.Get(s.env.Ctx, collections.Join(uint32(1), f.c1))
	s.Require().ErrorIs(err, collections.ErrNotFound, "older than the finalized commitment: pruned")
}

// requireExitStillWorks: the switch does not touch exits. In a branch of the state where the
// elected operator ignores the requeued deposit, the child freezes at its deadline and alice exits
// with her balance in the finalized state (state, committed by finalized), as before the election;
// a frozen child gets no further switch.
func (s *KeeperTestSuite) requireExitStillWorks(state *childLedger, finalized types.CommitmentFields) {
	minter := &recordingMinter{}
	s.keeper.SetExitMinter(minter)
	defer s.keeper.SetExitMinter(nil)
	ctx, _ := s.env.Ctx.CacheContext()
	ctx = ctx.WithBlockHeight(int64(10+types.DefaultParams().ForcedOpDeadline) + 1)
	s.Require().NoError(s.keeper.EndBlocker(ctx))
	res, err := s.msgs.Exit(ctx, &types.MsgExit{
		Sender: s.operator(60).String(), ChildIndex: 1, Opening: s.accountOpening(state.state, finalized, 0),
	})
	s.Require().NoError(err)
	s.Require().Equal(uint64(40), res.Amount)
	s.Require().Equal([]uint64{40}, minter.minted)
	_, _, _, err = s.keeper.InstallOperator(ctx, 1, s.operator(3).String(), newKeyHash, 5_000)
	s.Require().ErrorIs(err, types.ErrChildFrozen, "no switch on a frozen child: its users exit")
}

// TestInstallOperatorRejections: each precondition fails with its own error.
func (s *KeeperTestSuite) TestInstallOperatorRejections() {
	bank := &burningBank{fakeBank: s.bank}
	s.useBank(bank)
	res, err := s.register(s.operator(1))
	s.Require().NoError(err)
	final := payload(100) // a finalized commitment with its snapshot, as recordUpdate leaves them
	child, err := s.keeper.GetChild(s.env.Ctx, res.Index)
	s.Require().NoError(err)
	child.LatestCommitment, child.AnchorHeight = final, 5
	s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, res.Index, child))
	s.Require().NoError(s.keeper.Snapshots.Set(s.env.Ctx, collections.Join(res.Index, final), child))
	f := struct {
		c1   []byte
		bank *burningBank
	}{final, bank}
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
		{"bank that cannot burn", func() { s.useBank(s.bank) }, 1, s.operator(2).String(), newKeyHash, 5_000, types.ErrCannotSlash},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.accept.finalized = f.c1
			s.useBank(f.bank)
			if tc.setup != nil {
				tc.setup()
			}
			ctx, _ := s.env.Ctx.CacheContext() // a failed message's writes are dropped with its context
			_, _, _, err := s.keeper.InstallOperator(ctx, tc.index, tc.op, tc.key, tc.bps)
			s.Require().ErrorIs(err, tc.wantErr)
		})
	}
	// a zero share slashes nothing and needs no burning
	s.useBank(s.bank)
	s.accept.finalized = f.c1
	_, slashed, _, err := s.keeper.InstallOperator(s.env.Ctx, 1, s.operator(2).String(), newKeyHash, 0)
	s.Require().NoError(err)
	s.Require().True(slashed.Amount.IsZero())
}
