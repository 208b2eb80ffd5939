package keeper_test

import (
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// realNodeShape is the node step shape of the real-proof test: three children, reports of up to
// four buckets (the circuits' own test shape).
var realNodeShape = subtree.NodeShape{MaxChildren: 3, MaxBuckets: 4}

// realStep is a step proven by a real circuit, with what it states and the grandchild's new
// commitment and report.
type realStep struct {
	proof  []byte
	pub    subtree.StepPublic
	c      commitment.Commitment
	report subtree.Report
}

// msg is the step as MsgSubmitUpdate carries it (a node step's commitment and report included).
func (r realStep) msg() types.SubtreeStep {
	fields := slushtypes.NewCommitmentFields(r.c)
	buckets := make([]acceptancetypes.HistogramBucket, len(r.report))
	for i, b := range r.report {
		buckets[i] = acceptancetypes.HistogramBucket{Height: b.Height, Count: b.Count}
	}
	return types.SubtreeStep{Kind: uint32(r.pub.Kind), Index: uint32(r.pub.Index), RootAfter: hash.EncodeElement(r.pub.RootAfter),
		Leaf: hash.EncodeElement(r.pub.Leaf), AnchorHeight: r.pub.AnchorHeight, Proof: r.proof, Commitment: &fields, Report: buckets}
}

// compileCached compiles circuit and returns it with its keys from the development key cache.
func (s *KeeperTestSuite) compileCached(circuit frontend.Circuit) (ccsAndKeys, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circuit)
	if err != nil {
		return ccsAndKeys{}, err
	}
	return s.withCachedKeys(ccs), nil
}

// withCachedKeys is ccs with its keys from the development key cache.
func (s *KeeperTestSuite) withCachedKeys(ccs constraint.ConstraintSystem) ccsAndKeys {
	pk, vk := s.cachedKeys(ccs)
	raw, err := keys.MarshalVerifyingKey(vk)
	s.Require().NoError(err)
	return ccsAndKeys{ccs: ccs, pk: pk, vk: vk, raw: raw}
}

// ccsAndKeys is a compiled circuit with its keys (raw: the verifying key as params hold it).
type ccsAndKeys struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
	raw []byte
}

// timedProve proves assignment, logs how long it took and checks the proof natively against
// the statement the assignment states.
func (s *KeeperTestSuite) timedProve(name string, k ccsAndKeys, assignment frontend.Circuit, statement fr.Element) []byte {
	start := time.Now()
	proof, err := prover.Prove(k.ccs, k.pk, assignment)
	s.Require().NoError(err, name)
	s.T().Logf("%s (%d constraints) proven in %v", name, k.ccs.GetNbConstraints(), time.Since(start).Round(time.Millisecond))
	s.Require().NoError(prover.VerifyProof(k.vk, proof, []fr.Element{statement}), name)
	return proof
}

