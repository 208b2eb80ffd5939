package keeper_test

import (
	"crypto/sha256"
	"fmt"

	storetypes "cosmossdk.io/store/types"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/validium/types"
)

// proofGas is the verification gas of one ledger batch proof at the default params.
func proofGas() uint64 {
	p := types.DefaultParams()
	return p.VerifyGasFlat + p.VerifyGasPerPublicInput*types.UpdatePublicInputs
}

// submitOnBranch runs msg on a discarded branch with an unbounded gas meter (the params edited
// first, if edit is set) and returns the gas it consumed.
func (s *KeeperTestSuite) submitOnBranch(msg *types.MsgSubmitUpdate, edit func(*types.Params)) (uint64, error) {
	branch, _ := s.env.Ctx.CacheContext()
	branch = branch.WithGasMeter(storetypes.NewInfiniteGasMeter())
	if edit != nil {
		p, err := s.keeper.Params.Get(branch)
		s.Require().NoError(err)
		edit(&p)
		s.Require().NoError(s.keeper.Params.Set(branch, p))
	}
	_, err := s.msgs.SubmitUpdate(branch, msg)
	return branch.GasMeter().GasConsumed(), err
}

// TestSubmitUpdateBatches proves a burst of five claimed mints, more than one batch holds (batch
// size 2), is accepted in one update carrying three batch proofs chained root to root under its
// one anchor (DESIGN §5 "Bursts"), and that every break of the chain is refused with its own
// error: the stateless ones before any gas is charged for proofs, the proofs themselves only after
// the gas of all of them is.
func (s *KeeperTestSuite) TestSubmitUpdateBatches() {
	c := s.setupUpdates()
	in := make([]inbound, 5)
	for i := range in {
		in[i] = claimed(c.deposit(fmt.Sprintf("user %d", i), uint64(i+1)))
	}
	good := s.updateBatches(c, 1, nil, 5, in[0:2], in[2:4], in[4:5])
	s.Require().Len(good.Batches, 3)
	s.Require().Len(good.InboxEntries, 5)
	all := 3 * proofGas()

	cases := []struct {
		name    string
		edit    func(m *types.MsgSubmitUpdate)
		params  func(p *types.Params)
		wantErr error
		charged bool // the gas of every proof was charged (else none was)
	}{
		{"a batch not starting where the previous ended", func(m *types.MsgSubmitUpdate) {
			m.Batches[1].Start = m.Batches[0].Start
		}, nil, types.ErrBatchChainBroken, false},
		{"batches out of order", func(m *types.MsgSubmitUpdate) {
			m.Batches[1], m.Batches[2] = m.Batches[2], m.Batches[1]
		}, nil, types.ErrBatchChainBroken, false},
		{"a batch left out", func(m *types.MsgSubmitUpdate) {
			m.Batches = append(m.Batches[:1:1], m.Batches[2])
			m.InboxEntries = append(m.InboxEntries[:2:2], m.InboxEntries[4])
		}, nil, types.ErrBatchChainBroken, false},
		{"first batch not at the roots held for the child", func(m *types.MsgSubmitUpdate) {
			m.Batches, m.InboxEntries = m.Batches[1:], m.InboxEntries[2:]
		}, nil, types.ErrBatchChainBroken, false},
		{"entry counts above the entries", func(m *types.MsgSubmitUpdate) { m.Batches[2].InboxEntries++ }, nil, types.ErrBatchEntryCount, false},
		{"entry counts below the entries", func(m *types.MsgSubmitUpdate) { m.Batches[0].InboxEntries-- }, nil, types.ErrBatchEntryCount, false},
		{"an entry moved to another batch", func(m *types.MsgSubmitUpdate) {
			m.Batches[0].InboxEntries, m.Batches[1].InboxEntries = 1, 3
		}, nil, types.ErrInvalidProof, true},
		{"last batch not ending at the new roots", func(m *types.MsgSubmitUpdate) {
			m.Batches, m.InboxEntries = m.Batches[:2], m.InboxEntries[:4]
		}, nil, types.ErrBatchEndMismatch, false},
		{"more batches than max_batches_per_update", func(*types.MsgSubmitUpdate) {},
			func(p *types.Params) { p.MaxBatchesPerUpdate = 2 }, types.ErrTooManyBatches, false},
		{"more batches than any update may carry", func(m *types.MsgSubmitUpdate) {
			for len(m.Batches) <= types.MaxBatchesPerUpdateCap {
				m.Batches = append(m.Batches, m.Batches[2])
			}
		}, nil, types.ErrTooManyBatches, false},
		{"a batch that changes nothing", func(m *types.MsgSubmitUpdate) {
			end := m.Batches[2].End
			m.Batches = append(m.Batches, types.LedgerBatch{Start: end, End: end, Proof: m.Batches[2].Proof})
		}, nil, types.ErrEmptyBatch, false},
		{"proofs of two batches swapped", func(m *types.MsgSubmitUpdate) {
			m.Batches[0].Proof, m.Batches[1].Proof = m.Batches[1].Proof, m.Batches[0].Proof
		}, nil, types.ErrInvalidProof, true},
		{"first proof broken", func(m *types.MsgSubmitUpdate) {
			m.Batches[0].Proof = append([]byte(nil), m.Batches[0].Proof...)
			m.Batches[0].Proof[100] ^= 1
		}, nil, types.ErrInvalidProof, true},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			msg := cloneUpdate(good)
			tc.edit(msg)
			gas, err := s.submitOnBranch(msg, tc.params)
			s.Require().ErrorIs(err, tc.wantErr)
			if tc.charged {
				s.Require().GreaterOrEqual(gas, all, "every proof is paid for before any is verified")
			} else {
				s.Require().Less(gas, proofGas(), "refused before any proof is paid for")
			}
		})
	}

	gas, err := s.submitOnBranch(good, func(p *types.Params) { p.MaxBatchesPerUpdate = 3 })
	s.Require().NoError(err, "exactly max_batches_per_update batches")
	s.Require().GreaterOrEqual(gas, all)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, good)
	s.Require().NoError(err)
	s.Require().Equal(uint32(3), res.Batches)
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(good.Batches[2].End, child.HeldRoots(), "the child holds the last batch's roots")
	s.Require().Equal(uint64(5), child.AnchorHeight)

	// the next update starts where the burst ended
	next := s.updateWith(c, 1, res.Commitment, 6, claimed(c.deposit("late", 9)))
	s.Require().Equal(good.Batches[2].End, next.Batches[0].Start)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, next)
	s.Require().NoError(err)
}

