package keeper_test

import (
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// stepShaped stands in for the step circuits at keeper level: the same one public input, the
// hash of the values a step states (subtree.StepPublic.Statement: eight, nine for the forced
// kind, whose statement also names the parent's outbox), and a proof exists for any stated
// vector. What the keeper must get right is the statement it verifies against: the
// grandchild's vid, the root chain, the anchor and the leaf. That a statement is only provable
// for a valid child move is the step circuit's own test (circuits/subtree TestLeafStep).
type stepShaped struct {
	Statement frontend.Variable `gnark:",public"`
	Stated    []frontend.Variable
}

func (c *stepShaped) Define(api frontend.API) error {
	api.AssertIsEqual(c.Statement, hash.HashGadget(api, hash.DomainSubtreeStep, c.Stated...))
	rangecheck.New(api).Check(c.Stated[0], 8) // a commitment-based check, as a real step has (its key carries one commitment)
	return nil
}

// stepSystem is the compiled stand-in with one (random, test-only) setup.
type stepSystem struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  []byte
}

var (
	stepOnce           sync.Once
	stepSys, otherStep stepSystem
	stepErr            error
)

// newStepSystem compiles and sets up the stand-in for statements of stated values.
func newStepSystem(stated int) (stepSystem, error) {
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &stepShaped{Stated: make([]frontend.Variable, stated)})
	if err != nil {
		return stepSystem{}, err
	}
	pk, vk, err := groth16.Setup(ccs)
	if err != nil {
		return stepSystem{}, err
	}
	raw, err := keys.MarshalVerifyingKey(vk)
	return stepSystem{ccs, pk, raw}, err
}

// stepKeys is the stand-in and a second setup of it (another key).
func (s *KeeperTestSuite) stepKeys() (stepSystem, stepSystem) {
	stepOnce.Do(func() {
		if stepSys, stepErr = newStepSystem(8); stepErr == nil {
			otherStep, stepErr = newStepSystem(8)
		}
	})
	s.Require().NoError(stepErr)
	return stepSys, otherStep
}

// prove proves the statement of p.
func (sys stepSystem) prove(s *KeeperTestSuite, p subtree.StepPublic) []byte {
	stated := []fr.Element{hash.Uint64(p.Kind), p.ChildVid, hash.Uint64(uint64(p.Index)), p.RootBefore, p.RootAfter,
		hash.Uint64(p.AnchorHeight), p.AnchorCommitment, p.Leaf}
	if subtree.IsForcedKind(p.Kind) {
		stated = append(stated, p.ParentOutbox)
	}
	a := &stepShaped{Statement: p.Statement(), Stated: make([]frontend.Variable, len(stated))}
	for i, v := range stated {
		a.Stated[i] = v
	}
	proof, err := prover.Prove(sys.ccs, sys.pk, a)
	s.Require().NoError(err)
	return proof
}

// grandchildren is child 1's children SMT, as child 1's chain holds it, and its finalized twin.
type grandchildren struct {
	tree, finalized *commitment.ChildrenTree
}

func newGrandchildren(s *KeeperTestSuite) grandchildren {
	t, err := commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	f, err := commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	return grandchildren{t, f}
}

// step moves grandchild index of child 1 to the commitment hash leaf (first: into an empty leaf),
// anchored at anchor, and returns the step proven by sys and the roots.
func (g grandchildren) step(s *KeeperTestSuite, sys stepSystem, index uint8, leaf fr.Element, anchor uint64, first bool) types.SubtreeStep {
	before, err := g.tree.Root()
	s.Require().NoError(err)
	s.Require().NoError(g.tree.SetChild(index, leaf))
	after, err := g.tree.Root()
	s.Require().NoError(err)
	kind := uint64(subtree.KindLeaf)
	if first {
		kind = subtree.KindLeafFirst
	}
	anchorC, err := hash.DecodeElement(s.anchorAt(anchor))
	s.Require().NoError(err)
	pub := subtree.StepPublic{Kind: kind, ChildVid: commitment.MustPackVid([]uint8{1, index}), Index: index,
		RootBefore: before, RootAfter: after, AnchorHeight: anchor, AnchorCommitment: anchorC, Leaf: leaf}
	return types.SubtreeStep{Kind: uint32(kind), Index: uint32(index), RootAfter: hash.EncodeElement(after),
		Leaf: hash.EncodeElement(leaf), AnchorHeight: anchor, Proof: sys.prove(s, pub)}
}