// TestRealNodeStepsAccepted (opt-in, RecursiveTestsEnv): the node steps with real proofs,
// recursion two levels deep. Grandchild 1-1 holds a child 1-1-1; its own batch (a claim of
// this root's message), proven by the ledger circuit, moves its leaf in child 1's children root
// by a real NodeLedgerStep. Then 1-1's new child 1-1-2 makes its first batch, proven by the
// ledger circuit and verified inside a real LeafStep, which a real NodeChildStep verifies in
// turn — a proof of a proof of a proof. This chain, in RECURSIVE mode with the three step keys,
// accepts child 1's update carrying both node steps, keeps 1-1's proven report {(5, 3)} and
// bounds chain 1's report by it; a NodeChildStep for 1-1 claiming one more descendant than its
// children report cannot be proven at all.
func (s *KeeperTestSuite) TestRealNodeStepsAccepted() {
	l := s.realLedger("real node step proofs take minutes of setup")
	proveBatch := l.batches(s)
	v := s.registerRealChild(l.raw)
	// the root's messages to 1-1 and 1-1-2, sent before the root commitment at 5 seals them
	c := newChildLedger(s, []uint8{1, 1})
	m := c.deposit("carol", 7)
	g2l := newChildLedger(s, []uint8{1, 1, 2})
	m2 := g2l.deposit("dave", 3)
	anchor5, err := hash.DecodeElement(s.anchorAt(5))
	s.Require().NoError(err)
	empty := ledger.EmptyRoots(ledgerParams)

	// 1-1-1: a leaf child of 1-1 at root height 5, only opened by 1-1's node steps.
	g1 := commitment.Commitment{Vid: commitment.MustPackVid([]uint8{1, 1, 1}), LedgerRoot: empty.Ledger, OutboxRoot: empty.Outbox,
		ReceiptRoot: empty.Receipts, ChildrenRoot: commitment.EmptyChildrenRoot(), FinalizedChildrenRoot: commitment.EmptyChildrenRoot(),
		AnchorHeight: 5, AnchorCommitment: anchor5, AcceptanceDigest: subtree.LeafReportDigest(5)}
	leafReport := subtree.Report{{Height: 5, Count: 1}}
	cChildren, err := commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	s.Require().NoError(cChildren.SetChild(1, g1.Hash()))

	// 1-1's batch: a claim of this chain's message, from its genesis ledger; its commitments
	// before and after hold 1-1-1.
	c.childrenRoot, err = cChildren.Root()
	s.Require().NoError(err)
	cmsg := s.provenUpdate(c, 1, nil, 5, proveBatch, []inbound{claimed(m)})
	cNew, err := cmsg.NewCommitment.Decode()
	s.Require().NoError(err)
	twoAt5 := subtree.Report{{Height: 5, Count: 2}}
	cNew.AcceptanceDigest = twoAt5.Digest()
	cOld := cNew
	cOld.LedgerRoot, cOld.OutboxRoot, cOld.ReceiptRoot = empty.Ledger, empty.Outbox, empty.Receipts
	batchProof, err := prover.DecodeProof(cmsg.Batches[0].Proof)
	s.Require().NoError(err)

	// chain 1's accepted children root already holds 1-1's old commitment (as an earlier step
	// would have left it)
	g := newGrandchildren(s)
	s.Require().NoError(g.tree.SetChild(1, cOld.Hash()))
	held, err := g.tree.Root()
	s.Require().NoError(err)
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	child.ChildrenRoot = hash.EncodeElement(held)
	s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, 1, child))
	path, err := g.tree.Prove(1)
	s.Require().NoError(err)

	// kind 3: the node ledger step, verifying 1-1's batch proof inside
	ledgerKey, err := recursion.NewFixedKey(l.vk)
	s.Require().NoError(err)
	nodeLedger, err := s.compileCached(subtree.NewNodeLedgerStep(ledgerKey, ledgerParams, realNodeShape))
	s.Require().NoError(err)
	w3 := subtree.NodeLedgerStepWitness{
		Move:     subtree.LeafStepWitness{Index: 1, Siblings: path.Siblings, Old: cOld, New: cNew, Claims: []fr.Element{m.Hash()}, Proof: batchProof},
		Report:   twoAt5,
		Children: []subtree.ChildOpening{{Index: 1, Commitment: g1, Report: leafReport}},
	}
	a3, err := subtree.AssignNodeLedgerStep(ledgerKey, ledgerParams, realNodeShape, w3)
	s.Require().NoError(err)
	step3 := realStep{pub: w3.Public(), c: cNew, report: twoAt5}
	step3.proof = s.timedProve("node ledger step", nodeLedger, a3, step3.pub.Statement())

	// 1-1-2's first batch, verified inside a leaf step under 1-1
	g2msg := s.provenUpdate(g2l, 2, nil, 5, proveBatch, []inbound{claimed(m2)})
	g2New, err := g2msg.NewCommitment.Decode()
	s.Require().NoError(err)
	g2Genesis := g2New
	g2Genesis.LedgerRoot, g2Genesis.OutboxRoot, g2Genesis.ReceiptRoot, g2Genesis.AnchorHeight, g2Genesis.Epoch = empty.Ledger, empty.Outbox, empty.Receipts, 0, 0
	g2Proof, err := prover.DecodeProof(g2msg.Batches[0].Proof)
	s.Require().NoError(err)
	cPath, err := cChildren.Prove(2)
	s.Require().NoError(err)
	leaf, leafProver := s.realLeafStep(l)
	leafVK, leafRaw := leaf.vk, leaf.raw
	start := time.Now()
	innerBytes, inner, err := leafProver.Prove(subtree.LeafStepWitness{
		First: true, Index: 2, Siblings: cPath.Siblings, Old: g2Genesis, New: g2New, Claims: []fr.Element{m2.Hash()}, Proof: g2Proof})
	s.Require().NoError(err)
	s.T().Logf("leaf step of 1-1-2 proven in %v", time.Since(start).Round(time.Millisecond))
	innerProof, err := prover.DecodeCommittedProof(innerBytes)
	s.Require().NoError(err)

	// kind 4: the node child step, verifying that leaf step inside
	s.Require().NoError(cChildren.SetChild(2, g2New.Hash()))
	cNext := cNew
	cNext.ChildrenRoot, err = cChildren.Root()
	s.Require().NoError(err)
	threeAt5 := subtree.Report{{Height: 5, Count: 3}}
	cNext.AcceptanceDigest = threeAt5.Digest()
	s.Require().NoError(g.tree.SetChild(1, cNew.Hash())) // after the ledger step
	path, err = g.tree.Prove(1)
	s.Require().NoError(err)
	leafKey, err := recursion.NewFixedKey(leafVK)
	s.Require().NoError(err)
	nodeChild, err := s.compileCached(subtree.NewNodeChildStep(leafKey, realNodeShape))
	s.Require().NoError(err)
	w4 := subtree.NodeChildStepWitness{Index: 1, Siblings: path.Siblings, Old: cNew, New: cNext, Inner: inner, InnerProof: innerProof,
		Report: threeAt5, Children: []subtree.ChildOpening{{Index: 1, Commitment: g1, Report: leafReport}, {Index: 2, Commitment: g2New, Report: leafReport}}}
	a4, err := subtree.AssignNodeChildStep(leafKey, realNodeShape, w4)
	s.Require().NoError(err)
	step4 := realStep{pub: w4.Public(), c: cNext, report: threeAt5}
	step4.proof = s.timedProve("node child step", nodeChild, a4, step4.pub.Statement())

	// a liar: 1-1 claiming four nodes at 5 has no proof
	liar := w4
	liar.Report = subtree.Report{{Height: 5, Count: 4}}
	liar.New.AcceptanceDigest = liar.Report.Digest()
	aLiar, err := subtree.AssignNodeChildStep(leafKey, realNodeShape, liar)
	s.Require().NoError(err)
	_, err = prover.Prove(nodeChild.ccs, nodeChild.pk, aLiar)
	s.Require().Error(err, "a node report counting a descendant its children do not report is not provable")

	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.SubtreeProofs, p.LeafStepKey, p.NodeLedgerStepKey, p.NodeChildStepKey = types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, leafRaw, nodeLedger.raw, nodeChild.raw
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))

	s.Require().NoError(g.tree.SetChild(1, cNext.Hash()))
	g.roots(s, v)
	msg := s.updateBatches(v, 1, nil, 6) // chain 1's own ledger is unchanged: no batch
	msg.Steps = []types.SubtreeStep{step3.msg(), step4.msg()}
	report(msg, 5, 5, 4, 6, 1) // one more below 1-1 than its proven report
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenReport)
	swapped := *msg
	swapped.Steps = []types.SubtreeStep{step3.msg(), step3.msg()}
	report(&swapped, 4, 5, 3, 6, 1)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, &swapped)
	s.Require().ErrorIs(err, types.ErrInvalidProof, "the node ledger step stated again from the moved root")

	report(msg, 4, 5, 3, 6, 1)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	stored, err := s.keeper.GrandchildReports.Get(s.env.Ctx, collections.Join(uint32(1), uint32(1)))
	s.Require().NoError(err)
	s.Require().Equal([]acceptancetypes.HistogramBucket{{Height: 5, Count: 3}}, stored.Report)
	s.Require().Equal(2, s.provenCount(1, 1))
}