// TestSubmitUpdateAnchorBatch proves an update of an unchanged ledger may carry exactly one
// empty batch, its anchor batch (the inner proof a RECURSIVE grandparent's step verifies, issue
// 16): the proof is verified on its statement (another anchor's proof is refused) and paid for;
// an empty batch next to a second one is refused (TestSubmitUpdateBatches).
func (s *KeeperTestSuite) TestSubmitUpdateAnchorBatch() {
	c := s.setupUpdates()
	msg := s.updateBatches(c, 1, nil, 5, []inbound{})
	s.Require().Len(msg.Batches, 1)
	s.Require().Equal(msg.Batches[0].Start, msg.Batches[0].End, "an empty batch")

	other := s.updateBatches(c, 1, nil, 6, []inbound{}) // the same roots, proven under anchor 6
	wrongAnchor := cloneUpdate(msg)
	wrongAnchor.Batches[0].Proof = other.Batches[0].Proof
	gas, err := s.submitOnBranch(wrongAnchor, nil)
	s.Require().ErrorIs(err, types.ErrInvalidProof, "the anchor batch proves this anchor")
	s.Require().GreaterOrEqual(gas, proofGas())

	twice := cloneUpdate(msg)
	twice.Batches = append(twice.Batches, twice.Batches[0])
	_, err = s.submitOnBranch(twice, nil)
	s.Require().ErrorIs(err, types.ErrEmptyBatch, "two empty batches")

	gas, err = s.submitOnBranch(msg, nil)
	s.Require().NoError(err)
	s.Require().GreaterOrEqual(gas, proofGas(), "the anchor batch's proof is paid for")
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint32(1), res.Batches)
}

