package keeper_test

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	electionkeeper "github.com/slush-tree/slush/x/election/keeper"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// electionRun is x/election over this suite's x/validium (this chain is v's parent p), with the
// liar 1-1's key and the candidate it votes for.
type electionRun struct {
	msgs      electiontypes.MsgServer
	liar      *eddsa.PrivateKey
	candidate electiontypes.Candidate
	candAddr  []byte
	candKey   fr.Element
}

// newElectionRun builds x/election over s.keeper and the stack's x/tree, from its default genesis.
func (s *KeeperTestSuite) newElectionRun() *electionRun {
	e := s.env
	k := electionkeeper.NewKeeper(e.Codec, s.stack.electionStore, e.AddressCodec, e.Authority, s.keeper, s.stack.tree)
	s.Require().NoError(k.InitGenesis(e.Ctx, electiontypes.DefaultGenesisState()))
	addr := []byte("candidate-of-the-liar")
	key := ledger.KeyFromSeed([]byte("candidate"))
	keyHash := electiontypes.OperatorKeyHash(key.PublicKey)
	return &electionRun{
		msgs: electionkeeper.NewMsgServerImpl(&k), liar: ledger.KeyFromSeed([]byte("liar 1-1")),
		candidate: electiontypes.Candidate{Operator: sdk.AccAddress(addr).String(), OperatorKeyHash: hash.EncodeElement(keyHash)},
		candAddr:  addr, candKey: keyHash,
	}
}

// liarKeyHash is the operator key hash 1-1's commitments carry.
func (r *electionRun) liarKeyHash() fr.Element {
	return electiontypes.OperatorKeyHash(r.liar.PublicKey)
}

// proofOf is the descendant proof of 1-1 from v's commitment vFields: 1-1's commitment and its
// siblings in v's children root.
func proofOf(vFields slushtypes.CommitmentFields, g11 commitment.Commitment, siblings []fr.Element) electiontypes.DescendantProof {
	hop := electiontypes.Hop{Commitment: slushtypes.NewCommitmentFields(g11)}
	for _, sib := range siblings {
		hop.Siblings = append(hop.Siblings, hash.EncodeElement(sib))
	}
	return electiontypes.DescendantProof{Child: vFields, Hops: []electiontypes.Hop{hop}}
}

// openRound has 1-1 report v (child 1) withholding, from v's finalized commitment vHash, and
// returns the round.
func (s *KeeperTestSuite) openRound(r *electionRun, proof electiontypes.DescendantProof, vHash []byte) uint64 {
	finalized, err := hash.DecodeElement(vHash)
	s.Require().NoError(err)
	sig, err := electiontypes.SignMessage(r.liar, electiontypes.ReportMessage(commitment.MustPackVid([]uint8{1}), 0, finalized))
	s.Require().NoError(err)
	opened, err := r.msgs.ReportWithholding(s.env.Ctx, &electiontypes.MsgReportWithholding{
		Submitter: s.operator(40).String(), ChildIndex: 1, Proof: proof, PublicKey: r.liar.PublicKey.Bytes(), Signature: sig,
	})
	s.Require().NoError(err, "1-1 is in v's finalized subtree: it may report")
	return opened.RoundId
}

// castVote is 1-1's vote in round for its candidate with histogram.
func (s *KeeperTestSuite) castVote(r *electionRun, round uint64, proof electiontypes.DescendantProof, histogram acceptancetypes.Histogram) error {
	msg, err := electiontypes.VoteMessage(round, commitment.MustPackVid([]uint8{1}), 0, r.candAddr, r.candKey)
	s.Require().NoError(err)
	sig, err := electiontypes.SignMessage(r.liar, msg)
	s.Require().NoError(err)
	_, err = r.msgs.EmergencyVote(s.env.Ctx, &electiontypes.MsgEmergencyVote{
		Submitter: s.operator(40).String(), RoundId: round, Candidate: r.candidate, Proof: proof,
		Histogram: acceptancetypes.HistogramToProto(histogram), PublicKey: r.liar.PublicKey.Bytes(), Signature: sig,
	})
	return err
}

