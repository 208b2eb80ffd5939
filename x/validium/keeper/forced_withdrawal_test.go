package keeper_test

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// Forced withdrawals (issue 20) on the parent. The child's ledger runs natively here (ledger.State,
// the same rules the chain executes and the circuit proves); a commitment of it is "accepted" by
// writing what an accepted update writes (history entry, child record, snapshot), without a batch
// proof: these tests are about what the parent checks of forced withdrawals against accepted
// commitments, not about update acceptance (update_test.go proves that).

var (
	aliceKey  = ledger.KeyFromSeed([]byte("alice"))
	bobKey    = ledger.KeyFromSeed([]byte("bob"))
	wAsset    = hash.Uint64(7)
	rootVid   = fr.Element{} // the root's vid is 0
	aliceSelf = ledger.OwnerHash(aliceKey.PublicKey)
)

// wChild is child 1's ledger as its chain runs it, and the commitment the parent accepted last.
type wChild struct {
	state  *ledger.State
	vid    fr.Element
	fields slushtypes.CommitmentFields
}

// withdrawalChild registers child 1 whose genesis ledger gives alice (account 0) 100 and bob
// (account 1) 5, at block (root height) 10, and accepts its state at anchor 5.
func (s *KeeperTestSuite) withdrawalChild() *wChild {
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	vid := commitment.MustPackVid([]uint8{1})
	st, err := ledger.NewState(smt.NewMemStore(), vid, ledgerParams)
	s.Require().NoError(err)
	s.Require().NoError(st.Fund(aliceSelf, wAsset, 100))
	s.Require().NoError(st.Fund(ledger.OwnerHash(bobKey.PublicKey), wAsset, 5))
	c := &wChild{state: st, vid: vid}
	lr, or, rr := c.roots(s)
	_, err = s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(1).String(), VerifyingKey: s.vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: payload(5),
	})
	s.Require().NoError(err)
	s.acceptChild(c, 5)
	s.bank.fund(s.requester(), sdk.NewCoins(sdk.NewInt64Coin(bondDenom, 1_000_000)))
	return c
}

func (c *wChild) roots(s *KeeperTestSuite) (ledgerRoot, outboxRoot, receiptRoot []byte) {
	l, err := c.state.Root()
	s.Require().NoError(err)
	o, err := c.state.OutboxRoot()
	s.Require().NoError(err)
	r, err := c.state.ReceiptRoot()
	s.Require().NoError(err)
	return hash.EncodeElement(l), hash.EncodeElement(o), hash.EncodeElement(r)
}

// acceptChild records the child's current ledger state as its accepted commitment at anchor, as
// an accepted update does (history, child record, snapshot).
func (s *KeeperTestSuite) acceptChild(c *wChild, anchor uint64) {
	lr, or, rr := c.roots(s)
	c.fields = slushtypes.CommitmentFields{
		Vid: hash.EncodeElement(c.vid), LedgerRoot: lr, OutboxRoot: or, ReceiptRoot: rr,
		ChildrenRoot: hash.EncodeElement(commitment.EmptyChildrenRoot()), FinalizedChildrenRoot: hash.EncodeElement(commitment.EmptyChildrenRoot()),
		AnchorHeight: anchor, AnchorCommitment: payload(1000 + anchor), AcceptanceDigest: payload(9), OperatorKeyHash: payload(5),
	}
	decoded, err := c.fields.Decode()
	s.Require().NoError(err)
	h := hash.EncodeElement(decoded.Hash())
	ctx := s.env.Ctx
	s.Require().NoError(s.keeper.History.Set(ctx, collections.Join(uint32(1), anchor), h))
	child, err := s.keeper.GetChild(ctx, 1)
	s.Require().NoError(err)
	child.LatestCommitment, child.AnchorHeight, child.LedgerRoot, child.OutboxRoot, child.ReceiptRoot = h, anchor, lr, or, rr
	s.Require().NoError(s.keeper.Children.Set(ctx, 1, child))
	snap := child
	snap.VerifyingKey, snap.TransferVerifyingKey = nil, nil
	s.Require().NoError(s.keeper.Snapshots.Set(ctx, collections.Join(uint32(1), h), snap))
}