// finalize moves grandchild index's finalized leaf to leaf (previous: what it held, nil if empty).
func (g grandchildren) finalize(s *KeeperTestSuite, index uint8, previous []byte, leaf fr.Element) types.FinalizedLeafMove {
	path, err := g.finalized.Prove(index)
	s.Require().NoError(err)
	s.Require().NoError(g.finalized.SetChild(index, leaf))
	m := types.FinalizedLeafMove{Index: uint32(index), Previous: previous, Commitment: hash.EncodeElement(leaf)}
	for _, sib := range path.Siblings {
		m.Siblings = append(m.Siblings, hash.EncodeElement(sib))
	}
	return m
}

// roots sets c's commitment roots to g's.
func (g grandchildren) roots(s *KeeperTestSuite, c *childLedger) {
	var err error
	c.childrenRoot, err = g.tree.Root()
	s.Require().NoError(err)
	c.finalizedChildren, err = g.finalized.Root()
	s.Require().NoError(err)
}

// recursive switches this chain to RECURSIVE subtree proofs with sys's key.
func (s *KeeperTestSuite) recursive(sys stepSystem) {
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.SubtreeProofs, p.LeafStepKey = types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, sys.vk
	s.Require().NoError(p.Validate())
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
}

// TestForgedSubtreeRefused (issue 16): in RECURSIVE mode a child's children root moves only by
// verified step proofs and its finalized children root holds only commitments a step proved, so
// a grandchild commitment no proof produced never enters this chain's view of the subtree, and
// no claim or route can be proven against it.
func (s *KeeperTestSuite) TestForgedSubtreeRefused() {
	sys, other := s.stepKeys()
	c := s.setupUpdates()
	s.recursive(sys)
	g := newGrandchildren(s)
	forged := hash.Uint64(0xf0)

	// A forged leaf with no step.
	s.Require().NoError(g.tree.SetChild(1, forged))
	g.roots(s, c)
	msg := s.updateBatches(c, 1, nil, 5)
	_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenChildren)

	g = newGrandchildren(s)
	cases := []struct {
		name string
		step func() types.SubtreeStep
		want error
	}{
		{"proof under another key", func() types.SubtreeStep { return g.step(s, other, 1, forged, 5, true) }, types.ErrInvalidProof},
		{"statement for another grandchild's vid", func() types.SubtreeStep {
			st := g.step(s, sys, 1, forged, 5, true)
			st.Index = 2 // the proof names 1-1; at index 2 the keeper derives 1-2's vid
			return st
		}, types.ErrInvalidProof},
		{"stated as a move, proven as a first step", func() types.SubtreeStep {
			st := g.step(s, sys, 1, forged, 5, true)
			st.Kind = subtree.KindLeaf
			return st
		}, types.ErrInvalidProof},
		{"a leaf other than the proven one", func() types.SubtreeStep {
			st := g.step(s, sys, 1, forged, 5, true)
			st.Leaf = hash.EncodeElement(hash.Uint64(0xf1))
			return st
		}, types.ErrInvalidProof},
		{"anchor this chain does not know", func() types.SubtreeStep {
			st := g.step(s, sys, 1, forged, 5, true)
			st.AnchorHeight = 4
			return st
		}, types.ErrUnknownAnchor},
		{"anchor above the child's", func() types.SubtreeStep { return g.step(s, sys, 1, forged, 6, true) }, types.ErrInvalidStep},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			g = newGrandchildren(s)
			st := tc.step()
			g.roots(s, c)
			msg := s.updateBatches(c, 1, nil, 5)
			msg.Steps = []types.SubtreeStep{st}
			_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
			s.Require().ErrorIs(err, tc.want)
		})
	}

	// A proven first commitment of 1-1 is accepted; finalizing a commitment no step proved is not.
	g = newGrandchildren(s)
	h1 := hash.Uint64(0x11)
	st := g.step(s, sys, 1, h1, 5, true)
	fin := g.finalize(s, 1, nil, forged)
	g.roots(s, c)
	msg = s.updateBatches(c, 1, nil, 5)
	msg.Steps, msg.FinalizedMoves = []types.SubtreeStep{st}, []types.FinalizedLeafMove{fin}
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenFinalized)
	s.requireChildUnchanged()

	g.finalized, err = commitment.NewChildrenTree(smt.NewMemStore())
	s.Require().NoError(err)
	g.roots(s, c)
	msg = s.updateBatches(c, 1, nil, 5)
	msg.Steps = []types.SubtreeStep{st}
	report(msg, 2, 5, 2) // child 1 and 1-1, both at 5
	gas := s.env.Ctx.GasMeter().GasConsumed()
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().GreaterOrEqual(s.env.Ctx.GasMeter().GasConsumed()-gas, p.VerifyGasFlat+p.VerifyGasPerPublicInput, "the step is charged")
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(hash.EncodeElement(c.childrenRoot), child.ChildrenRoot)
	s.Require().Equal(1, s.provenCount(1, 1))

	// Next update: 1-1 moves to h2 (a proven move), and 1-1's first commitment is finalized.
	h2 := hash.Uint64(0x12)
	st = g.step(s, sys, 1, h2, 6, false)
	fin = g.finalize(s, 1, nil, h1)
	g.roots(s, c)
	msg = s.updateBatches(c, 1, res.Commitment, 6)
	msg.Steps, msg.FinalizedMoves = []types.SubtreeStep{st}, []types.FinalizedLeafMove{fin}
	report(msg, 2, 6, 2)
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(2, s.provenCount(1, 1), "h1 is the finalized one; nothing older to prune")

	// Finalizing h2 prunes h1 (anchored below it); a move that does not start at the held
	// finalized leaf is refused.
	bad := g.finalize(s, 1, nil, h2) // claims the leaf was empty: it holds h1
	g.roots(s, c)
	msg = s.updateBatches(c, 1, res.Commitment, 8)
	msg.FinalizedMoves = []types.FinalizedLeafMove{bad}
	report(msg, 2, 6, 1, 8, 1) // 1-1's latest proven commitment is anchored at 6
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenFinalized)
	msg.FinalizedMoves[0].Previous = hash.EncodeElement(h1)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(1, s.provenCount(1, 1), "h1 pruned once h2 is finalized")
	proven, err := s.query.ProvenLeaves(s.env.Ctx, &types.QueryProvenLeavesRequest{ChildIndex: 1, Index: 1})
	s.Require().NoError(err)
	s.Require().Equal([]types.ProvenLeaf{{ChildIndex: 1, Index: 1, Commitment: hash.EncodeElement(h2), AnchorHeight: 6}}, proven.Leaves)

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Len(exported.ProvenLeaves, 1)
	s.Require().NoError(exported.Validate())
	s.requireImportsAs(exported)
}

