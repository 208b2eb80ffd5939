package witness_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	slushtypes "github.com/slush-tree/slush/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/stretchr/testify/require"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/client/witness"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// shape is v = [1] under the root p, with [1 1] {[1 1 1], [1 1 2]} and [1 2] {[1 2 1]}: b_v = 6.
var shape = [][]uint8{{1}, {1, 1}, {1, 2}, {2}, {2, 1}}

// nodeHeight is the block height at which every fake chain made its commitment.
const nodeHeight = 40

// fakeChain serves one node of a testutil.Tree as its chain would: its commitment by hash and,
// at the height it made it, its children's commitments and SMT openings. The edit hooks break
// one answer at a time.
type fakeChain struct {
	tree *testutil.Tree
	node *testutil.Node

	editRecord  func(*treetypes.OwnCommitment)
	editOpening func(*witness.ChildOpening)
	editReport  func(*acceptancetypes.SubtreeReport)
}

func (f *fakeChain) TreeIdentity(context.Context) (treetypes.TreeIdentity, error) {
	path := make([]uint32, len(f.node.Path))
	for i, p := range f.node.Path {
		path[i] = uint32(p)
	}
	return treetypes.TreeIdentity{Path: path}, nil
}

func (f *fakeChain) CommitmentByHash(_ context.Context, h []byte) (treetypes.OwnCommitment, error) {
	own := hash.EncodeElement(f.node.Commitment.Hash())
	if string(h) != string(own) {
		return treetypes.OwnCommitment{}, treetypes.ErrNoCommitment
	}
	rec := treetypes.OwnCommitment{Height: nodeHeight, Commitment: own, Fields: slushtypes.NewCommitmentFields(f.node.Commitment)}
	if f.editRecord != nil {
		f.editRecord(&rec)
	}
	return rec, nil
}

func (f *fakeChain) ChildAt(_ context.Context, index uint32, height int64) (witness.ChildOpening, error) {
	if height != nodeHeight {
		return witness.ChildOpening{}, fmt.Errorf("no state at height %d", height)
	}
	child := f.tree.Node(append(append([]uint8{}, f.node.Path...), uint8(index))...)
	if child == nil {
		return witness.ChildOpening{}, validiumtypes.ErrUnknownChild
	}
	p, err := f.tree.Proof(child.Path...)
	if err != nil {
		return witness.ChildOpening{}, err
	}
	h := child.Commitment.Hash()
	open := witness.ChildOpening{
		Commitment: hash.EncodeElement(h), Leaf: hash.EncodeElement(commitment.ChildLeaf(uint8(index), h)),
		Siblings: p.Hops[len(p.Hops)-1].Siblings, ChildrenRoot: hash.EncodeElement(f.node.Commitment.ChildrenRoot),
	}
	if f.editOpening != nil {
		f.editOpening(&open)
	}
	return open, nil
}

func (f *fakeChain) SubtreeReportAt(_ context.Context, anchor uint64, height int64) (acceptancetypes.SubtreeReport, error) {
	if height != nodeHeight || anchor != f.node.Commitment.AnchorHeight {
		return acceptancetypes.SubtreeReport{}, fmt.Errorf("no report for anchor %d at height %d", anchor, height)
	}
	r := acceptancetypes.SubtreeReport{Height: anchor, Histogram: acceptancetypes.HistogramToProto(f.node.Histogram)}
	if f.editReport != nil {
		f.editReport(&r)
	}
	return r, nil
}

// fakeParent is p = the root, with v = child 1 finalized at the tree's commitment.
type fakeParent struct {
	tree  *testutil.Tree
	epoch uint64
	round types.Round
}

func (p *fakeParent) TreeIdentity(context.Context) (treetypes.TreeIdentity, error) {
	return treetypes.RootIdentity(), nil
}

func (p *fakeParent) Child(_ context.Context, index uint32) (validiumtypes.Child, error) {
	if index != 1 {
		return validiumtypes.Child{}, validiumtypes.ErrUnknownChild
	}
	return validiumtypes.Child{Index: 1, Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE, Epoch: p.epoch}, nil
}

func (p *fakeParent) Finalized(_ context.Context, index uint32) ([]byte, bool, error) {
	return p.tree.RootHash(), index == 1, nil
}

func (p *fakeParent) Round(_ context.Context, id uint64) (types.Round, error) {
	if id != p.round.Id {
		return types.Round{}, types.ErrUnknownRound
	}
	return p.round, nil
}