// commitmentHash is the hash of the child's last accepted commitment.
func (c *wChild) commitmentHash(s *KeeperTestSuite) []byte {
	d, err := c.fields.Decode()
	s.Require().NoError(err)
	return hash.EncodeElement(d.Hash())
}

// withdrawOp is a bridge-out of amount from account `from`, signed by key for the child, to alice on the root.
func (c *wChild) withdrawOp(s *KeeperTestSuite, from uint64, amount, nonce uint64) ledger.Op {
	op, err := ledger.NewBridgeOut(c.vid, aliceKey, from, wAsset, amount, nonce, rootVid, aliceSelf, 1000)
	s.Require().NoError(err)
	return op
}

// requester is the account that forces and pays the fee (withdrawalChild funds it).
func (s *KeeperTestSuite) requester() sdk.AccAddress {
	return sdk.AccAddress([]byte("forced-withdrawal-rq"))
}

// forceMsg is MsgForceWithdrawal of op with the opening of op.From under the last accepted commitment.
func (s *KeeperTestSuite) forceMsg(c *wChild, op ledger.Op) *types.MsgForceWithdrawal {
	return &types.MsgForceWithdrawal{
		Requester: s.requester().String(), ChildIndex: 1, Op: op.Bytes(),
		Opening: s.accountOpening(c.state, c.fields, op.From),
	}
}

// queuedOutbox is the preimage of the child's outbox root now (what a withdrawal queued now records).
func (c *wChild) queuedOutbox(s *KeeperTestSuite) (treeRoot []byte, size uint64) {
	r, err := c.state.Outbox().TreeRoot()
	s.Require().NoError(err)
	return hash.EncodeElement(r), c.state.Outbox().Size()
}

// inclusion proves the outbox item at position under the last accepted commitment.
func (c *wChild) inclusion(s *KeeperTestSuite, position uint64, queuedTree []byte, queuedSize uint64) *types.WithdrawalInclusion {
	p, err := c.state.Outbox().Prove(position)
	s.Require().NoError(err)
	return &types.WithdrawalInclusion{
		Commitment: c.fields, Position: position, OutboxSize: p.Size, Siblings: hash.EncodeElements(p.Siblings),
		QueuedOutboxTreeRoot: queuedTree, QueuedOutboxSize: queuedSize,
	}
}

// prove is MsgProveForcedWithdrawal of sequence seq of child 1.
func (s *KeeperTestSuite) prove(seq uint64, in *types.WithdrawalInclusion, noOp *types.AccountOpening) (*types.MsgProveForcedWithdrawalResponse, error) {
	return s.msgs.ProveForcedWithdrawal(s.env.Ctx, &types.MsgProveForcedWithdrawal{
		Sender: s.operator(71).String(), ChildIndex: 1, Sequence: seq, Inclusion: in, NoOp: noOp,
	})
}

// withdrawal reads child 1's forced withdrawal seq.
func (s *KeeperTestSuite) withdrawal(seq uint64) types.ForcedWithdrawal {
	w, err := s.keeper.GetForcedWithdrawal(s.env.Ctx, 1, seq)
	s.Require().NoError(err)
	return w
}

// pendingDeadlines counts the forced-withdrawal deadline entries.
func (s *KeeperTestSuite) pendingDeadlines() int {
	n := 0
	s.Require().NoError(s.keeper.WithdrawalDeadlines.Walk(s.env.Ctx, nil, func(collections.Triple[uint64, uint32, uint64]) (bool, error) {
		n++
		return false, nil
	}))
	return n
}