// requireOperator asserts who operates child 1.
func (s *KeeperTestSuite) requireOperator(want string) {
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(want, child.Operator)
}

// TestSingleLiarElectsWhenAttested is the attack issue 16 found, as ATTESTED mode still allows
// it (the contrast to TestSingleLiarCannotElect): v = 1 holds 1-1, whose commitment says its
// subtree has 3 nodes (1-1 and two it made up); v's subtree is 4 by v's word, so 1-1's vote
// alone weighs 3 of the 3 other nodes and replaces v's operator.
func (s *KeeperTestSuite) TestSingleLiarElectsWhenAttested() {
	s.useRealAcceptance()
	v := s.registerRealChild(s.ledgerKeys().vk)
	r := s.newElectionRun()
	anchor5, err := hash.DecodeElement(s.anchorAt(5))
	s.Require().NoError(err)
	lied := acceptancetypes.Histogram{{Height: 5, Count: 3}}
	g11 := commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1, 1}), LedgerRoot: hash.Uint64(1), OutboxRoot: hash.Uint64(2),
		ReceiptRoot: hash.Uint64(3), ChildrenRoot: hash.Uint64(4), FinalizedChildrenRoot: hash.Uint64(5), AnchorHeight: 5,
		AnchorCommitment: anchor5, AcceptanceDigest: lied.Digest(), OperatorKeyHash: r.liarKeyHash()}
	g := newGrandchildren(s)
	s.Require().NoError(g.tree.SetChild(1, g11.Hash()))
	g.roots(s, v)
	path, err := g.tree.Prove(1)
	s.Require().NoError(err)

	first := s.updateBatches(v, 1, nil, 5)
	report(first, 4, 5, 4)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, first)
	s.Require().NoError(err)
	second := s.updateBatches(v, 1, res.Commitment, 6)
	report(second, 4, 5, 1, 6, 3)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, second)
	s.Require().NoError(err)

	proof := proofOf(first.NewCommitment, g11, path.Siblings)
	s.Require().NoError(s.castVote(r, s.openRound(r, proof, res.Commitment), proof, lied))
	s.requireOperator(r.candidate.Operator)
}

