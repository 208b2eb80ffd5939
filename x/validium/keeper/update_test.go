package keeper_test

import (
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// ledgerParams are small parameters so a real proof takes about a second; its two claim
// sections prove messages sent by this (root) chain itself (no hops below the anchor's record).
var ledgerParams = ledger.Params{AccountDepth: 4, OutboxDepth: 3, BatchSize: 2, ClaimSlots: 2, InclusionDepth: 0}

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

var (
	transferOnce sync.Once
	transferSys  ledgerSystem
	transferErr  error
)

// ledgerKeys is the claim circuit at ledgerParams.
func (s *KeeperTestSuite) ledgerKeys() ledgerSystem {
	ledgerOnce.Do(func() { ledgerSys, ledgerErr = newLedgerSystem(ledgerParams) })
	s.Require().NoError(ledgerErr)
	return ledgerSys
}

// transferKeys is the transfer circuit (no claim sections) at ledgerParams.
func (s *KeeperTestSuite) transferKeys() ledgerSystem {
	transferOnce.Do(func() { transferSys, transferErr = newLedgerSystem(ledgerParams.Transfer()) })
	s.Require().NoError(transferErr)
	return transferSys
}

// newLedgerSystem compiles the ledger circuit at p and runs a random (test-only) setup.
func newLedgerSystem(p ledger.Params) (ledgerSystem, error) {
	ccs, err := ledger.Compile(p)
	if err != nil {
		return ledgerSystem{}, err
	}
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		return ledgerSystem{}, err
	}
	vkBytes, err := keys.MarshalVerifyingKey(vk)
	return ledgerSystem{ccs: ccs, pk: pk, vk: vkBytes}, err
}

// anchorBook is this (root) chain's history of own commitments, at the declared root heights, as
// children anchor to them. Each is a real commitment record whose outbox holds the messages this
// chain sent before it was sealed (on first use), so children can claim them under it: a
// claim's inclusion path is the record itself (DESIGN §7.2, zero hops). Sealing stores the record
// with x/tree as the root's own commitment at that height, where x/validium's checkAnchor finds it.
type anchorBook struct {
	sent     []inclusion.Message // this chain's outbox, in order
	declared map[uint64]bool
	sealed   map[uint64]sealedRoot
	record   func(h uint64, c commitment.Commitment) // stores a sealed record with x/tree
}

// sealedRoot is the root record at one height and how many sent messages its outbox holds.
type sealedRoot struct {
	record commitment.Commitment
	size   int
}

// newAnchors declares the root heights children may anchor to; sealing one stores it with x/tree.
func (s *KeeperTestSuite) newAnchors(heights ...uint64) *anchorBook {
	b := &anchorBook{declared: map[uint64]bool{}, sealed: map[uint64]sealedRoot{}, record: func(h uint64, c commitment.Commitment) {
		s.Require().NoError(s.stack.tree.Commitments.Set(s.env.Ctx, int64(h), treetypes.OwnCommitment{
			Height: int64(h), Commitment: hash.EncodeElement(c.Hash()), Fields: slushtypes.NewCommitmentFields(c),
		}))
		// and as a chain below the root knows it (its parent sync), for tests of a non-root chain
		s.Require().NoError(s.stack.tree.RootHistory.Set(s.env.Ctx, h, hash.EncodeElement(c.Hash())))
	}}
	for _, h := range heights {
		b.declare(h)
	}
	return b
}

// declare makes h a root height this chain knows (its record is sealed on first use).
func (b *anchorBook) declare(h uint64) { b.declared[h] = true }

// send appends m to this chain's outbox (a bridge-out, or the burn of a forced deposit).
func (b *anchorBook) send(m inclusion.Message) { b.sent = append(b.sent, m) }