// TestForcedWithdrawalExecutedByInclusion: alice forces a withdrawal of 30 from child 1 (the fee
// is taken from the requester and burnt), the child's ledger executes her signed op as a
// bridge-out, the parent accepts the state holding it, and the message's outbox inclusion proves
// the withdrawal EXECUTED: no longer pending, and its deadline no longer freezes the child.
func (s *KeeperTestSuite) TestForcedWithdrawalExecutedByInclusion() {
	c := s.withdrawalChild()
	op := c.withdrawOp(s, 0, 30, 0)
	balanceBefore := s.bank.balance(s.requester())
	gasBefore := s.env.Ctx.GasMeter().GasConsumed()
	res, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, op))
	s.Require().NoError(err)
	s.Require().GreaterOrEqual(s.env.Ctx.GasMeter().GasConsumed()-gasBefore, uint64(types.WithdrawalProofGas), "the checks are paid for")
	s.Require().Equal(uint64(1), res.Sequence)
	s.Require().Equal(uint64(10+types.DefaultForcedOpDeadline), res.Deadline)
	s.Require().Equal(hash.EncodeElement(op.SigningHash(c.vid)), res.OpHash)

	fee := types.DefaultForcedWithdrawalFee
	s.Require().Equal(sdk.NewCoins(fee), s.bank.burnt, "the fee is burnt")
	s.Require().Equal(balanceBefore.Sub(fee), s.bank.balance(s.requester()), "paid by the requester")

	w := s.withdrawal(1)
	s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING, w.Status)
	s.Require().Equal(uint64(5), w.QueuedAnchorHeight)
	s.Require().Equal(c.fields.OutboxRoot, w.QueuedOutboxRoot)
	s.Require().Equal(1, s.pendingDeadlines())
	queuedTree, queuedSize := c.queuedOutbox(s)

	s.Require().NoError(c.state.Apply(op)) // the child executes the op (MsgExecuteForcedWithdrawal)
	s.acceptChild(c, 6)
	gasBefore = s.env.Ctx.GasMeter().GasConsumed()
	proof, err := s.prove(1, c.inclusion(s, 0, queuedTree, queuedSize), nil)
	s.Require().NoError(err)
	s.Require().GreaterOrEqual(s.env.Ctx.GasMeter().GasConsumed()-gasBefore, uint64(types.WithdrawalProofGas), "the proof is paid for")
	m := types.WithdrawalMessage(op, c.vid, 0)
	s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXECUTED, proof.Status)
	s.Require().Equal(hash.EncodeElement(m.Hash()), proof.MessageHash)
	w = s.withdrawal(1)
	s.Require().Equal(uint64(6), w.ProvenAnchorHeight)
	s.Require().Equal(uint64(0), w.OutboxPosition)
	s.Require().Zero(s.pendingDeadlines())

	_, err = s.prove(1, c.inclusion(s, 0, queuedTree, queuedSize), nil)
	s.Require().ErrorIs(err, types.ErrWithdrawalNotPending, "a withdrawal is proven once")

	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline) + 5)
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(types.ChildStatus_CHILD_STATUS_ACTIVE, child.Status, "a proven withdrawal freezes nobody")
}

// TestForcedWithdrawalNoOp: a withdrawal the child's ledger cannot execute is consumed as a no-op
// by an opening of the account under a commitment accepted after the queueing, for each reason the
// ledger refuses a debit; an honest child is never frozen for it.
func (s *KeeperTestSuite) TestForcedWithdrawalNoOp() {
	cases := []struct {
		name   string
		op     func(c *wChild) ledger.Op
		after  func(c *wChild) // what the child's ledger does after the queueing
		reason string
	}{
		{name: "insufficient balance", op: func(c *wChild) ledger.Op { return c.withdrawOp(s, 0, 500, 0) }, reason: "insufficient balance"},
		{name: "nonce already used (the account moved on)", op: func(c *wChild) ledger.Op { return c.withdrawOp(s, 0, 30, 0) },
			after: func(c *wChild) {
				t, err := ledger.NewTransfer(c.vid, aliceKey, 0, ledger.OwnerHash(bobKey.PublicKey), wAsset, 1, 0)
				s.Require().NoError(err)
				s.Require().NoError(c.state.Apply(t))
			}, reason: "nonce mismatch"},
		{name: "a future nonce", op: func(c *wChild) ledger.Op { return c.withdrawOp(s, 0, 30, 3) }, reason: "nonce mismatch"},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			c := s.withdrawalChild()
			_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, tc.op(c)))
			s.Require().NoError(err)
			if tc.after != nil {
				tc.after(c)
			}
			s.acceptChild(c, 6)
			opening := s.accountOpening(c.state, c.fields, 0)
			res, err := s.prove(1, nil, &opening)
			s.Require().NoError(err)
			s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_NO_OP, res.Status)
			s.Require().Equal(tc.reason, res.NoOpReason)
			s.Require().Zero(s.pendingDeadlines())
			s.env.Ctx = s.env.Ctx.WithBlockHeight(500)
			s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
			child, err := s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().NoError(err)
			s.Require().Equal(types.ChildStatus_CHILD_STATUS_ACTIVE, child.Status)
		})
	}
}