// TestSingleLiarCannotElect (issue 16; opt-in, RecursiveTestsEnv: real ledger and leaf step
// proofs): in RECURSIVE mode a descendant that attests more nodes than it has cannot reach a
// majority alone. v = 1 has three leaf children; 1-1 lies. Its commitment claiming a subtree of
// 3 cannot be proven by a LeafStep (the step fixes a leaf's report to {(anchor, 1)}), so it never
// enters v's children root here; its honest commitment does, by a real step, and v's commitment
// holding it becomes final once 1-2, 1-3 and v update after it (real steps too). 1-1 may then
// report v, but its vote claiming 3 nodes is refused — the histogram is not the one its proven
// commitment binds — and its true vote weighs 1 of 3: v's operator stays.
func (s *KeeperTestSuite) TestSingleLiarCannotElect() {
	l := s.realLedger("real leaf step proofs take minutes of setup")
	step, steps := s.realLeafStep(l)
	stepKey := step.raw

	s.useRealAcceptance()
	v := s.registerRealChild(l.raw)
	r := s.newElectionRun()
	// each grandchild's first batch claims a message this root sent it, before the anchors seal them
	gls, sent := map[uint8]*childLedger{}, map[uint8]inclusion.Message{}
	for i := uint8(1); i <= 3; i++ {
		gls[i] = newChildLedger(s, []uint8{1, i})
		sent[i] = gls[i].deposit(fmt.Sprintf("to 1-%d", i), uint64(i))
	}
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.SubtreeProofs, p.LeafStepKey = types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, stepKey
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))

	g := newGrandchildren(s)
	// firstStep proves grandchild i's first update on v (one batch of gl claiming its message, at
	// anchor; its commitment carries the liar's key hash and the report digest) as a real leaf step
	firstStep := func(gl *childLedger, i uint8, anchor uint64, digest fr.Element) (types.SubtreeStep, commitment.Commitment, error) {
		gmsg := s.provenUpdate(gl, uint32(i), nil, anchor, l.batches(s), []inbound{claimed(sent[i])})
		gmsg.NewCommitment.OperatorKeyHash, gmsg.NewCommitment.AcceptanceDigest = hash.EncodeElement(r.liarKeyHash()), hash.EncodeElement(digest)
		newC, err := gmsg.NewCommitment.Decode()
		s.Require().NoError(err)
		batch, err := prover.DecodeProof(gmsg.Batches[0].Proof)
		s.Require().NoError(err)
		empty := ledger.EmptyRoots(ledgerParams)
		genesis := newC
		genesis.LedgerRoot, genesis.OutboxRoot, genesis.ReceiptRoot, genesis.AnchorHeight, genesis.Epoch = empty.Ledger, empty.Outbox, empty.Receipts, 0, 0
		path, err := g.tree.Prove(i)
		s.Require().NoError(err)
		proof, pub, err := steps.Prove(subtree.LeafStepWitness{First: true, Index: i, Siblings: path.Siblings, Old: genesis, New: newC,
			Claims: []fr.Element{sent[i].Hash()}, Proof: batch})
		if err != nil {
			return types.SubtreeStep{}, newC, err
		}
		s.Require().NoError(g.tree.SetChild(i, pub.Leaf))
		return types.SubtreeStep{Kind: uint32(pub.Kind), Index: uint32(i), RootAfter: hash.EncodeElement(pub.RootAfter),
			Leaf: hash.EncodeElement(pub.Leaf), AnchorHeight: pub.AnchorHeight, Proof: proof}, newC, nil
	}

	lied := acceptancetypes.Histogram{{Height: 5, Count: 3}}
	_, _, err = firstStep(gls[1].replay(s, 0), 1, 5, lied.Digest())
	s.Require().Error(err, "no leaf step proves a leaf commitment reporting 3 nodes")

	st11, g11, err := firstStep(gls[1], 1, 5, subtree.LeafReportDigest(5))
	s.Require().NoError(err)
	path, err := g.tree.Prove(1) // 1-1 in v's children root at v's commitment at 5
	s.Require().NoError(err)
	g.roots(s, v)
	first := s.updateBatches(v, 1, nil, 5)
	first.Steps = []types.SubtreeStep{st11}
	// v and 1-1: 1-2 and 1-3 have empty leaves (no genesis leaf: registered on v before it ran the
	// registered-descendants rule), so they enter v's children root with their first steps
	report(first, 2, 5, 2)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, first)
	s.Require().NoError(err)

	st12, _, err := firstStep(gls[2], 2, 6, subtree.LeafReportDigest(6))
	s.Require().NoError(err)
	st13, _, err := firstStep(gls[3], 3, 6, subtree.LeafReportDigest(6))
	s.Require().NoError(err)
	g.roots(s, v)
	second := s.updateBatches(v, 1, res.Commitment, 6)
	second.Steps = []types.SubtreeStep{st12, st13}
	report(second, 4, 5, 1, 6, 3)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, second)
	s.Require().NoError(err)
	finalized, ok, err := s.keeper.FinalizedCommitment(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().True(ok)
	s.Require().Equal(res.Commitment, finalized, "v, 1-2 and 1-3 updated after v's commitment at 5: 3 of 4")

	proof := proofOf(first.NewCommitment, g11, path.Siblings)
	round := s.openRound(r, proof, res.Commitment)
	err = s.castVote(r, round, proof, lied)
	s.Require().ErrorIs(err, electiontypes.ErrInvalidHistogram, "1-1's proven commitment binds {(5, 1)}, not 3 nodes")
	s.Require().NoError(s.castVote(r, round, proof, acceptancetypes.Histogram{{Height: 5, Count: 1}}))
	s.requireOperator(s.operator(1).String())
}