// TestSubtreeStepsBounds: steps are refused in ATTESTED mode, above max_steps_per_update, and
// malformed ones before any state is read.
func (s *KeeperTestSuite) TestSubtreeStepsBounds() {
	sys, _ := s.stepKeys()
	c := s.setupUpdates()
	g := newGrandchildren(s)
	st := g.step(s, sys, 1, hash.Uint64(0x11), 5, true)
	g.roots(s, c)
	msg := s.updateBatches(c, 1, nil, 5)
	msg.Steps = []types.SubtreeStep{st}
	_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrStepsNotAccepted, "ATTESTED mode takes no steps")

	s.recursive(sys)
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.MaxStepsPerUpdate = 1
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
	msg.Steps = []types.SubtreeStep{st, st}
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrTooManySteps)

	for _, tc := range []struct {
		name   string
		change func(*types.SubtreeStep)
		want   error
	}{
		{"unknown kind", func(x *types.SubtreeStep) { x.Kind = 5 }, types.ErrInvalidStep},
		{"a node step without its commitment", func(x *types.SubtreeStep) { x.Kind = subtree.KindNodeLedger }, types.ErrInvalidStep},
		{"grandchild index 0", func(x *types.SubtreeStep) { x.Index = 0 }, types.ErrInvalidStep},
		{"grandchild index 256", func(x *types.SubtreeStep) { x.Index = 256 }, types.ErrInvalidStep},
		{"root not canonical", func(x *types.SubtreeStep) { x.RootAfter = modulusBytes() }, types.ErrInvalidField},
		{"leaf too short", func(x *types.SubtreeStep) { x.Leaf = x.Leaf[:31] }, types.ErrInvalidField},
		{"proof too long", func(x *types.SubtreeStep) { x.Proof = append(x.Proof, 0) }, types.ErrInvalidProof},
	} {
		s.Run(tc.name, func() {
			m := *msg
			bad := st
			tc.change(&bad)
			m.Steps = []types.SubtreeStep{bad}
			s.Require().ErrorIs(m.ValidateBasic(), tc.want)
			_, err := s.msgs.SubmitUpdate(s.env.Ctx, &m)
			s.Require().ErrorIs(err, tc.want)
		})
	}
}