// TestForcedWithdrawalExpiryFreezes: a withdrawal nobody proves freezes its child once the root
// height passes its deadline (not at it), is marked EXPIRED and can no longer be proven; the users
// then exit (MsgExit, exit_test.go).
func (s *KeeperTestSuite) TestForcedWithdrawalExpiryFreezes() {
	c := s.withdrawalChild()
	res, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, c.withdrawOp(s, 0, 30, 0)))
	s.Require().NoError(err)

	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline))
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(types.ChildStatus_CHILD_STATUS_ACTIVE, child.Status, "at the deadline the child still has time")

	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline) + 1)
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	child, err = s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(types.ChildStatus_CHILD_STATUS_FROZEN, child.Status, "ignored past its deadline: frozen")
	s.Require().Equal("forced withdrawal not proven by its deadline", child.FreezeReason)
	s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXPIRED, s.withdrawal(1).Status)
	s.Require().Zero(s.pendingDeadlines())

	opening := s.accountOpening(c.state, c.fields, 0)
	_, err = s.prove(1, nil, &opening)
	s.Require().ErrorIs(err, types.ErrWithdrawalNotPending)
}

// TestForceWithdrawalRejections: every malformed, unauthorized or replayed withdrawal is refused
// before anything is stored or any fee is taken.
func (s *KeeperTestSuite) TestForceWithdrawalRejections() {
	cases := []struct {
		name    string
		before  func(c *wChild)
		msg     func(c *wChild) *types.MsgForceWithdrawal
		wantErr error
	}{
		{name: "op that does not decode", msg: func(c *wChild) *types.MsgForceWithdrawal {
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.Op = m.Op[1:]
			return m
		}, wantErr: ledgertypes.ErrInvalidOp},
		{name: "a transfer, not a bridge-out", msg: func(c *wChild) *types.MsgForceWithdrawal {
			t, err := ledger.NewTransfer(c.vid, aliceKey, 0, aliceSelf, wAsset, 30, 0)
			s.Require().NoError(err)
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.Op = t.Bytes()
			return m
		}, wantErr: ledgertypes.ErrWrongOpKind},
		{name: "zero amount", msg: func(c *wChild) *types.MsgForceWithdrawal {
			return s.forceMsg(c, c.withdrawOp(s, 0, 0, 0))
		}, wantErr: types.ErrInvalidWithdrawal},
		{name: "signed for another validium", msg: func(c *wChild) *types.MsgForceWithdrawal {
			op, err := ledger.NewBridgeOut(commitment.MustPackVid([]uint8{2}), aliceKey, 0, wAsset, 30, 0, rootVid, aliceSelf, 1000)
			s.Require().NoError(err)
			return s.forceMsg(c, op)
		}, wantErr: types.ErrInvalidWithdrawal},
		{name: "tampered amount (signature no longer verifies)", msg: func(c *wChild) *types.MsgForceWithdrawal {
			op := c.withdrawOp(s, 0, 30, 0)
			op.Amount = 31
			return s.forceMsg(c, op)
		}, wantErr: types.ErrInvalidWithdrawal},
		{name: "destination is the child itself", msg: func(c *wChild) *types.MsgForceWithdrawal {
			op, err := ledger.NewBridgeOut(c.vid, aliceKey, 0, wAsset, 30, 0, c.vid, aliceSelf, 1000)
			s.Require().NoError(err)
			return s.forceMsg(c, op)
		}, wantErr: types.ErrInvalidWithdrawal},
		{name: "another owner's account (bob's key on alice's account)", msg: func(c *wChild) *types.MsgForceWithdrawal {
			op, err := ledger.NewBridgeOut(c.vid, bobKey, 0, wAsset, 30, 0, rootVid, aliceSelf, 1000)
			s.Require().NoError(err)
			return s.forceMsg(c, op)
		}, wantErr: types.ErrWrongAccount},
		{name: "another asset than the account's", msg: func(c *wChild) *types.MsgForceWithdrawal {
			op, err := ledger.NewBridgeOut(c.vid, aliceKey, 0, hash.Uint64(8), 30, 0, rootVid, aliceSelf, 1000)
			s.Require().NoError(err)
			return s.forceMsg(c, op)
		}, wantErr: types.ErrWrongAccount},
		{name: "opening of another account than the op's", msg: func(c *wChild) *types.MsgForceWithdrawal {
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.Opening = s.accountOpening(c.state, c.fields, 1)
			return m
		}, wantErr: types.ErrWrongAccount},
		{name: "opening under a commitment the parent never accepted", msg: func(c *wChild) *types.MsgForceWithdrawal {
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.Opening.Commitment.AnchorHeight = 6
			return m
		}, wantErr: types.ErrWrongAccount},
		{name: "an opening that does not open (balance changed)", msg: func(c *wChild) *types.MsgForceWithdrawal {
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.Opening.Balance = 1_000
			return m
		}, wantErr: types.ErrWrongAccount},
		{name: "the child's pending withdrawals at the bound", before: func(*wChild) {
			s.Require().NoError(s.keeper.WithdrawalPending.Set(s.env.Ctx, 1, types.MaxPendingForcedWithdrawals))
		}, wantErr: types.ErrForcedQueueFull},
		{name: "unknown child", msg: func(c *wChild) *types.MsgForceWithdrawal {
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.ChildIndex = 2
			return m
		}, wantErr: types.ErrUnknownChild},
		{name: "frozen child", before: func(*wChild) {
			child, err := s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().NoError(err)
			child.Status = types.ChildStatus_CHILD_STATUS_FROZEN
			s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, 1, child))
		}, wantErr: types.ErrChildFrozen},
		{name: "replay of the same signed op", before: func(c *wChild) {
			_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, c.withdrawOp(s, 0, 30, 0)))
			s.Require().NoError(err)
		}, wantErr: types.ErrWithdrawalReplayed},
		{name: "requester cannot pay the fee", msg: func(c *wChild) *types.MsgForceWithdrawal {
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.Requester = sdk.AccAddress([]byte("penniless-requester0")).String()
			return m
		}, wantErr: nil}, // the bank's own error; checked below by "nothing stored"
		{name: "bad requester address", msg: func(c *wChild) *types.MsgForceWithdrawal {
			m := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			m.Requester = "nobody"
			return m
		}, wantErr: types.ErrInvalidAddress},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			c := s.withdrawalChild()
			if tc.before != nil {
				tc.before(c)
			}
			burnt := s.bank.burnt
			stored := s.countWithdrawals()
			msg := s.forceMsg(c, c.withdrawOp(s, 0, 30, 0))
			if tc.msg != nil {
				msg = tc.msg(c)
			}
			_, err := s.msgs.ForceWithdrawal(s.env.Ctx, msg)
			s.Require().Error(err)
			if tc.wantErr != nil {
				s.Require().ErrorIs(err, tc.wantErr)
			}
			s.Require().Equal(stored, s.countWithdrawals(), "nothing queued")
			s.Require().Equal(burnt, s.bank.burnt, "no fee taken")
		})
	}
}

