package keeper_test

import (
	"context"
	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// ledgerParams are small parameters so a real proof takes about a second.
var ledgerParams = ledger.Params{AccountDepth: 4, OutboxDepth: 3, BatchSize: 2}

// ledgerSystem is the compiled ledger circuit with a (random, test-only) Groth16 setup.
type ledgerSystem struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  []byte
}

var (
	ledgerOnce sync.Once
	ledgerSys  ledgerSystem
	ledgerErr  error
)

func (s *KeeperTestSuite) ledger() ledgerSystem {
	ledgerOnce.Do(func() {
		ccs, err := ledger.Compile(ledgerParams)
		if err != nil {
			ledgerErr = err
			return
		}
		pk, vk, err := groth16.Setup(ccs)
		if err != nil {
			ledgerErr = err
			return
		}
		vkBytes, err := keys.MarshalVerifyingKey(vk)
		ledgerSys, ledgerErr = ledgerSystem{ccs: ccs, pk: pk, vk: vkBytes}, err
	})
	s.Require().NoError(ledgerErr)
	return ledgerSys
}

// fixedAnchors is the AnchorOracle mock: the root commitments this chain knows.
type fixedAnchors map[uint64][]byte

func (f fixedAnchors) RootCommitmentAt(_ context.Context, h uint64) ([]byte, bool, error) {
	c, ok := f[h]
	return c, ok, nil
}

// childLedger is a child's own ledger, driven as its chain and prover would.
type childLedger struct {
	state *ledger.State
	vid   fr.Element
	nonce uint64
}

func newChildLedger(s *KeeperTestSuite, path []uint8) *childLedger {
	vid := commitment.MustPackVid(path)
	st, err := ledger.NewState(smt.NewMemStore(), vid, ledgerParams)
	s.Require().NoError(err)
	return &childLedger{state: st, vid: vid}
}

func (c *childLedger) roots(s *KeeperTestSuite) ([]byte, []byte) {
	l, err := c.state.Root()
	s.Require().NoError(err)
	o, err := c.state.OutboxRoot()
	s.Require().NoError(err)
	return hash.EncodeElement(l), hash.EncodeElement(o)
}

// deposit is a forced-in message for the owner of seed, from the parent.
func (c *childLedger) deposit(seed string, amount uint64) inclusion.Message {
	c.nonce++
	return inclusion.Message{SrcVid: hash.Uint64(0), DstVid: c.vid, Nonce: c.nonce,
		Recipient: ledger.OwnerHash(ledger.KeyFromSeed([]byte(seed)).PublicKey), AssetID: hash.Uint64(7),
		Amount: amount, Deadline: 1000}
}

// update proves a batch minting each message and returns the MsgSubmitUpdate for it.
func (s *KeeperTestSuite) update(c *childLedger, index uint32, prev []byte, anchor uint64, msgs ...inclusion.Message) *types.MsgSubmitUpdate {
	sys := s.ledger()
	b, err := ledger.NewBatchBuilder(c.state)
	s.Require().NoError(err)
	entries := make([][]byte, len(msgs))
	for i, m := range msgs {
		s.Require().NoError(c.state.PushInbox(m))
		s.Require().NoError(b.Add(ledger.NewBridgeIn(m)))
		entries[i] = hash.EncodeElement(m.Hash())
	}
	anchorCommitment, err := hash.DecodeElement(s.anchors[anchor])
	s.Require().NoError(err)
	w, err := b.Build(anchor, anchorCommitment)
	s.Require().NoError(err)
	proofBytes, _, err := ledger.ProveBatch(sys.ccs, sys.pk, w)
	s.Require().NoError(err)

	hist := acceptancetypes.Histogram{{Height: anchor, Count: 1}}
	return &types.MsgSubmitUpdate{
		Operator:       s.operator(byte(index)).String(),
		ChildIndex:     index,
		PrevCommitment: prev,
		NewCommitment: types.CommitmentFields{
			Vid: hash.EncodeElement(c.vid), LedgerRoot: hash.EncodeElement(w.Public.NewLedgerRoot),
			OutboxRoot: hash.EncodeElement(w.Public.NewOutbox), ReceiptRoot: payload(3), ChildrenRoot: payload(4),
			AnchorHeight: anchor, AnchorCommitment: s.anchors[anchor], AcceptanceDigest: hash.EncodeElement(hist.Digest()),
			OperatorKeyHash: payload(5), Epoch: 0,
		},
		InboxEntries: entries,
		Histogram:    acceptancetypes.HistogramToProto(hist),
		Subtree:      1,
		Proof:        proofBytes,
	}
}