// fixture is the tree, p and one fake chain per node.
type fixture struct {
	tree   *testutil.Tree
	parent *fakeParent
	chains map[string]*fakeChain
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	tree, err := testutil.NewTree([]uint8{1}, shape, 9, 0)
	require.NoError(t, err)
	f := &fixture{tree: tree, chains: map[string]*fakeChain{}}
	f.parent = &fakeParent{tree: tree, epoch: 2, round: types.Round{
		Id: 7, ChildIndex: 1, Epoch: 2, Commitment: tree.RootHash(), Subtree: tree.Subtree(),
		Status: types.RoundStatus_ROUND_STATUS_OPEN,
	}}
	for _, path := range append([][]uint8{{}}, shape...) {
		abs := append([]uint8{1}, path...)
		f.chains[string(abs)] = &fakeChain{tree: tree, node: tree.Node(abs...)}
	}
	return f
}

// levels are the fake chains from v down to the node at path.
func (f *fixture) levels(path ...uint8) []witness.Level {
	var out []witness.Level
	for depth := 1; depth <= len(path); depth++ {
		out = append(out, f.chains[string(path[:depth])])
	}
	return out
}

// TestBuildMatchesTree: the proof read from the chains is exactly the commitment chain the
// tree builds natively (which x/election's keeper tests accept), at every depth.
func TestBuildMatchesTree(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	target, err := witness.ReportTarget(ctx, f.parent, 1)
	require.NoError(t, err)
	require.Equal(t, []uint8{1}, target.ChildPath)
	require.Equal(t, uint64(2), target.Epoch)
	for _, path := range [][]uint8{{1, 1}, {1, 2}, {1, 1, 1}, {1, 1, 2}, {1, 2, 1}} {
		w, err := witness.Build(ctx, target, f.levels(path...), true)
		require.NoError(t, err, "%v", path)
		want, err := f.tree.Proof(path...)
		require.NoError(t, err)
		require.Equal(t, want, w.Proof, "%v", path)
		require.Equal(t, path, w.Prover.Path)
		require.Equal(t, acceptancetypes.HistogramToProto(f.tree.Node(path...).Histogram), w.Histogram)
	}
}