// countWithdrawals counts child 1's forced-withdrawal records.
func (s *KeeperTestSuite) countWithdrawals() int {
	n := 0
	s.Require().NoError(s.keeper.ForcedWithdrawals.Walk(s.env.Ctx, nil,
		func(collections.Pair[uint32, uint64], types.ForcedWithdrawal) (bool, error) {
			n++
			return false, nil
		}))
	return n
}

// wFixture is a queued withdrawal with what a test proves it with.
type wFixture struct {
	c        *wChild
	seq      uint64
	inc      *types.WithdrawalInclusion // the inclusion of its message (nil: not executed)
	noOp     *types.AccountOpening      // an opening to show as a no-op (nil: none)
	otherSeq uint64                     // a second withdrawal, if any
}

// wExecuted: alice forces 30 (sequence 1), the child executes it at outbox position 0, the
// parent accepts that state at anchor 6.
func (s *KeeperTestSuite) wExecuted() *wFixture {
	c := s.withdrawalChild()
	op := c.withdrawOp(s, 0, 30, 0)
	tree, size := c.queuedOutbox(s)
	_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, op))
	s.Require().NoError(err)
	s.Require().NoError(c.state.Apply(op))
	s.acceptChild(c, 6)
	return &wFixture{c: c, seq: 1, inc: c.inclusion(s, 0, tree, size)}
}