// TestSubmitUpdateWithoutBatches proves an update of an unchanged ledger carries no proof (DESIGN
// §5 "Bursts"): it is accepted with the held roots and recorded like any other (anchor, history,
// snapshot, children SMT, acceptance), without verification gas; with a moved root, an inbox entry
// or an exit it is refused, and it cannot skip an expired forced operation either.
func (s *KeeperTestSuite) TestSubmitUpdateWithoutBatches() {
	c := s.setupUpdates()
	genesis, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	rootBefore, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	msg := s.update(c, 1, nil, 5)
	s.Require().Empty(msg.Batches)
	gasBefore := s.env.Ctx.GasMeter().GasConsumed()
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Less(s.env.Ctx.GasMeter().GasConsumed()-gasBefore, types.DefaultVerifyGasFlat, "no verification paid")
	s.Require().Zero(res.Batches)
	got, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Equal(res.Commitment, got.Child.LatestCommitment)
	s.Require().Equal(uint64(5), got.Child.AnchorHeight)
	s.Require().Equal(genesis.HeldRoots(), got.Child.HeldRoots())
	s.Require().Equal([]types.HistoryEntry{{RootHeight: 5, Commitment: res.Commitment}}, got.History)
	s.Require().Equal([]uint64{5}, s.accept.updates)
	snap, err := s.keeper.Snapshots.Has(s.env.Ctx, collections.Join(uint32(1), res.Commitment))
	s.Require().NoError(err)
	s.Require().True(snap, "a rollback point like any update's")
	rootAfter, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().False(rootBefore.Equal(&rootAfter), "children SMT updated")

	next := s.update(c, 1, res.Commitment, 6)
	cases := []struct {
		name    string
		edit    func(m *types.MsgSubmitUpdate)
		wantErr error
	}{
		{"ledger root moved", func(m *types.MsgSubmitUpdate) { m.NewCommitment.LedgerRoot = payload(7) }, types.ErrUnprovenRoots},
		{"outbox root moved", func(m *types.MsgSubmitUpdate) { m.NewCommitment.OutboxRoot = payload(7) }, types.ErrUnprovenRoots},
		{"receipt root moved", func(m *types.MsgSubmitUpdate) { m.NewCommitment.ReceiptRoot = payload(7) }, types.ErrUnprovenRoots},
		{"an inbox entry", func(m *types.MsgSubmitUpdate) {
			m.InboxEntries = []types.InboxEntry{{MessageHash: payload(7), Source: 1}}
		}, types.ErrBatchEntryCount},
		{"an exit", func(m *types.MsgSubmitUpdate) { m.Exits = []types.ExitProof{{ChildIndex: 1}} }, types.ErrUnprovenEntry},
		{"anchor not advancing", func(m *types.MsgSubmitUpdate) { m.NewCommitment.AnchorHeight = 5 }, types.ErrStaleAnchor},
		{"replayed", func(m *types.MsgSubmitUpdate) { m.PrevCommitment = nil }, types.ErrStalePrev},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			m := cloneUpdate(next)
			tc.edit(m)
			_, err := s.submitOnBranch(m, nil)
			s.Require().ErrorIs(err, tc.wantErr)
		})
	}
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, next)
	s.Require().NoError(err)

	// an unconsumed forced operation past its deadline refuses a proof-less update as any other
	forced, err := s.force(1, 4242)
	s.Require().NoError(err)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(forced.Deadline) + 1)
	s.anchors.declare(forced.Deadline)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, res.Commitment, forced.Deadline))
	s.Require().ErrorIs(err, types.ErrForcedOpExpired)
}

