package keeper_test

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/validium/types"
)

// recordingMinter is the ExitMinter mock: it records what this chain's ledger would mint.
type recordingMinter struct{ minted []uint64 }

func (r *recordingMinter) MintExit(_ context.Context, _, _, _ fr.Element, amount, _ uint64) error {
	r.minted = append(r.minted, amount)
	return nil
}

// exitFixture: child 1 accepted an update minting 40 to alice (account 0), that commitment is
// final, and the child is frozen. It returns a valid MsgExit for alice.
func (s *KeeperTestSuite) exitFixture(freeze bool) (*types.MsgExit, *recordingMinter) {
	c := s.setupUpdates()
	minter := &recordingMinter{}
	s.keeper.SetExitMinter(minter)
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
	accountsRoot, err := c.state.AccountsRoot()
	s.Require().NoError(err)
	acc, ok, err := c.state.Account(0)
	s.Require().NoError(err)
	s.Require().True(ok)
	proof, err := c.state.ProveAccount(0)
	s.Require().NoError(err)
	siblings := make([][]byte, len(proof.Siblings))
	for i, sib := range proof.Siblings {
		siblings[i] = hash.EncodeElement(sib)
	}
	return &types.MsgExit{
		Sender: s.operator(60).String(), ChildIndex: 1, FinalizedCommitment: upd.NewCommitment,
		AccountsRoot: hash.EncodeElement(accountsRoot), NumAccounts: c.state.NumAccounts(), AccountIndex: 0,
		Owner: hash.EncodeElement(acc.Owner), AssetId: hash.EncodeElement(acc.Asset), Balance: acc.Balance, Nonce: acc.Nonce,
		Siblings: siblings,
	}, minter
}

func cloneExit(m *types.MsgExit) *types.MsgExit {
	c := *m
	c.Siblings = append([][]byte(nil), m.Siblings...)
	return &c
}

// TestExit: a user of a frozen child exits once with the proven balance; a second exit fails.
func (s *KeeperTestSuite) TestExit() {
	msg, minter := s.exitFixture(true)
	res, err := s.msgs.Exit(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(40), res.Amount)
	s.Require().Equal([]uint64{40}, minter.minted)

	_, err = s.msgs.Exit(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrAlreadyExited, "each account exits at most once")
	s.Require().Equal([]uint64{40}, minter.minted)

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal([]types.ExitRecord{{ChildIndex: 1, AccountIndex: 0}}, exported.Exits)
}

// TestExitRejections: every opening in the exit chain is checked.
func (s *KeeperTestSuite) TestExitRejections() {
	good, minter := s.exitFixture(true)
	cases := []struct {
		name    string
		edit    func(m *types.MsgExit)
		wantErr error
	}{
		{"preimage of another commitment", func(m *types.MsgExit) { m.FinalizedCommitment.ReceiptRoot = payload(9) }, types.ErrInvalidExitProof},
		{"inflated balance", func(m *types.MsgExit) { m.Balance = 41 }, types.ErrInvalidExitProof},
		{"another owner", func(m *types.MsgExit) { m.Owner = payload(5) }, types.ErrInvalidExitProof},
		{"wrong sibling", func(m *types.MsgExit) { m.Siblings[0] = payload(1) }, types.ErrInvalidExitProof},
		{"short path", func(m *types.MsgExit) { m.Siblings = m.Siblings[1:] }, types.ErrInvalidExitProof},
		{"no path", func(m *types.MsgExit) { m.Siblings = nil }, types.ErrInvalidExitProof},
		{"wrong account count", func(m *types.MsgExit) { m.NumAccounts = 2 }, types.ErrInvalidExitProof},
		{"index beyond the accounts", func(m *types.MsgExit) { m.AccountIndex = 1 }, types.ErrInvalidExitProof},
		{"owner above the modulus", func(m *types.MsgExit) { m.Owner = bytes32(0xff) }, types.ErrInvalidField},
		{"sibling above the modulus", func(m *types.MsgExit) { m.Siblings[0] = bytes32(0xff) }, types.ErrInvalidField},
		{"unknown child", func(m *types.MsgExit) { m.ChildIndex = 3 }, types.ErrUnknownChild},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := cloneExit(good)
			tc.edit(msg)
			_, err := s.msgs.Exit(s.env.Ctx, msg)
			s.Require().ErrorIs(err, tc.wantErr)
			s.Require().Empty(minter.minted)
		})
	}
}

// TestExitNeedsFrozenAndFinalized: an active child's users cannot exit, nor can anyone exit
// from a child with no finalized commitment.
func (s *KeeperTestSuite) TestExitNeedsFrozenAndFinalized() {
	msg, minter := s.exitFixture(false)
	_, err := s.msgs.Exit(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrChildNotFrozen)

	op, err := s.force(1, 77)
	s.Require().NoError(err)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(op.Deadline) + 1)
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	s.accept.finalized = nil
	_, err = s.msgs.Exit(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrNotFinalized)
	s.Require().Empty(minter.minted)
}

// TestDeregisterNeedsFinalizedAndEmpty: a child whose ledger moved keeps its bond (its users may
// still need to exit), whether or not its state is final.
func (s *KeeperTestSuite) TestDeregisterNeedsFinalizedAndEmpty() {
	c := s.setupUpdates()
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, c.deposit("alice", 40)))
	s.Require().NoError(err)
	s.accept.finalized = res.Commitment
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrChildNotEmpty)
}

// TestDeregisterAfterFinalizedEmptyUpdate: an update that left the ledger at its genesis root
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