// wIgnored: alice forces amount (sequence 1), the parent accepts an unchanged state at anchor 6;
// noOp opens account `open` under it.
func (s *KeeperTestSuite) wIgnored(amount, open uint64) *wFixture {
	c := s.withdrawalChild()
	_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, c.withdrawOp(s, 0, amount, 0)))
	s.Require().NoError(err)
	s.acceptChild(c, 6)
	o := s.accountOpening(c.state, c.fields, open)
	return &wFixture{c: c, seq: 1, noOp: &o}
}

// wStaleNoOp: alice has 100 at anchor 5, receives 90 (accepted at 6), then forces 150: noOp is
// her account at anchor 5 (100 < 150), a state from before the queueing.
func (s *KeeperTestSuite) wStaleNoOp() *wFixture {
	c := s.withdrawalChild()
	stale := s.accountOpening(c.state, c.fields, 0)
	s.Require().NoError(c.state.Fund(aliceSelf, wAsset, 90)) // alice receives 90 (a mint, as far as this test goes)
	s.acceptChild(c, 6)
	_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, c.withdrawOp(s, 0, 150, 0)))
	s.Require().NoError(err)
	return &wFixture{c: c, seq: 1, noOp: &stale}
}

// wReusedMessage: alice sent 30 to herself on the root (nonce 0), executed and accepted at 6,
// then forces an identical withdrawal (nonce 1), accepted unexecuted at 7: inc proves the earlier
// message, the same preimage at position 0, appended before the queueing.
func (s *KeeperTestSuite) wReusedMessage() *wFixture {
	c := s.withdrawalChild()
	s.Require().NoError(c.state.Apply(c.withdrawOp(s, 0, 30, 0)))
	s.acceptChild(c, 6)
	tree, size := c.queuedOutbox(s)
	_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, c.withdrawOp(s, 0, 30, 1)))
	s.Require().NoError(err)
	s.acceptChild(c, 7)
	return &wFixture{c: c, seq: 1, inc: c.inclusion(s, 0, tree, size)}
}

// wTwoIdentical: alice forces two withdrawals of 30 (nonces 0 and 1, one message preimage but
// for the position); the child executes only the first, at position 0, accepted at 6, and inc
// has proven sequence 1 with it.
func (s *KeeperTestSuite) wTwoIdentical() *wFixture {
	c := s.withdrawalChild()
	first := c.withdrawOp(s, 0, 30, 0)
	tree, size := c.queuedOutbox(s)
	for _, op := range []ledger.Op{first, c.withdrawOp(s, 0, 30, 1)} {
		_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, op))
		s.Require().NoError(err)
	}
	s.Require().NoError(c.state.Apply(first))
	s.acceptChild(c, 6)
	inc := c.inclusion(s, 0, tree, size)
	_, err := s.prove(1, inc, nil)
	s.Require().NoError(err)
	return &wFixture{c: c, seq: 2, inc: inc}
}