// TestInflatedReportRefused (issue 16): in RECURSIVE mode a child's acceptance report and subtree
// size are bounded by its proven grandchildren — a leaf grandchild counts once, at the anchor of
// its latest proven commitment —, so no chain can claim acceptance (finality) or election weight
// that no proof accounts for, nor hide a proven descendant.
func (s *KeeperTestSuite) TestInflatedReportRefused() {
	sys, _ := s.stepKeys()
	c := s.setupUpdates()
	s.recursive(sys)
	g := newGrandchildren(s)
	st := g.step(s, sys, 1, hash.Uint64(0x11), 5, true)
	g.roots(s, c)
	first := s.updateBatches(c, 1, nil, 5)
	first.Steps = []types.SubtreeStep{st}
	report(first, 1, 5, 1) // hides 1-1
	_, err := s.msgs.SubmitUpdate(s.env.Ctx, first)
	s.Require().ErrorIs(err, types.ErrUnprovenReport)
	report(first, 2, 5, 2)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, first)
	s.Require().NoError(err)

	for _, tc := range []struct {
		name    string
		subtree uint64
		buckets []uint64
		want    error
	}{
		{"1-1 counted after its proven anchor", 2, []uint64{6, 2}, types.ErrUnprovenReport},
		{"a thousand descendants", 1001, []uint64{5, 1, 6, 1000}, types.ErrUnprovenReport},
		{"subtree size hides 1-1", 1, []uint64{6, 1}, types.ErrUnprovenReport},
		{"own update and 1-1, each at its anchor", 2, []uint64{5, 1, 6, 1}, nil},
	} {
		s.Run(tc.name, func() {
			msg := s.updateBatches(c, 1, res.Commitment, 6)
			report(msg, tc.subtree, tc.buckets...)
			_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
			if tc.want == nil {
				s.Require().NoError(err)
				return
			}
			s.Require().ErrorIs(err, tc.want)
		})
	}
}

// report sets msg's acceptance report: subtree size b and buckets as height, count pairs.
func report(msg *types.MsgSubmitUpdate, b uint64, buckets ...uint64) {
	var h acceptancetypes.Histogram
	for i := 0; i+1 < len(buckets); i += 2 {
		h = append(h, acceptancetypes.Bucket{Height: buckets[i], Count: buckets[i+1]})
	}
	msg.Histogram, msg.Subtree = acceptancetypes.HistogramToProto(h), b
	msg.NewCommitment.AcceptanceDigest = hash.EncodeElement(h.Digest())
}

// requireChildUnchanged asserts child 1 has accepted no update yet.
func (s *KeeperTestSuite) requireChildUnchanged() {
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Empty(child.LatestCommitment)
}

// provenCount is how many proven commitments grandchild has under child.
func (s *KeeperTestSuite) provenCount(child, grandchild uint32) int {
	n := 0
	err := s.keeper.ProvenLeaves.Walk(s.env.Ctx, collections.NewSuperPrefixedTripleRange[uint32, uint32, []byte](child, grandchild),
		func(collections.Triple[uint32, uint32, []byte], uint64) (bool, error) { n++; return false, nil })
	s.Require().NoError(err)
	return n
}