// registerLedgerChild registers child `index` with the ledger circuit's key and c's genesis roots.
func (s *KeeperTestSuite) registerLedgerChild(c *childLedger, index byte) {
	lr, or := c.roots(s)
	res, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(index).String(), VerifyingKey: s.ledger().vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, OperatorKeyHash: payload(5),
	})
	s.Require().NoError(err)
	s.Require().Equal(uint32(index), res.Index)
}

func (s *KeeperTestSuite) setupUpdates() *childLedger {
	s.anchors = fixedAnchors{5: payload(555), 6: payload(666), 8: payload(888)}
	s.keeper.SetAnchorOracle(s.anchors)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	s.registerLedgerChild(c, 1)
	return c
}

// TestSubmitUpdateHappyPath: a real proof of a batch consuming a forced deposit is accepted;
// the child's roots, history, children SMT, queue and acceptance record all move.
func (s *KeeperTestSuite) TestSubmitUpdateHappyPath() {
	c := s.setupUpdates()
	m := c.deposit("alice", 40)
	s.deposit.fixed["alice-40"] = m
	forced, err := s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{
		Depositor: s.operator(50).String(), ChildIndex: 1, Op: []byte("alice-40"),
	})
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(m.Hash()), forced.PayloadHash)
	rootBefore, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)

	gasBefore := s.env.Ctx.GasMeter().GasConsumed()
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, m))
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.ForcedConsumed)
	params := types.DefaultParams()
	s.Require().GreaterOrEqual(s.env.Ctx.GasMeter().GasConsumed()-gasBefore,
		params.VerifyGasFlat+params.VerifyGasPerPublicInput*types.UpdatePublicInputs, "verification gas charged")

	child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Equal(res.Commitment, child.Child.LatestCommitment)
	s.Require().Equal([]types.HistoryEntry{{RootHeight: 5, Commitment: res.Commitment}}, child.History)
	s.Require().Empty(child.ForcedOperations, "the forced deposit was consumed")
	ops, index := s.forcedIndex()
	s.Require().Empty(ops)
	s.Require().Empty(index, "and left the payload index")
	s.Require().Equal([]uint64{5}, s.accept.updates)
	rootAfter, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().False(rootBefore.Equal(&rootAfter), "children SMT updated")

	// the next update chains on the accepted one
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, res.Commitment, 6, c.deposit("bob", 5)))
	s.Require().NoError(err)
}