// TestProveForcedWithdrawalRejections: a proof that does not show this withdrawal executed after
// its queueing, or its op unexecutable in a state after its queueing, is refused and leaves the
// withdrawal pending. Each case fails if the check it names is removed.
func (s *KeeperTestSuite) TestProveForcedWithdrawalRejections() {
	cases := []struct {
		name    string
		setup   func() *wFixture
		edit    func(f *wFixture) // changes the proof (nil: as set up)
		wantErr error
		wantMsg string
	}{
		{name: "valid inclusion", setup: s.wExecuted},
		{name: "valid no-op", setup: func() *wFixture { return s.wIgnored(500, 0) }},
		{name: "neither proof", setup: s.wExecuted, edit: func(f *wFixture) { f.inc = nil },
			wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "exactly one"},
		{name: "both proofs", setup: s.wExecuted, edit: func(f *wFixture) {
			o := s.accountOpening(f.c.state, f.c.fields, 0)
			f.noOp = &o
		}, wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "exactly one"},
		{name: "unknown withdrawal", setup: s.wExecuted, edit: func(f *wFixture) { f.seq = 9 }, wantErr: types.ErrUnknownWithdrawal},
		{name: "a commitment the parent never accepted", setup: s.wExecuted, edit: func(f *wFixture) {
			f.inc.Commitment.AnchorCommitment = payload(4242)
		}, wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "not child 1's accepted commitment"},
		{name: "a path to another item", setup: s.wExecuted, edit: func(f *wFixture) {
			f.inc.Siblings = append([][]byte{payload(77)}, f.inc.Siblings[1:]...)
		}, wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "not in the outbox"},
		{name: "a wrong opening of the queued outbox root", setup: s.wExecuted, edit: func(f *wFixture) {
			f.inc.QueuedOutboxTreeRoot = payload(1)
		}, wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "queued outbox root"},
		{name: "a message appended before the queueing", setup: s.wReusedMessage,
			wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "appended before the withdrawal was queued"},
		{name: "one message proving two withdrawals", setup: s.wTwoIdentical,
			wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "already proved another"},
		{name: "the no-op of an account that can pay", setup: func() *wFixture { return s.wIgnored(30, 0) },
			wantErr: types.ErrWithdrawalExecutable},
		{name: "a no-op opening of another account", setup: func() *wFixture { return s.wIgnored(500, 1) },
			wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "opening of account 1"},
		{name: "a no-op shown by a state from before the queueing", setup: s.wStaleNoOp,
			wantErr: types.ErrInvalidWithdrawalProof, wantMsg: "not after 6"},
		{name: "frozen child", setup: s.wExecuted, edit: func(*wFixture) {
			child, err := s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().NoError(err)
			child.Status = types.ChildStatus_CHILD_STATUS_FROZEN
			s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, 1, child))
		}, wantErr: types.ErrChildFrozen},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			f := tc.setup()
			if f.inc != nil {
				c := *f.inc
				c.Siblings = append([][]byte(nil), f.inc.Siblings...)
				f.inc = &c
			}
			if tc.edit != nil {
				tc.edit(f)
			}
			_, err := s.prove(f.seq, f.inc, f.noOp)
			if tc.wantErr == nil {
				s.Require().NoError(err)
				return
			}
			s.Require().ErrorIs(err, tc.wantErr)
			s.Require().ErrorContains(err, tc.wantMsg)
			if w, err := s.keeper.GetForcedWithdrawal(s.env.Ctx, 1, f.seq); err == nil {
				s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING, w.Status, "still pending")
			}
		})
	}
}