// TestBuildRejections breaks every check of the builder once.
func TestBuildRejections(t *testing.T) {
	other, err := testutil.NewTree([]uint8{1}, shape, 9, 1) // v's subtree in another state
	require.NoError(t, err)
	cases := []struct {
		name  string
		path  []uint8
		edit  func(f *fixture, levels []witness.Level) []witness.Level
		histo bool
		want  string
	}{
		{"no chains", []uint8{1, 1}, func(*fixture, []witness.Level) []witness.Level { return nil }, false, "no chains"},
		{"a level missing", []uint8{1, 1, 1}, func(_ *fixture, l []witness.Level) []witness.Level {
			return append(l[:1:1], l[2])
		}, false, "2 chains for [1] down to 1-1-1, want 3"},
		{"v as the prover", []uint8{1}, nil, false, "not a strict descendant"},
		{"prover under another child of p", []uint8{1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			other, err := testutil.NewTree([]uint8{2}, shape, 9, 0)
			require.NoError(t, err)
			return []witness.Level{l[0], &fakeChain{tree: other, node: other.Node(2, 1)}}
		}, false, "not a strict descendant"},
		{"a chain of another validium in place of v", []uint8{1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1})].editRecord = func(r *treetypes.OwnCommitment) { r.Fields.Vid = testutil.Element(3) }
			return l
		}, false, "answered a preimage of another commitment"},
		{"the child's commitment names another validium than p's child", []uint8{1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			cousin, err := testutil.NewTree([]uint8{2}, shape, 9, 0)
			require.NoError(t, err)
			f.parent.tree = cousin // p's finalized commitment of child 1 is one of [2]
			return []witness.Level{&fakeChain{tree: cousin, node: cousin.Root}, l[1]}
		}, false, "names another validium"},
		{"v does not know its finalized commitment", []uint8{1, 1}, func(_ *fixture, l []witness.Level) []witness.Level {
			return []witness.Level{&fakeChain{tree: other, node: other.Root}, l[1]}
		}, false, "no such own commitment"},
		{"a hop chain of another validium", []uint8{1, 1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			return []witness.Level{l[0], f.chains[string([]uint8{1, 2})], l[2]}
		}, false, "no such own commitment"},
		{"v's state at that height has another children root", []uint8{1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1})].editOpening = func(o *witness.ChildOpening) { o.ChildrenRoot = testutil.Element(5) }
			return l
		}, false, "another children root"},
		{"leaf of another commitment", []uint8{1, 1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1, 1})].editOpening = func(o *witness.ChildOpening) { o.Leaf = testutil.Element(5) }
			return l
		}, false, "SMT leaf is not"},
		{"no accepted commitment", []uint8{1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1})].editOpening = func(o *witness.ChildOpening) { o.Commitment = nil }
			return l
		}, false, "no accepted commitment"},
		{"wrong sibling", []uint8{1, 2, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1, 2})].editOpening = func(o *witness.ChildOpening) {
				o.Siblings = append([][]byte{testutil.Element(5)}, o.Siblings[1:]...)
			}
			return l
		}, false, "do not open"},
		{"non-canonical sibling", []uint8{1, 2}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1})].editOpening = func(o *witness.ChildOpening) {
				o.Siblings = append([][]byte{hash.EncodeElement(hash.Uint64(0))[:31]}, o.Siblings[1:]...)
			}
			return l
		}, false, "sibling 0"},
		{"prover preimage of another commitment", []uint8{1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1, 1})].editRecord = func(r *treetypes.OwnCommitment) { r.Fields.Epoch++ }
			return l
		}, false, "another commitment"},
		{"prover history at another height", []uint8{1, 1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1, 1})].editRecord = func(r *treetypes.OwnCommitment) { r.Height++ }
			return l
		}, false, "no state at height 41"},
		{"histogram not the commitment's", []uint8{1, 1}, func(f *fixture, l []witness.Level) []witness.Level {
			f.chains[string([]uint8{1, 1})].editReport = func(r *acceptancetypes.SubtreeReport) { r.Histogram[0].Count++ }
			return l
		}, true, "not the one its commitment binds"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			levels := f.levels(tc.path...)
			if tc.edit != nil {
				levels = tc.edit(f, levels)
			}
			target, err := witness.ReportTarget(ctx, f.parent, 1)
			require.NoError(t, err)
			_, err = witness.Build(ctx, target, levels, tc.histo)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// verifyReport runs the keeper's checks of a report (DESIGN §9) against the finalized commitment.
func verifyReport(t *testing.T, tree *testutil.Tree, epoch uint64, msg *types.MsgReportWithholding) {
	t.Helper()
	d, err := types.VerifyDescendant(tree.RootHash(), []uint8{1}, msg.Proof)
	require.NoError(t, err)
	pub, err := types.DecodePublicKey(msg.PublicKey)
	require.NoError(t, err)
	h := types.OperatorKeyHash(pub)
	require.True(t, h.Equal(&d.Commitment.OperatorKeyHash))
	require.NoError(t, types.VerifySignature(pub, types.ReportMessage(tree.Root.Commitment.Vid, epoch, tree.Root.Commitment.Hash()), msg.Signature))
}

// TestNewReport: the report is the one the tree's operator would file (the keeper accepts
// those), and every precondition is checked before anything is signed.
func TestNewReport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	target, err := witness.ReportTarget(ctx, f.parent, 1)
	require.NoError(t, err)
	w, err := witness.Build(ctx, target, f.levels(1, 2, 1), false)
	require.NoError(t, err)
	submitter := sdk.AccAddress([]byte("submitter-address-20")).String()
	prover := f.tree.Node(1, 2, 1)

	msg, err := witness.NewReport(target, w, prover.Key, submitter)
	require.NoError(t, err)
	verifyReport(t, f.tree, 2, msg)
	want, err := f.tree.Report(submitter, 1, 2, 1, 2, 1)
	require.NoError(t, err)
	require.Equal(t, want, msg)

	_, err = witness.NewReport(target, w, f.tree.Node(1, 2).Key, submitter)
	require.ErrorContains(t, err, "commitment carries", "the parent's key is not the prover's")
	stale := target
	stale.Commitment = testutil.Element(9)
	_, err = witness.NewReport(stale, w, prover.Key, submitter)
	require.ErrorContains(t, err, "rebuild", "a witness against another commitment")

	_, err = witness.ReportTarget(ctx, f.parent, 2)
	require.ErrorIs(t, err, validiumtypes.ErrUnknownChild)
	frozen := &frozenParent{f.parent}
	_, err = witness.ReportTarget(ctx, frozen, 1)
	require.ErrorContains(t, err, "frozen")
}

// frozenParent is a p whose child is frozen.
type frozenParent struct{ *fakeParent }

func (p *frozenParent) Child(ctx context.Context, index uint32) (validiumtypes.Child, error) {
	c, err := p.fakeParent.Child(ctx, index)
	c.Status = validiumtypes.ChildStatus_CHILD_STATUS_FROZEN
	return c, err
}