// TestSubmitUpdateRejections: each check of DESIGN §5 fails with its own error and changes nothing.
func (s *KeeperTestSuite) TestSubmitUpdateRejections() {
	c := s.setupUpdates()
	first, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, c.deposit("alice", 1)))
	s.Require().NoError(err)
	good := s.update(c, 1, first.Commitment, 6, c.deposit("alice", 2))

	other := newChildLedger(s, []uint8{2})
	s.registerLedgerChild(other, 2)
	otherFirst := s.update(other, 2, nil, 5, other.deposit("bob", 3))

	modulus := make([]byte, 32)
	fr.Modulus().FillBytes(modulus)
	aboveModulus := make([]byte, 32)
	new(big.Int).Add(fr.Modulus(), big.NewInt(1)).FillBytes(aboveModulus)

	cases := []struct {
		name    string
		edit    func(m *types.MsgSubmitUpdate)
		wantErr error
	}{
		{"unregistered child", func(m *types.MsgSubmitUpdate) { m.ChildIndex = 3 }, types.ErrUnknownChild},
		{"wrong operator", func(m *types.MsgSubmitUpdate) { m.Operator = s.operator(9).String() }, types.ErrWrongOperator},
		{"replayed (stale prev)", func(m *types.MsgSubmitUpdate) { m.PrevCommitment = nil }, types.ErrStalePrev},
		{"forked prev", func(m *types.MsgSubmitUpdate) { m.PrevCommitment = payload(12345) }, types.ErrStalePrev},
		{"proof for another child", func(m *types.MsgSubmitUpdate) {
			*m = *otherFirst
			m.ChildIndex, m.Operator, m.PrevCommitment = 1, s.operator(1).String(), first.Commitment
		}, types.ErrWrongVid},
		{"another child's proof under this child's vid", func(m *types.MsgSubmitUpdate) { m.Proof = otherFirst.Proof }, types.ErrInvalidProof},
		{"proof for another anchor", func(m *types.MsgSubmitUpdate) {
			m.NewCommitment.AnchorHeight, m.NewCommitment.AnchorCommitment = 8, s.anchors[8]
			hist := acceptancetypes.Histogram{{Height: 8, Count: 1}}
			m.Histogram, m.NewCommitment.AcceptanceDigest = acceptancetypes.HistogramToProto(hist), hash.EncodeElement(hist.Digest())
		}, types.ErrInvalidProof},
		{"unknown anchor height", func(m *types.MsgSubmitUpdate) { m.NewCommitment.AnchorHeight = 7 }, types.ErrUnknownAnchor},
		{"wrong anchor commitment", func(m *types.MsgSubmitUpdate) { m.NewCommitment.AnchorCommitment = payload(1) }, types.ErrUnknownAnchor},
		{"stale anchor", func(m *types.MsgSubmitUpdate) { m.NewCommitment.AnchorHeight = 5 }, types.ErrStaleAnchor},
		{"field element equal to the modulus", func(m *types.MsgSubmitUpdate) { m.NewCommitment.LedgerRoot = modulus }, types.ErrInvalidField},
		{"field element above the modulus", func(m *types.MsgSubmitUpdate) { m.NewCommitment.OutboxRoot = aboveModulus }, types.ErrInvalidField},
		{"short field element", func(m *types.MsgSubmitUpdate) { m.NewCommitment.Vid = m.NewCommitment.Vid[1:] }, types.ErrInvalidField},
		{"inbox entry above the modulus", func(m *types.MsgSubmitUpdate) { m.InboxEntries = [][]byte{aboveModulus} }, types.ErrInvalidField},
		{"skipped inbox entry", func(m *types.MsgSubmitUpdate) { m.InboxEntries = nil }, types.ErrInvalidProof},
		{"ledger root not the proven one", func(m *types.MsgSubmitUpdate) { m.NewCommitment.LedgerRoot = payload(77) }, types.ErrInvalidProof},
		{"histogram not the committed one", func(m *types.MsgSubmitUpdate) { m.Histogram[0].Count = 2 }, types.ErrAcceptanceDigest},
		{"garbage proof bytes", func(m *types.MsgSubmitUpdate) { m.Proof = []byte("garbage") }, types.ErrInvalidProof},
		{"empty proof", func(m *types.MsgSubmitUpdate) { m.Proof = nil }, types.ErrInvalidProof},
		{"flipped proof byte", func(m *types.MsgSubmitUpdate) {
			m.Proof = append([]byte(nil), m.Proof...)
			m.Proof[100] ^= 1
		}, types.ErrInvalidProof},
		{"too many inbox entries", func(m *types.MsgSubmitUpdate) {
			m.InboxEntries = make([][]byte, types.MaxInboxEntriesPerUpdate+1)
		}, types.ErrTooManyInboxEntries},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			before, err := s.keeper.ExportGenesis(s.env.Ctx)
			s.Require().NoError(err)
			msg := cloneUpdate(good)
			tc.edit(msg)
			_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
			s.Require().ErrorIs(err, tc.wantErr)
			after, err := s.keeper.ExportGenesis(s.env.Ctx)
			s.Require().NoError(err)
			s.Require().Equal(before, after, "a rejected update changes nothing")
		})
	}
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, good)
	s.Require().NoError(err, "the unedited update still goes through")
}

func cloneUpdate(m *types.MsgSubmitUpdate) *types.MsgSubmitUpdate {
	c := *m
	c.InboxEntries = append([][]byte(nil), m.InboxEntries...)
	c.Histogram = append([]acceptancetypes.HistogramBucket(nil), m.Histogram...)
	return &c
}

// TestSubmitUpdateWrongVerifyingKey: a child registered with another circuit's key cannot update.
func (s *KeeperTestSuite) TestSubmitUpdateWrongVerifyingKey() {
	s.anchors = fixedAnchors{5: payload(555)}
	s.keeper.SetAnchorOracle(s.anchors)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	lr, or := c.roots(s)
	_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(1).String(), VerifyingKey: s.vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, OperatorKeyHash: payload(5),
	})
	s.Require().NoError(err)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, c.deposit("alice", 1)))
	s.Require().ErrorIs(err, types.ErrInvalidProof)
}

// TestSubmitUpdateFrozenAndExpired: an update that skips a forced operation past its deadline is
// rejected, EndBlock freezes the child, and a frozen child accepts no update.
func (s *KeeperTestSuite) TestSubmitUpdateFrozenAndExpired() {
	c := s.setupUpdates()
	res, err := s.force(1, 4242)
	s.Require().NoError(err)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline) + 1)
	s.anchors[res.Deadline] = payload(999)
	msg := s.update(c, 1, nil, res.Deadline, c.deposit("alice", 1))
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrForcedOpExpired)

	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrChildFrozen)
}