// TestForcedWithdrawalReopenedByRollback: a withdrawal proven by a commitment that an emergency
// re-election rolls back (DESIGN §9) is pending again with a fresh deadline: the elected operator,
// restarting from the finalized state, must process it anew. One proven by the finalized state
// itself stays proven, its outbox position spent.
func (s *KeeperTestSuite) TestForcedWithdrawalReopenedByRollback() {
	f := s.wExecuted() // sequence 1 EXECUTED at 6, position 0
	c := f.c
	_, err := s.prove(1, f.inc, nil)
	s.Require().NoError(err)
	finalAt6 := c.commitmentHash(s)
	_, err = s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, c.withdrawOp(s, 0, 500, 1))) // sequence 2, queued at 6
	s.Require().NoError(err)
	s.acceptChild(c, 7)
	opening := s.accountOpening(c.state, c.fields, 0)
	_, err = s.prove(2, nil, &opening) // NO_OP at 7: 70 < 500
	s.Require().NoError(err)
	s.Require().Zero(s.pendingDeadlines())

	s.accept.finalized = finalAt6 // the state at 6 is the child's finalized one
	s.env.Ctx = s.env.Ctx.WithBlockHeight(20)
	_, _, err = s.keeper.InstallOperator(s.env.Ctx, 1, s.operator(3).String(), payload(6), 0)
	s.Require().NoError(err)

	w := s.withdrawal(2)
	s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_PENDING, w.Status, "proven by a dropped state: pending again")
	s.Require().Equal(uint64(20+types.DefaultForcedOpDeadline), w.Deadline, "with a deadline counted from the rollback")
	s.Require().Empty(w.NoOpReason)
	s.Require().Equal(1, s.pendingDeadlines())
	s.Require().Equal(types.ForcedWithdrawalStatus_FORCED_WITHDRAWAL_STATUS_EXECUTED, s.withdrawal(1).Status, "proven by the finalized state: kept")
	spent, err := s.keeper.WithdrawalPositions.Has(s.env.Ctx, collections.Join(uint32(1), uint64(0)))
	s.Require().NoError(err)
	s.Require().True(spent)

	// the elected operator continues from the state at 6 and shows the no-op again
	s.acceptChild(c, 8)
	opening = s.accountOpening(c.state, c.fields, 0)
	_, err = s.prove(2, nil, &opening)
	s.Require().NoError(err)
}

// TestForcedWithdrawalGenesisRoundTrip: pending, executed and no-op withdrawals export and import
// unchanged, with their indexes rebuilt: the imported chain refuses the replay, keeps the
// pending deadline and the spent position.
func (s *KeeperTestSuite) TestForcedWithdrawalGenesisRoundTrip() {
	f := s.wTwoIdentical() // sequence 1 EXECUTED at position 0, sequence 2 pending
	opening := s.accountOpening(f.c.state, f.c.fields, 0)
	_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(f.c, f.c.withdrawOp(s, 0, 500, 1))) // sequence 3
	s.Require().NoError(err)
	_, err = s.prove(3, nil, &opening)
	s.Require().ErrorIs(err, types.ErrInvalidWithdrawalProof, "the state at 6 is the one sequence 3 was queued at")
	s.acceptChild(f.c, 7)
	opening = s.accountOpening(f.c.state, f.c.fields, 0)
	_, err = s.prove(3, nil, &opening)
	s.Require().NoError(err)

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Len(exported.ForcedWithdrawals, 3)
	ctx, k := s.requireImportsAs(exported)
	for _, check := range []struct {
		name string
		has  func() (bool, error)
	}{
		{"replay key of sequence 2", func() (bool, error) {
			return k.WithdrawalOps.Has(ctx, collections.Join(uint32(1), exported.ForcedWithdrawals[1].OpHash))
		}},
		{"deadline of pending sequence 2", func() (bool, error) {
			return k.WithdrawalDeadlines.Has(ctx, collections.Join3(exported.ForcedWithdrawals[1].Deadline, uint32(1), uint64(2)))
		}},
		{"spent position 0", func() (bool, error) { return k.WithdrawalPositions.Has(ctx, collections.Join(uint32(1), uint64(0))) }},
		{"proven anchor of sequence 3", func() (bool, error) {
			return k.WithdrawalProven.Has(ctx, collections.Join3(uint32(1), uint64(7), uint64(3)))
		}},
	} {
		has, err := check.has()
		s.Require().NoError(err)
		s.Require().True(has, check.name)
	}
	next, err := k.NextWithdrawalSeq.Get(ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(uint64(4), next)
	pending, err := k.WithdrawalPending.Get(ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), pending)
}

// TestDeregisterRefusedWithPendingWithdrawal: a child whose users wait for a forced withdrawal
// cannot be deregistered (its bond would leave with their recourse).
func (s *KeeperTestSuite) TestDeregisterRefusedWithPendingWithdrawal() {
	c := s.withdrawalChild()
	_, err := s.msgs.ForceWithdrawal(s.env.Ctx, s.forceMsg(c, c.withdrawOp(s, 0, 30, 0)))
	s.Require().NoError(err)
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(1).String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrPendingForcedOps)
	s.Require().ErrorContains(err, "pending forced withdrawals")
}