// TestSubmitUpdateTransferCircuit proves a batch that claims nothing may be proven with the
// child's transfer circuit (issue 15: the ledger circuit without claim sections, 1.6x faster at
// the production shape) and names it with LedgerBatch.Transfer; that each proof verifies only
// against the key of the circuit it names; and that a child registered without a transfer key
// cannot use one.
func (s *KeeperTestSuite) TestSubmitUpdateTransferCircuit() {
	c := s.setupUpdates()
	m, _ := s.forceDeposit(c, "alice", 40)
	msg := s.provenUpdate(c, 1, nil, 5, s.proveTransferCircuit, []inbound{forcedIn(m)})
	s.Require().True(msg.Batches[0].Transfer)

	cases := []struct {
		name    string
		edit    func(m *types.MsgSubmitUpdate)
		child   func(ch *types.Child)
		wantErr error
	}{
		{"a transfer-circuit proof named as a claim-circuit proof", func(m *types.MsgSubmitUpdate) { m.Batches[0].Transfer = false },
			nil, types.ErrInvalidProof},
		{"a child without a transfer key", nil, func(ch *types.Child) { ch.TransferVerifyingKey = nil }, types.ErrNoTransferKey},
		{"a transfer key that does not parse", nil, func(ch *types.Child) { ch.TransferVerifyingKey = []byte{1, 2, 3} },
			types.ErrInvalidVerifyingKey},
		{"the claim circuit's key registered as the transfer key", nil, func(ch *types.Child) {
			ch.TransferVerifyingKey = ch.VerifyingKey
		}, types.ErrInvalidProof},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			bad := cloneUpdate(msg)
			if tc.edit != nil {
				tc.edit(bad)
			}
			branch, _ := s.env.Ctx.CacheContext()
			if tc.child != nil {
				ch, err := s.keeper.Children.Get(branch, 1)
				s.Require().NoError(err)
				tc.child(&ch)
				s.Require().NoError(s.keeper.Children.Set(branch, 1, ch))
			}
			_, err := s.msgs.SubmitUpdate(branch, bad)
			s.Require().ErrorIs(err, tc.wantErr)
		})
	}

	_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err, "the transfer-circuit proof against the registered transfer key")

	// a claim-circuit proof named as a transfer-circuit proof is refused too
	next := s.update(c, 1, nil, 6, c.deposit("bob", 5))
	s.Require().Equal(uint32(ledger.SourceClaim), next.InboxEntries[0].Source)
	child, err := s.keeper.Children.Get(s.env.Ctx, 1)
	s.Require().NoError(err)
	next.PrevCommitment = child.LatestCommitment
	next.Batches[0].Transfer = true
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, next)
	s.Require().ErrorIs(err, types.ErrInvalidProof)
	next.Batches[0].Transfer = false
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, next)
	s.Require().NoError(err, "the same proof named as the claim circuit's")
}

// TestRegisterChildTreeKeys proves a parent whose params pin the tree's ledger keys (SHA-256 of
// the claim and transfer circuits' verifying keys) registers a child only with exactly those
// keys: a registering operator cannot hold its chain to a circuit of its own choosing.
func (s *KeeperTestSuite) TestRegisterChildTreeKeys() {
	s.anchors = s.newAnchors(5)
	claimKey, transferKey := s.ledgerKeys().vk, s.transferKeys().vk
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	claimSum, transferSum := sha256.Sum256(claimKey), sha256.Sum256(transferKey)
	p.LedgerKeyHash, p.TransferKeyHash = claimSum[:], transferSum[:]
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
	c := newChildLedger(s, []uint8{1})
	lr, or, rr := c.roots(s)
	register := func(vk, transfer []byte) error {
		branch, _ := s.env.Ctx.CacheContext()
		_, err := s.msgs.RegisterChild(branch, &types.MsgRegisterChild{
			Operator: s.operator(1).String(), VerifyingKey: vk, TransferVerifyingKey: transfer, Bond: types.DefaultMinChildBond,
			GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: payload(5),
		})
		return err
	}
	s.Require().ErrorIs(register(s.vk, transferKey), types.ErrUnexpectedVerifyingKey, "another circuit's key")
	s.Require().ErrorIs(register(transferKey, transferKey), types.ErrUnexpectedVerifyingKey, "the transfer key as the claim key")
	s.Require().ErrorIs(register(claimKey, claimKey), types.ErrUnexpectedVerifyingKey, "the claim key as the transfer key")
	s.Require().NoError(register(claimKey, nil), "no transfer key: every batch with the claim circuit")
	s.Require().NoError(register(claimKey, transferKey))
}