// modulusBytes is the BN254 scalar modulus r, big-endian: the smallest non-canonical element.
func modulusBytes() []byte { return fr.Modulus().FillBytes(make([]byte, 32)) }

// TestRegisteredSupplyRefused (THREAT-MODEL "registered supply"): in RECURSIVE mode a child
// registers with the empty ledger, outbox and receipts of the tree's ledger shape, so a
// registering operator cannot give it value the bridge never carried; ATTESTED mode still takes
// any genesis roots.
func (s *KeeperTestSuite) TestRegisteredSupplyRefused() {
	sys, _ := s.stepKeys()
	s.anchors = s.newAnchors(5)
	funded := newChildLedger(s, []uint8{1})
	s.Require().NoError(funded.state.Fund(hash.Uint64(1), hash.Uint64(2), 1_000_000))
	register := func(c *childLedger) error {
		lr, or, rr := c.roots(s)
		_, err := s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
			Operator: s.operator(1).String(), VerifyingKey: s.ledgerKeys().vk, Bond: types.DefaultMinChildBond,
			GenesisLedgerRoot: lr, GenesisOutboxRoot: or, GenesisReceiptRoot: rr, OperatorKeyHash: payload(5),
		})
		return err
	}
	s.recursive(sys)
	s.Require().ErrorIs(register(funded), types.ErrNonEmptyGenesis)
	s.Require().NoError(register(newChildLedger(s, []uint8{1})))

	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.SubtreeProofs = types.SubtreeProofs_SUBTREE_PROOFS_ATTESTED
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
	s.Require().NoError(register(funded), "attested mode believes the registering operator")
}

// TestFinalityNeverMovesBack: a finalized move may not take a grandchild's finalized leaf to a
// proven commitment anchored below the one it held, even within one update (pruning drops older
// commitments only once the update is recorded).
func (s *KeeperTestSuite) TestFinalityNeverMovesBack() {
	sys, _ := s.stepKeys()
	c := s.setupUpdates()
	s.recursive(sys)
	g := newGrandchildren(s)
	h1, h2 := hash.Uint64(0x11), hash.Uint64(0x12)
	first := g.step(s, sys, 1, h1, 5, true)
	g.roots(s, c)
	msg := s.updateBatches(c, 1, nil, 5)
	msg.Steps = []types.SubtreeStep{first}
	report(msg, 2, 5, 2)
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)

	st := g.step(s, sys, 1, h2, 6, false)
	forward := g.finalize(s, 1, nil, h2)
	back := g.finalize(s, 1, hash.EncodeElement(h2), h1)
	g.roots(s, c)
	msg = s.updateBatches(c, 1, res.Commitment, 6)
	msg.Steps, msg.FinalizedMoves = []types.SubtreeStep{st}, []types.FinalizedLeafMove{forward, back}
	report(msg, 2, 6, 2)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrUnprovenFinalized)
	s.Require().ErrorContains(err, "moves back")
}

// TestRecursiveSwitchNeedsNoGrandchildren: governance may turn RECURSIVE mode on only while no
// child's accepted children root holds a leaf (those leaves were believed, never proven).
func (s *KeeperTestSuite) TestRecursiveSwitchNeedsNoGrandchildren() {
	sys, _ := s.stepKeys()
	c := s.setupUpdates()
	p, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	p.SubtreeProofs, p.LeafStepKey = types.SubtreeProofs_SUBTREE_PROOFS_RECURSIVE, sys.vk
	update := &types.MsgUpdateParams{Authority: s.keeper.GetAuthority(), Params: p}

	g := newGrandchildren(s)
	s.Require().NoError(g.tree.SetChild(1, hash.Uint64(0x11))) // believed in ATTESTED mode
	g.roots(s, c)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.updateBatches(c, 1, nil, 5))
	s.Require().NoError(err)
	_, err = s.msgs.UpdateParams(s.env.Ctx, update)
	s.Require().ErrorIs(err, types.ErrInvalidParams)
	s.Require().ErrorContains(err, "child 1")

	s.SetupTest() // a chain whose children have no children yet
	s.setupUpdates()
	_, err = s.msgs.UpdateParams(s.env.Ctx, update)
	s.Require().NoError(err)
	got, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().True(got.Recursive())
}