// outbox is an accumulator of the first n sent messages.
func (b *anchorBook) outbox(n int) (*smt.Accumulator, error) {
	acc, err := smt.NewAccumulator(smt.NewMemStore(), inclusion.AccumulatorDepth)
	if err != nil {
		return nil, err
	}
	for _, m := range b.sent[:n] {
		if _, err := acc.Append(m.Hash()); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// seal fixes the root record at h (once): it commits to everything sent so far.
func (b *anchorBook) seal(h uint64) (sealedRoot, bool, error) {
	if r, ok := b.sealed[h]; ok {
		return r, true, nil
	}
	if !b.declared[h] {
		return sealedRoot{}, false, nil
	}
	acc, err := b.outbox(len(b.sent))
	if err != nil {
		return sealedRoot{}, false, err
	}
	outboxRoot, err := acc.Root()
	if err != nil {
		return sealedRoot{}, false, err
	}
	r := sealedRoot{size: len(b.sent), record: commitment.Commitment{
		LedgerRoot: hash.Uint64(h), OutboxRoot: outboxRoot, ReceiptRoot: smt.EmptyAccumulatorRoot(inclusion.AccumulatorDepth),
		ChildrenRoot: commitment.EmptyChildrenRoot(), FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: h, AcceptanceDigest: hash.Uint64(1),
	}}
	b.sealed[h] = r
	b.record(h, r.record)
	return r, true, nil
}

// anchorAt is the root commitment at a declared root height h (sealing it), as x/tree now knows it.
func (s *KeeperTestSuite) anchorAt(h uint64) []byte {
	r, ok, err := s.anchors.seal(h)
	s.Require().NoError(err)
	s.Require().True(ok, "root height %d is not declared", h)
	known, ok, err := s.stack.tree.RootCommitmentAt(s.env.Ctx, h)
	s.Require().NoError(err)
	s.Require().True(ok)
	s.Require().Equal(hash.EncodeElement(r.record.Hash()), known)
	return known
}

// claimWitnesses proves each claimed message in this chain's outbox under the root record at h.
func (s *KeeperTestSuite) claimWitnesses(h uint64, claims []inclusion.Message) []inclusion.Witness {
	if len(claims) == 0 {
		return nil
	}
	r, ok, err := s.anchors.seal(h)
	s.Require().NoError(err)
	s.Require().True(ok)
	acc, err := s.anchors.outbox(r.size)
	s.Require().NoError(err)
	out := make([]inclusion.Witness, len(claims))
	for i, m := range claims {
		pos := slices.Index(s.anchors.sent[:r.size], m)
		s.Require().GreaterOrEqual(pos, 0, "claim %d was not sent before the root commitment at %d", i, h)
		proof, err := acc.Prove(uint64(pos))
		s.Require().NoError(err)
		out[i] = inclusion.Witness{Root: r.record, Leaf: m.Leaf(), Acc: proof}
	}
	return out
}

// inbound is one message a batch mints, with the inbox source that justifies it, or (op set)
// one of the child's own operations, which consumes no inbox entry.
type inbound struct {
	m   inclusion.Message
	src ledger.Source
	op  *ledger.Op
}

func claimed(m inclusion.Message) inbound  { return inbound{m: m, src: ledger.SourceClaim} }
func forcedIn(m inclusion.Message) inbound { return inbound{m: m, src: ledger.SourceForced} }
func exitIn(m inclusion.Message) inbound   { return inbound{m: m, src: ledger.SourceExit} }
func ownOp(op ledger.Op) inbound           { return inbound{op: &op} }

// apply applies e to st as the child's chain does: its own operation, or the inbox entry then
// its mint.
func (e inbound) apply(st *ledger.State) error {
	if e.op != nil {
		return st.Apply(*e.op)
	}
	if err := st.PushInbox(e.m, e.src); err != nil {
		return err
	}
	return st.Apply(ledger.NewBridgeIn(e.m, e.src))
}

// childLedger is a child's own ledger, driven as its chain and prover would.
type childLedger struct {
	state *ledger.State
	path  []uint8
	vid   fr.Element
	book  *anchorBook
	nonce uint64
	// updates are the bridge-ins of every update built so far, in order (to replay the ledger).
	updates [][]inbound
	// childrenRoot and finalizedChildren are the children roots its commitments carry.
	childrenRoot, finalizedChildren fr.Element
}

func newChildLedger(s *KeeperTestSuite, path []uint8) *childLedger {
	s.Require().NotNil(s.anchors, "declare the anchors first")
	vid := commitment.MustPackVid(path)
	st, err := ledger.NewState(smt.NewMemStore(), vid, ledgerParams)
	s.Require().NoError(err)
	return &childLedger{state: st, path: path, vid: vid, book: s.anchors,
		childrenRoot: commitment.EmptyChildrenRoot(), finalizedChildren: commitment.EmptyChildrenRoot()}
}

// replay is a fresh ledger of the same child after its first n updates (what an elected
// operator restarting from the n-th commitment holds, or a branch to try another update on).
func (c *childLedger) replay(s *KeeperTestSuite, n int) *childLedger {
	r := newChildLedger(s, c.path)
	r.nonce, r.childrenRoot, r.finalizedChildren = c.nonce, c.childrenRoot, c.finalizedChildren
	for _, update := range c.updates[:n] {
		for _, e := range update {
			s.Require().NoError(e.apply(r.state))
		}
		r.updates = append(r.updates, update)
	}
	return r
}

// roots are the ledger's current roots, encoded.
func (c *childLedger) roots(s *KeeperTestSuite) (ledgerRoot, outboxRoot, receiptRoot []byte) {
	r := c.ledgerRoots(s)
	return r.LedgerRoot, r.OutboxRoot, r.ReceiptRoot
}

// ledgerRoots are the ledger's current roots, as a batch starts or ends at them.
func (c *childLedger) ledgerRoots(s *KeeperTestSuite) types.LedgerRoots {
	l, err := c.state.Root()
	s.Require().NoError(err)
	o, err := c.state.OutboxRoot()
	s.Require().NoError(err)
	r, err := c.state.ReceiptRoot()
	s.Require().NoError(err)
	return types.LedgerRoots{LedgerRoot: hash.EncodeElement(l), OutboxRoot: hash.EncodeElement(o), ReceiptRoot: hash.EncodeElement(r)}
}

// message is a message to the owner of seed from this (root) chain, not sent yet.
func (c *childLedger) message(seed string, amount uint64) inclusion.Message {
	c.nonce++
	return inclusion.Message{SrcVid: hash.Uint64(0), DstVid: c.vid, Nonce: c.nonce,
		Recipient: ledger.OwnerHash(ledger.KeyFromSeed([]byte(seed)).PublicKey), AssetID: hash.Uint64(7),
		Amount: amount, Deadline: 1000}
}

// deposit is a message for the owner of seed, sent by this (root) chain to the child: the child
// can claim it under any root commitment sealed after this call, or mint it when it is forced.
func (c *childLedger) deposit(seed string, amount uint64) inclusion.Message {
	m := c.message(seed, amount)
	c.book.send(m)
	return m
}

// depositDue is deposit with the message's deadline: the root height after which it is routed, not claimed.
func (c *childLedger) depositDue(seed string, amount, deadline uint64) inclusion.Message {
	m := c.message(seed, amount)
	m.Deadline = deadline
	c.book.send(m)
	return m
}

// update proves a batch minting each message and returns the MsgSubmitUpdate for it. A message
// this chain has queued for the child is minted as forced, any other as claimed.
func (s *KeeperTestSuite) update(c *childLedger, index uint32, prev []byte, anchor uint64, msgs ...inclusion.Message) *types.MsgSubmitUpdate {
	in := make([]inbound, len(msgs))
	for i, m := range msgs {
		in[i] = claimed(m)
		queued := false
		rng := collections.NewSuperPrefixedTripleRange[uint32, []byte, uint64](index, hash.EncodeElement(m.Hash()))
		s.Require().NoError(s.keeper.ForcedPayloads.Walk(s.env.Ctx, rng, func(collections.Triple[uint32, []byte, uint64]) (bool, error) {
			queued = true
			return true, nil
		}))
		if queued {
			in[i] = forcedIn(m)
		}
	}
	return s.updateWith(c, index, prev, anchor, in...)
}

// updateWith proves one batch minting each entry with its source (claims proven under the root
// commitment at anchor), or none without entries, and returns the MsgSubmitUpdate for it, without
// exit proofs.
func (s *KeeperTestSuite) updateWith(c *childLedger, index uint32, prev []byte, anchor uint64, in ...inbound) *types.MsgSubmitUpdate {
	if len(in) == 0 {
		return s.updateBatches(c, index, prev, anchor)
	}
	return s.updateBatches(c, index, prev, anchor, in)
}

// updateBatches proves each group of entries as one ledger batch, the batches chained root to
// root under the one anchor (DESIGN §5 "Bursts"), and returns the MsgSubmitUpdate carrying them
// (no batch at all: a proof-less update of an unchanged ledger).
func (s *KeeperTestSuite) updateBatches(c *childLedger, index uint32, prev []byte, anchor uint64, groups ...[]inbound) *types.MsgSubmitUpdate {
	return s.provenUpdate(c, index, prev, anchor, s.proveClaimCircuit, groups...)
}

// batchProver proves one batch witness and says whether with the transfer circuit.
type batchProver func(w ledger.Witness) (proof []byte, transfer bool)

// proveClaimCircuit proves w with the claim circuit (ledgerKeys).
func (s *KeeperTestSuite) proveClaimCircuit(w ledger.Witness) ([]byte, bool) {
	sys := s.ledgerKeys()
	proof, _, err := ledger.ProveBatch(sys.ccs, sys.pk, w)
	s.Require().NoError(err)
	return proof, false
}

// proveTransferCircuit proves a claim-free w with the transfer circuit (transferKeys).
func (s *KeeperTestSuite) proveTransferCircuit(w ledger.Witness) ([]byte, bool) {
	sys := s.transferKeys()
	w.Params = w.Params.Transfer()
	proof, _, err := ledger.ProveBatch(sys.ccs, sys.pk, w)
	s.Require().NoError(err)
	return proof, true
}

// provenUpdate is updateBatches with each batch proven by prove.
func (s *KeeperTestSuite) provenUpdate(c *childLedger, index uint32, prev []byte, anchor uint64, prove batchProver, groups ...[]inbound) *types.MsgSubmitUpdate {
	anchorCommitment, err := hash.DecodeElement(s.anchorAt(anchor))
	s.Require().NoError(err)
	msg := &types.MsgSubmitUpdate{Operator: s.operator(byte(index)).String(), ChildIndex: index, PrevCommitment: prev}
	var all []inbound
	for _, in := range groups {
		start := c.ledgerRoots(s)
		b, err := ledger.NewBatchBuilder(c.state)
		s.Require().NoError(err)
		entries := 0
		for _, e := range in {
			if e.op != nil {
				s.Require().NoError(b.Add(*e.op))
				continue
			}
			s.Require().NoError(c.state.PushInbox(e.m, e.src))
			s.Require().NoError(b.Add(ledger.NewBridgeIn(e.m, e.src)))
			msg.InboxEntries = append(msg.InboxEntries, types.InboxEntry{MessageHash: hash.EncodeElement(e.m.Hash()), Source: uint32(e.src)})
			entries++
		}
		w, err := b.Build(anchor, anchorCommitment, s.claimWitnesses(anchor, b.Claims()))
		s.Require().NoError(err)
		proof, transfer := prove(w)
		msg.Batches = append(msg.Batches, types.LedgerBatch{Start: start, End: c.ledgerRoots(s), InboxEntries: uint32(entries), Proof: proof,
			Transfer: transfer})
		all = append(all, in...)
	}
	c.updates = append(c.updates, all)

	roots := c.ledgerRoots(s)
	hist := acceptancetypes.Histogram{{Height: anchor, Count: 1}}
	msg.NewCommitment = slushtypes.CommitmentFields{
		Vid: hash.EncodeElement(c.vid), LedgerRoot: roots.LedgerRoot, OutboxRoot: roots.OutboxRoot, ReceiptRoot: roots.ReceiptRoot,
		ChildrenRoot: hash.EncodeElement(c.childrenRoot), FinalizedChildrenRoot: hash.EncodeElement(c.finalizedChildren),
		AnchorHeight: anchor, AnchorCommitment: s.anchorAt(anchor), AcceptanceDigest: hash.EncodeElement(hist.Digest()),
		OperatorKeyHash: payload(5), Epoch: 0,
	}
	msg.Histogram, msg.Subtree = acceptancetypes.HistogramToProto(hist), 1
	return msg
}

// registerLedgerChild registers child `index` with the ledger circuits' keys (claim and
// transfer) and c's genesis roots.
func (s *KeeperTestSuite) registerLedgerChild(c *childLedger, index byte) {
	lr, or, rr := c.roots(s)
	res, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(index).String(), VerifyingKey: s.ledgerKeys().vk, TransferVerifyingKey: s.transferKeys().vk,
		Bond:              types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: payload(5),
	})
	s.Require().NoError(err)
	s.Require().Equal(uint32(index), res.Index)
}

