package keeper_test

import (
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// accountOpening opens account index of st under the commitment c (whose ledger root is st's).
func (s *KeeperTestSuite) accountOpening(st *ledger.State, c slushtypes.CommitmentFields, index uint64) types.AccountOpening {
	o, err := types.NewAccountOpening(st, c, index)
	s.Require().NoError(err)
	return o
}

// exitFixture: child 1 accepted an update minting 40 to alice (account 0), that commitment is
// final, and the child is frozen (if freeze). It returns a valid MsgExit for alice.
func (s *KeeperTestSuite) exitFixture(freeze bool) *types.MsgExit {
	c := s.setupUpdates()
	upd := s.update(c, 1, nil, 5, c.deposit("alice", 40))
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, upd)
	s.Require().NoError(err)
	s.accept.finalized = res.Commitment

	if freeze {
		op, err := s.force(1, 77)
		s.Require().NoError(err)
		s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(op.Deadline) + 1)
		s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	}
	return &types.MsgExit{
		Sender: s.operator(60).String(), ChildIndex: 1, Opening: s.accountOpening(c.state, upd.NewCommitment, 0),
	}
}

func cloneOpening(o types.AccountOpening) types.AccountOpening {
	o.Siblings = append([][]byte(nil), o.Siblings...)
	return o
}

func cloneExitProof(p types.ExitProof) types.ExitProof {
	p.Opening = cloneOpening(p.Opening)
	p.FinalizedSiblings = append([][]byte(nil), p.FinalizedSiblings...)
	return p
}

func cloneExit(m *types.MsgExit) *types.MsgExit {
	c := *m
	c.Opening = cloneOpening(m.Opening)
	return &c
}

// TestExit proves a user of a frozen child exits once with the proven balance, delivered through
// x/bridge as the exit-source message from the child; a second exit fails; the opening is kept.
func (s *KeeperTestSuite) TestExit() {
	msg := s.exitFixture(true)
	res, err := s.msgs.Exit(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(40), res.Amount)
	_, account, err := msg.Opening.Open(ledgerParams.AccountDepth)
	s.Require().NoError(err)
	for _, depth := range []int{ledgerParams.AccountDepth - 1, ledgerParams.AccountDepth + 1} {
		_, _, err := msg.Opening.Open(depth)
		s.Require().ErrorIs(err, types.ErrInvalidExitProof, "a path is opened at the tree's account depth only (depth %d)", depth)
		s.Require().ErrorContains(err, "account depth")
	}
	own, err := s.stack.tree.OwnVid(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal([]delivery{{m: ledger.ExitMessage(commitment.MustPackVid([]uint8{1}), own, 0, account), src: ledger.SourceExit}},
		s.bridge.delivered, "the exit message from the child to this (root) chain, nonce = the account index")

	_, err = s.msgs.Exit(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrAlreadyExited, "each account exits at most once")
	s.Require().Equal([]uint64{40}, s.bridge.exitAmounts())

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal([]types.ExitRecord{{ChildIndex: 1, AccountIndex: 0, Opening: msg.Opening}}, exported.Exits)
	opening, err := s.keeper.ExitOpening(s.env.Ctx, 1, 0)
	s.Require().NoError(err)
	s.Require().Equal(msg.Opening, opening)
}

// TestExitRejections proves every opening in the exit chain is checked and a refused exit delivers nothing.
func (s *KeeperTestSuite) TestExitRejections() {
	good := s.exitFixture(true)
	cases := []struct {
		name    string
		edit    func(m *types.MsgExit)
		wantErr error
	}{
		{"preimage of another commitment", func(m *types.MsgExit) { m.Opening.Commitment.ReceiptRoot = payload(9) }, types.ErrInvalidExitProof},
		{"preimage with another finalized children root", func(m *types.MsgExit) {
			m.Opening.Commitment.FinalizedChildrenRoot = payload(9)
		}, types.ErrInvalidExitProof},
		{"inflated balance", func(m *types.MsgExit) { m.Opening.Balance = 41 }, types.ErrInvalidExitProof},
		{"another owner", func(m *types.MsgExit) { m.Opening.Owner = payload(5) }, types.ErrInvalidExitProof},
		{"wrong sibling", func(m *types.MsgExit) { m.Opening.Siblings[0] = payload(1) }, types.ErrInvalidExitProof},
		{"short path", func(m *types.MsgExit) { m.Opening.Siblings = m.Opening.Siblings[1:] }, types.ErrInvalidExitProof},
		{"no path", func(m *types.MsgExit) { m.Opening.Siblings = nil }, types.ErrInvalidExitProof},
		{"wrong account count", func(m *types.MsgExit) { m.Opening.NumAccounts = 2 }, types.ErrInvalidExitProof},
		{"index beyond the accounts", func(m *types.MsgExit) { m.Opening.AccountIndex = 1 }, types.ErrInvalidExitProof},
		{"owner above the modulus", func(m *types.MsgExit) { m.Opening.Owner = bytes32(0xff) }, types.ErrInvalidField},
		{"sibling above the modulus", func(m *types.MsgExit) { m.Opening.Siblings[0] = bytes32(0xff) }, types.ErrInvalidField},
		{"commitment field above the modulus", func(m *types.MsgExit) {
			m.Opening.Commitment.FinalizedChildrenRoot = bytes32(0xff)
		}, slushtypes.ErrInvalidField},
		{"unknown child", func(m *types.MsgExit) { m.ChildIndex = 3 }, types.ErrUnknownChild},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := cloneExit(good)
			tc.edit(msg)
			_, err := s.msgs.Exit(s.env.Ctx, msg)
			s.Require().ErrorIs(err, tc.wantErr)
			s.Require().Empty(s.bridge.delivered)
		})
	}
	_, err := s.keeper.ExitOpening(s.env.Ctx, 1, 0)
	s.Require().ErrorIs(err, types.ErrUnknownExit, "no refused exit is recorded")
}

// TestExitNeedsFrozenAndFinalized proves an active child's users cannot exit, nor can anyone exit
// from a child with no finalized commitment.
func (s *KeeperTestSuite) TestExitNeedsFrozenAndFinalized() {
	msg := s.exitFixture(false)
	_, err := s.msgs.Exit(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrChildNotFrozen)

	op, err := s.force(1, 77)
	s.Require().NoError(err)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(op.Deadline) + 1)
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	s.accept.finalized = nil
	_, err = s.msgs.Exit(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrNotFinalized)
	s.Require().Empty(s.bridge.delivered)
}

// TestDeregisterNeedsFinalizedAndEmpty proves a child whose ledger moved keeps its bond (its users may
// still need to exit), whether or not its state is final.
func (s *KeeperTestSuite) TestDeregisterNeedsFinalizedAndEmpty() {
	c := s.setupUpdates()
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, c.deposit("alice", 40)))
	s.Require().NoError(err)
	s.accept.finalized = res.Commitment
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrChildNotEmpty)
}

// TestDeregisterAfterFinalizedEmptyUpdate proves an update that left the ledger at its genesis root
// can be deregistered once it is final, and not before.
func (s *KeeperTestSuite) TestDeregisterAfterFinalizedEmptyUpdate() {
	c := s.setupUpdates()
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5)) // an all-NoOp batch
	s.Require().NoError(err)
	msg := &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1}
	_, err = s.msgs.DeregisterChild(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrChildNotEmpty, "not final yet")
	s.accept.finalized = res.Commitment
	_, err = s.msgs.DeregisterChild(s.env.Ctx, msg)
	s.Require().NoError(err)
}
