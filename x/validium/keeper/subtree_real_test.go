package keeper_test

import (
	"os"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/x/validium/types"
)

// RecursiveTestsEnv opts in to the tests that prove real step proofs: minutes of setup the first
// time on this project's 2 cores (then the keys come from the development key cache), about
// 2.5 GiB of memory (make test-recursive).
const RecursiveTestsEnv = "SLUSH_RECURSIVE_TESTS"

// cachedKeys compiles nothing: it returns ccs's keys from the development key cache
// (keys.DefaultCacheDir), making and caching them with a random setup on a miss.
func (s *KeeperTestSuite) cachedKeys(ccs constraint.ConstraintSystem) (groth16.ProvingKey, groth16.VerifyingKey) {
	dir, err := keys.DefaultCacheDir()
	s.Require().NoError(err)
	pk, vk, hit, err := keys.Cache{Dir: dir, Progress: os.Stderr}.Setup(ccs, "random", func() (groth16.ProvingKey, groth16.VerifyingKey, error) {
		return groth16.Setup(ccs)
	})
	s.Require().NoError(err)
	s.T().Logf("%d constraints, keys from the cache: %v", ccs.GetNbConstraints(), hit)
	return pk, vk
}

// realLedger skips the test unless RecursiveTestsEnv is set (why: what takes the time), then
// compiles the tree's ledger circuit and reads its keys from the development key cache: the
// batch proofs the real step proofs verify.
func (s *KeeperTestSuite) realLedger(why string) ccsAndKeys {
	if os.Getenv(RecursiveTestsEnv) == "" {
		s.T().Skipf("set %s=1 (make test-recursive): %s", RecursiveTestsEnv, why)
	}
	ccs, err := ledger.Compile(ledgerParams)
	s.Require().NoError(err)
	return s.withCachedKeys(ccs)
}

// realLeafStep is the LeafStep circuit over l's verifying key with its keys from the development
// key cache, and its prover.
func (s *KeeperTestSuite) realLeafStep(l ccsAndKeys) (ccsAndKeys, subtree.StepProver) {
	ccs, key, err := subtree.CompileLeafStep(l.vk, ledgerParams)
	s.Require().NoError(err)
	k := s.withCachedKeys(ccs)
	return k, subtree.StepProver{CCS: ccs, PK: k.pk, Key: key, Params: ledgerParams}
}

// batches proves batch witnesses with the real ledger circuit l (a batchProver).
func (l ccsAndKeys) batches(s *KeeperTestSuite) batchProver {
	return func(w ledger.Witness) ([]byte, bool) {
		proof, _, err := ledger.ProveBatch(l.ccs, l.pk, w)
		s.Require().NoError(err)
		return proof, false
	}
}

// registerRealChild declares root heights 5 and 6 and registers chain 1 with the real ledger
// key at block 10: the start of the real-proof tests.
func (s *KeeperTestSuite) registerRealChild(ledgerVK []byte) *childLedger {
	s.anchors = s.newAnchors(5, 6)
	s.env.Ctx = s.env.Ctx.WithBlockHeight(10)
	v := newChildLedger(s, []uint8{1})
	lr, or, rr := v.roots(s)
	_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: s.operator(1).String(), VerifyingKey: ledgerVK, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: payload(5),
	})
	s.Require().NoError(err)
	return v
}

// TestRealLeafStepAccepted (opt-in, RecursiveTestsEnv): the whole leaf-step path with real
// proofs. Grandchild 1-1's first batch is proven by the tree's ledger circuit; the step that puts
// its commitment into child 1's children root is proven by the real LeafStep circuit, which
// verifies that batch proof inside; this (root) chain, in RECURSIVE mode with the step's key,
// accepts child 1's update carrying it — and refuses the same update with the step proven for
// another leaf index's statement.
func (s *KeeperTestSuite) TestRealLeafStepAccepted() {
	l := s.realLedger("real step proofs take minutes of setup")
	v := s.registerRealChild(l.raw)

	// 1-1's first update on chain 1: one batch claiming a message this (root) chain sent it.
	gc := newChildLedger(s, []uint8{1, 1})
	m := gc.deposit("carol", 7)
	gmsg := s.provenUpdate(gc, 1, nil, 5, l.batches(s), []inbound{claimed(m)})
	newC, err := gmsg.NewCommitment.Decode()
	s.Require().NoError(err)
	batchProof, err := prover.DecodeProof(gmsg.Batches[0].Proof)
	s.Require().NoError(err)
	empty := ledger.EmptyRoots(ledgerParams)
	genesis := newC
	genesis.LedgerRoot, genesis.OutboxRoot, genesis.ReceiptRoot, genesis.AnchorHeight, genesis.Epoch = empty.Ledger, empty.Outbox, empty.Receipts, 0, 0

	g := newGrandchildren(s)
	path, err := g.tree.Prove(1)
	s.Require().NoError(err)
	w := subtree.LeafStepWitness{First: true, Index: 1, Siblings: path.Siblings, Old: genesis, New: newC,
		Claims: []fr.Element{m.Hash()}, Proof: batchProof}

	step, stepProver := s.realLeafStep(l)
	start := time.Now()
	proof, pub, err := stepProver.Prove(w)
	s.Require().NoError(err)
	s.T().Logf("leaf step proven in %v (%d bytes)", time.Since(start).Round(time.Millisecond), len(proof))
	stepKey := step.raw

	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.SubtreeProofs, p.LeafStepKey = types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, stepKey
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))

	s.Require().NoError(g.tree.SetChild(1, pub.Leaf))
	g.roots(s, v)
	msg := s.updateBatches(v, 1, nil, 5) // chain 1's own ledger is unchanged: no batch
	msg.Steps = []types.SubtreeStep{{Kind: uint32(pub.Kind), Index: 1, RootAfter: hash.EncodeElement(pub.RootAfter),
		Leaf: hash.EncodeElement(pub.Leaf), AnchorHeight: pub.AnchorHeight, Proof: proof}}
	report(msg, 2, 5, 2)

	moved := *msg
	moved.Steps = []types.SubtreeStep{msg.Steps[0]}
	moved.Steps[0].Index = 2 // 1-2's vid and leaf: another statement than the proof's
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, &moved)
	s.Require().ErrorIs(err, types.ErrInvalidProof)

	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(pub.RootAfter), child.ChildrenRoot)
	s.Require().Equal(1, s.provenCount(1, 1))
}