// TestNewVote: the vote is the one the tree's operator would cast; round, histogram, candidate
// and key are checked before signing.
func TestNewVote(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	target, err := witness.VoteTarget(ctx, f.parent, 7)
	require.NoError(t, err)
	require.Equal(t, uint64(7), target.Round.Id)
	w, err := witness.Build(ctx, target, f.levels(1, 1), true)
	require.NoError(t, err)
	submitter := sdk.AccAddress([]byte("submitter-address-20")).String()
	ac := addresscodec.NewBech32Codec(app.Bech32PrefixAccAddr)
	addr := []byte("candidate-x-address!")
	keyHash, _ := testutil.KeyHash("x")
	candidate := types.Candidate{Operator: sdk.AccAddress(addr).String(), OperatorKeyHash: keyHash}
	prover := f.tree.Node(1, 1)

	msg, err := witness.NewVote(target, w, candidate, ac, prover.Key, submitter)
	require.NoError(t, err)
	want, err := f.tree.Vote(submitter, 7, 2, candidate, addr, 1, 1)
	require.NoError(t, err)
	require.Equal(t, want, msg)
	weight, err := types.VoterWeight(msg.Histogram, w.Prover.Commitment, f.tree.Subtree()-1)
	require.NoError(t, err)
	require.Equal(t, uint64(3), weight, "[1 1] and its two children")

	cases := []struct {
		name   string
		edit   func(t *witness.Target, w *witness.Witness, c *types.Candidate)
		wanted error
		want   string
	}{
		{"no histogram", func(_ *witness.Target, w *witness.Witness, _ *types.Candidate) { w.Histogram = nil }, types.ErrInvalidHistogram, ""},
		{"weight beyond the round's subtree", func(t *witness.Target, _ *witness.Witness, _ *types.Candidate) { t.Round.Subtree = 3 }, types.ErrInvalidHistogram, ""},
		{"zero candidate key", func(_ *witness.Target, _ *witness.Witness, c *types.Candidate) {
			c.OperatorKeyHash = make([]byte, 32)
		}, types.ErrInvalidCandidate, ""},
		{"candidate address of another chain", func(_ *witness.Target, _ *witness.Witness, c *types.Candidate) {
			c.Operator = "cosmos1qyqszqgpqyqszqgpqyqszqgpqyqszqgpjnp7du"
		}, types.ErrInvalidCandidate, ""},
		{"no round", func(t *witness.Target, _ *witness.Witness, _ *types.Candidate) { t.Round = types.Round{} }, nil, "needs a round"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, wc, c := target, w, candidate
			tc.edit(&tg, &wc, &c)
			_, err := witness.NewVote(tg, wc, c, ac, prover.Key, submitter)
			if tc.wanted != nil {
				require.ErrorIs(t, err, tc.wanted)
			} else {
				require.ErrorContains(t, err, tc.want)
			}
		})
	}

	f.parent.round.Status = types.RoundStatus_ROUND_STATUS_EXPIRED
	_, err = witness.VoteTarget(ctx, f.parent, 7)
	require.ErrorContains(t, err, "EXPIRED")
	_, err = witness.VoteTarget(ctx, f.parent, 8)
	require.True(t, errors.Is(err, types.ErrUnknownRound))
}

// TestWitnessFile: a saved witness loads back equal and is verified again on load.
func TestWitnessFile(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	target, err := witness.ReportTarget(ctx, f.parent, 1)
	require.NoError(t, err)
	w, err := witness.Build(ctx, target, f.levels(1, 1, 2), true)
	require.NoError(t, err)
	bz, err := w.MarshalJSON()
	require.NoError(t, err)
	got, err := witness.UnmarshalWitness(bz)
	require.NoError(t, err)
	require.Equal(t, w, got)

	noHist := w
	noHist.Histogram = nil
	bz2, err := noHist.MarshalJSON()
	require.NoError(t, err)
	got, err = witness.UnmarshalWitness(bz2)
	require.NoError(t, err)
	require.Nil(t, got.Histogram)

	for _, tc := range []struct {
		name string
		edit func(w *witness.Witness)
		want string
	}{
		{"tampered sibling", func(w *witness.Witness) { w.Proof.Hops[1].Siblings[2] = testutil.Element(1) }, "not a proven descendant"},
		{"tampered histogram", func(w *witness.Witness) {
			w.Histogram = append([]acceptancetypes.HistogramBucket{}, w.Histogram...)
			w.Histogram[0].Count++
		}, "histogram"},
		{"another child commitment", func(w *witness.Witness) { w.ChildCommitment = testutil.Element(4) }, "not a proven descendant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := w
			bad.Proof = types.DescendantProof{Child: w.Proof.Child, Hops: append([]types.Hop{}, w.Proof.Hops...)}
			bad.Proof.Hops[1].Siblings = append([][]byte{}, w.Proof.Hops[1].Siblings...)
			tc.edit(&bad)
			bz, err := bad.MarshalJSON()
			require.NoError(t, err)
			_, err = witness.UnmarshalWitness(bz)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err = witness.UnmarshalWitness([]byte(`{"child_path":[0]}`))
	require.ErrorContains(t, err, "is not in 1..255")
}