// setupUpdates declares the anchors 5, 6 and 8, moves to block 10 and registers child 1 with
// the ledger circuit's key.
func (s *KeeperTestSuite) setupUpdates() *childLedger {
	s.anchors = s.newAnchors(5, 6, 8)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	s.registerLedgerChild(c, 1)
	return c
}

// forceDeposit queues a forced deposit of amount to child 1 (its message sent from this chain)
// and returns the message and the queue's answer.
func (s *KeeperTestSuite) forceDeposit(c *childLedger, seed string, amount uint64) (inclusion.Message, *types.MsgForceOperationResponse) {
	m := c.deposit(seed, amount)
	op := fmt.Sprintf("%s-%d", seed, amount)
	s.bridge.fixed[op] = m
	forced, err := s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{
		Depositor: s.operator(50).String(), ChildIndex: 1, Op: []byte(op),
	})
	s.Require().NoError(err)
	return m, forced
}

// TestSubmitUpdateHappyPath proves a real proof of a batch consuming a forced deposit is accepted;
// the child's roots (receipt root included: one receipt per mint), history, children SMT, queue
// and acceptance record all move.
func (s *KeeperTestSuite) TestSubmitUpdateHappyPath() {
	c := s.setupUpdates()
	m, forced := s.forceDeposit(c, "alice", 40)
	s.Require().Equal(hash.EncodeElement(m.Hash()), forced.PayloadHash)
	rootBefore, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	_, _, genesisReceipts := c.roots(s)

	gasBefore := s.env.Ctx.GasMeter().GasConsumed()
	msg := s.update(c, 1, nil, 5, m)
	s.Require().Equal([]types.InboxEntry{{MessageHash: forced.PayloadHash, Source: uint32(ledger.SourceForced)}}, msg.InboxEntries)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.ForcedConsumed)
	params := types.DefaultParams()
	s.Require().GreaterOrEqual(s.env.Ctx.GasMeter().GasConsumed()-gasBefore,
		params.VerifyGasFlat+params.VerifyGasPerPublicInput*types.UpdatePublicInputs, "verification gas charged")

	child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Equal(res.Commitment, child.Child.LatestCommitment)
	_, _, receipts := c.roots(s)
	s.Require().Equal(receipts, child.Child.ReceiptRoot, "the proven receipt root is stored")
	s.Require().NotEqual(genesisReceipts, child.Child.ReceiptRoot, "the mint appended a receipt")
	s.Require().Equal([]types.HistoryEntry{{RootHeight: 5, Commitment: res.Commitment}}, child.History)
	s.Require().Empty(child.ForcedOperations, "the forced deposit was consumed")
	ops, index := s.forcedIndex()
	s.Require().Empty(ops)
	s.Require().Empty(index, "and left the payload index")
	s.Require().Equal([]uint64{5}, s.accept.updates)
	rootAfter, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().False(rootBefore.Equal(&rootAfter), "children SMT updated")

	// the next update chains on the accepted one, claiming a message under the anchor
	next := s.update(c, 1, res.Commitment, 6, c.deposit("bob", 5))
	s.Require().Equal(uint32(ledger.SourceClaim), next.InboxEntries[0].Source)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, next)
	s.Require().NoError(err)
}

// TestSubmitUpdateRejections proves each check of DESIGN §5 fails with its own error and changes nothing.
func (s *KeeperTestSuite) TestSubmitUpdateRejections() {
	c := s.setupUpdates()
	other := newChildLedger(s, []uint8{2})
	s.registerLedgerChild(other, 2)
	// every claimed message is sent before the root commitments it is claimed under
	alice1, alice2, bob3 := c.deposit("alice", 1), c.deposit("alice", 2), other.deposit("bob", 3)
	first, err := s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, alice1))
	s.Require().NoError(err)
	good := s.update(c, 1, first.Commitment, 6, alice2)
	otherFirst := s.update(other, 2, nil, 5, bob3)

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
		{"another child's proof under this child's vid", func(m *types.MsgSubmitUpdate) { m.Batches[0].Proof = otherFirst.Batches[0].Proof }, types.ErrInvalidProof},
		{"proof for another anchor", func(m *types.MsgSubmitUpdate) {
			m.NewCommitment.AnchorHeight, m.NewCommitment.AnchorCommitment = 8, s.anchorAt(8)
			hist := acceptancetypes.Histogram{{Height: 8, Count: 1}}
			m.Histogram, m.NewCommitment.AcceptanceDigest = acceptancetypes.HistogramToProto(hist), hash.EncodeElement(hist.Digest())
		}, types.ErrInvalidProof},
		{"unknown anchor height", func(m *types.MsgSubmitUpdate) { m.NewCommitment.AnchorHeight = 7 }, types.ErrUnknownAnchor},
		{"wrong anchor commitment", func(m *types.MsgSubmitUpdate) { m.NewCommitment.AnchorCommitment = payload(1) }, types.ErrUnknownAnchor},
		{"stale anchor", func(m *types.MsgSubmitUpdate) { m.NewCommitment.AnchorHeight = 5 }, types.ErrStaleAnchor},
		{"field element equal to the modulus", func(m *types.MsgSubmitUpdate) { m.NewCommitment.LedgerRoot = modulus }, slushtypes.ErrInvalidField},
		{"field element above the modulus", func(m *types.MsgSubmitUpdate) { m.NewCommitment.OutboxRoot = aboveModulus }, slushtypes.ErrInvalidField},
		{"short field element", func(m *types.MsgSubmitUpdate) { m.NewCommitment.Vid = m.NewCommitment.Vid[1:] }, slushtypes.ErrInvalidField},
		{"inbox entry above the modulus", func(m *types.MsgSubmitUpdate) { m.InboxEntries[0].MessageHash = aboveModulus }, types.ErrInvalidField},
		{"inbox entry without a source", func(m *types.MsgSubmitUpdate) { m.InboxEntries[0].Source = 0 }, types.ErrInvalidField},
		{"inbox entry with an unknown source", func(m *types.MsgSubmitUpdate) { m.InboxEntries[0].Source = 4 }, types.ErrInvalidField},
		{"inbox source wrapping to a valid byte", func(m *types.MsgSubmitUpdate) { m.InboxEntries[0].Source = 256 + 1 }, types.ErrInvalidField},
		{"claimed entry relabelled as forced (nothing queued)", func(m *types.MsgSubmitUpdate) {
			m.InboxEntries[0].Source = uint32(ledger.SourceForced)
		}, types.ErrUnprovenEntry},
		{"claimed entry relabelled as an exit", func(m *types.MsgSubmitUpdate) {
			m.InboxEntries[0].Source = uint32(ledger.SourceExit)
		}, types.ErrUnprovenEntry},
		{"skipped inbox entry", func(m *types.MsgSubmitUpdate) { m.InboxEntries = nil }, types.ErrBatchEntryCount},
		{"skipped inbox entry, batch count adjusted", func(m *types.MsgSubmitUpdate) {
			m.InboxEntries, m.Batches[0].InboxEntries = nil, 0
		}, types.ErrInvalidProof},
		{"receipt root not the last batch's end", func(m *types.MsgSubmitUpdate) { m.NewCommitment.ReceiptRoot = payload(77) }, types.ErrBatchEndMismatch},
		{"receipt root not the proven one", func(m *types.MsgSubmitUpdate) {
			m.NewCommitment.ReceiptRoot, m.Batches[0].End.ReceiptRoot = payload(77), payload(77)
		}, types.ErrInvalidProof},
		{"receipt root unchanged (the mint's receipt dropped)", func(m *types.MsgSubmitUpdate) {
			child, err := s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().NoError(err)
			m.NewCommitment.ReceiptRoot, m.Batches[0].End.ReceiptRoot = child.ReceiptRoot, child.ReceiptRoot
		}, types.ErrInvalidProof},
		{"finalized children root above the modulus", func(m *types.MsgSubmitUpdate) {
			m.NewCommitment.FinalizedChildrenRoot = aboveModulus
		}, slushtypes.ErrInvalidField},
		{"no finalized children root", func(m *types.MsgSubmitUpdate) { m.NewCommitment.FinalizedChildrenRoot = nil }, slushtypes.ErrInvalidField},
		{"ledger root not the proven one", func(m *types.MsgSubmitUpdate) {
			m.NewCommitment.LedgerRoot, m.Batches[0].End.LedgerRoot = payload(77), payload(77)
		}, types.ErrInvalidProof},
		{"batch end root above the modulus", func(m *types.MsgSubmitUpdate) { m.Batches[0].End.OutboxRoot = aboveModulus }, types.ErrInvalidField},
		{"batch start root short", func(m *types.MsgSubmitUpdate) { m.Batches[0].Start.LedgerRoot = payload(1)[1:] }, types.ErrInvalidField},
		{"histogram not the committed one", func(m *types.MsgSubmitUpdate) { m.Histogram[0].Count = 2 }, types.ErrAcceptanceDigest},
		{"garbage proof bytes", func(m *types.MsgSubmitUpdate) { m.Batches[0].Proof = []byte("garbage") }, types.ErrInvalidProof},
		{"empty proof", func(m *types.MsgSubmitUpdate) { m.Batches[0].Proof = nil }, types.ErrInvalidProof},
		{"flipped proof byte", func(m *types.MsgSubmitUpdate) {
			m.Batches[0].Proof = append([]byte(nil), m.Batches[0].Proof...)
			m.Batches[0].Proof[100] ^= 1
		}, types.ErrInvalidProof},
		{"proof dropped (the ledger moved)", func(m *types.MsgSubmitUpdate) { m.Batches, m.InboxEntries = nil, nil }, types.ErrUnprovenRoots},
		{"too many inbox entries", func(m *types.MsgSubmitUpdate) {
			m.InboxEntries = make([]types.InboxEntry, types.MaxInboxEntriesPerUpdate+1)
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
	c.InboxEntries = append([]types.InboxEntry(nil), m.InboxEntries...)
	c.Batches = append([]types.LedgerBatch(nil), m.Batches...)
	c.Histogram = append([]acceptancetypes.HistogramBucket(nil), m.Histogram...)
	c.Exits = make([]types.ExitProof, len(m.Exits))
	for i, e := range m.Exits {
		c.Exits[i] = cloneExitProof(e)
	}
	c.Forwarded = append([][]byte(nil), m.Forwarded...)
	return &c
}

// TestSubmitUpdateWrongVerifyingKey proves a child registered with another circuit's key cannot update.
func (s *KeeperTestSuite) TestSubmitUpdateWrongVerifyingKey() {
	s.anchors = s.newAnchors(5)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	c := newChildLedger(s, []uint8{1})
	lr, or, rr := c.roots(s)
	_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(1).String(), VerifyingKey: s.vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: payload(5),
	})
	s.Require().NoError(err)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, 5, c.deposit("alice", 1)))
	s.Require().ErrorIs(err, types.ErrInvalidProof)
}

// TestSubmitUpdateFrozenAndExpired proves an update that skips a forced operation past its deadline is
// rejected, EndBlock freezes the child, and a frozen child accepts no update.
func (s *KeeperTestSuite) TestSubmitUpdateFrozenAndExpired() {
	c := s.setupUpdates()
	res, err := s.force(1, 4242)
	s.Require().NoError(err)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline) + 1)
	s.anchors.declare(res.Deadline)
	msg := s.update(c, 1, nil, res.Deadline, c.deposit("alice", 1))
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrForcedOpExpired)

	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrChildFrozen)
}
