package planner

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// stepParams is a small ledger shape: the witnesses only read its empty roots.
var stepParams = ledger.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 2}

// someProof is a well-formed proof encoding (generators): the witness builder decodes it, the
// circuit would judge it.
func someProof(t *testing.T) []byte {
	_, _, g1, g2 := bn254.Generators()
	b, err := prover.EncodeProof(&groth16bn254.Proof{Ar: g1, Bs: g2, Krs: g1})
	require.NoError(t, err)
	return b
}

// leafCommitment is a leaf chain's commitment with ledger root r, anchored at a.
func leafCommitment(vid uint64, r uint64, a uint64) commitment.Commitment {
	empty := commitment.EmptyChildrenRoot()
	return commitment.Commitment{Vid: hash.Uint64(vid), LedgerRoot: hash.Uint64(r), OutboxRoot: hash.Uint64(r + 1), ReceiptRoot: hash.Uint64(r + 2),
		ChildrenRoot: empty, FinalizedChildrenRoot: empty, AnchorHeight: a, AnchorCommitment: hash.Uint64(1000 + a),
		AcceptanceDigest: subtree.LeafReportDigest(a), OperatorKeyHash: hash.Uint64(77)}
}

// roots is the LedgerRoots of c's ledger, outbox and receipt roots.
func roots(c commitment.Commitment) validiumtypes.LedgerRoots {
	return validiumtypes.LedgerRoots{LedgerRoot: hash.EncodeElement(c.LedgerRoot), OutboxRoot: hash.EncodeElement(c.OutboxRoot),
		ReceiptRoot: hash.EncodeElement(c.ReceiptRoot)}
}

// update is grandchild idx's accepted update from prev to next over batches ending at ends
// (the last at next's roots), each consuming the given claims.
func update(t *testing.T, idx uint32, prev *commitment.Commitment, next commitment.Commitment, claims [][]fr.Element, ends ...commitment.Commitment) *validiumtypes.MsgSubmitUpdate {
	msg := &validiumtypes.MsgSubmitUpdate{ChildIndex: idx, NewCommitment: slushtypes.NewCommitmentFields(next)}
	if prev != nil {
		msg.PrevCommitment = hash.EncodeElement(prev.Hash())
	}
	start := validiumtypes.LedgerRoots{}
	if prev != nil {
		start = roots(*prev)
	}
	for i, end := range append(ends, next) {
		for _, c := range claims[i] {
			msg.InboxEntries = append(msg.InboxEntries, validiumtypes.InboxEntry{MessageHash: hash.EncodeElement(c), Source: uint32(ledger.SourceClaim)})
		}
		msg.Batches = append(msg.Batches, validiumtypes.LedgerBatch{Start: start, End: roots(end), InboxEntries: uint32(len(claims[i])), Proof: someProof(t)})
		start = roots(end)
	}
	return msg
}

// TestLeafStepWitnesses: the relayer's steps for a parent's update replay its children's
// accepted updates exactly as the parent's native check chains them (x/validium
// subtree_steps.go): one step per batch over synthetic intermediate commitments, roots chained
// from the held children root to the new one, a first step from the genesis state, inbox heads
// carried across a grandchild's updates; and it refuses what no leaf step proves.
func TestLeafStepWitnesses(t *testing.T) {
	a0 := leafCommitment(11, 100, 3) // grandchild 1's commitment the parent holds
	a1 := leafCommitment(11, 200, 5)
	aMid := leafCommitment(11, 150, 5)                               // after a1's first batch
	b1, b2 := leafCommitment(12, 300, 4), leafCommitment(12, 400, 6) // grandchild 2, first then next
	m1, m2, m3 := hash.Uint64(501), hash.Uint64(502), hash.Uint64(503)
	inbox1 := hash.Uint64(9) // grandchild 1's inbox head at the held commitment

	held, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, held.SetChild(1, a0.Hash()))
	heldRoot, err := held.Root()
	require.NoError(t, err)

	moves := []childMove{
		{height: 10, msg: update(t, 2, nil, b1, [][]fr.Element{{m1}})},
		{height: 10, prev: &a0, inbox: inbox1, msg: update(t, 1, &a0, a1, [][]fr.Element{{m2}, {}}, aMid)},
		{height: 12, prev: &b1, inbox: ledger.InboxLink(fr.Element{}, m1, ledger.SourceClaim), msg: update(t, 2, &b1, b2, [][]fr.Element{{m3}})},
	}
	ws, err := leafStepWitnesses(held, moves, stepParams)
	require.NoError(t, err)
	require.Len(t, ws, 4, "one step per batch")

	want, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, want.SetChild(1, a1.Hash()))
	require.NoError(t, want.SetChild(2, b2.Hash()))
	wantRoot, err := want.Root()
	require.NoError(t, err)
	got, err := held.Root()
	require.NoError(t, err)
	require.Equal(t, wantRoot, got, "the tree ends at the new children root")

	pub := make([]subtree.StepPublic, len(ws))
	for i, w := range ws {
		pub[i] = w.Public()
	}
	require.Equal(t, heldRoot, pub[0].RootBefore, "the first step starts at the held root")
	for i := 1; i < len(pub); i++ {
		require.Equal(t, pub[i-1].RootAfter, pub[i].RootBefore, "step %d chains", i)
	}
	require.Equal(t, wantRoot, pub[3].RootAfter)

	// grandchild 2's first step: from the genesis state, its claim, kind first
	require.True(t, ws[0].First)
	require.Equal(t, uint64(subtree.KindLeafFirst), pub[0].Kind)
	g := ledger.EmptyRoots(stepParams)
	require.Equal(t, g.Ledger, ws[0].Old.LedgerRoot)
	require.Zero(t, ws[0].Old.AnchorHeight)
	require.Equal(t, []fr.Element{m1}, ws[0].Claims)
	require.Equal(t, b1.Hash(), pub[0].Leaf)

	// grandchild 1's two batches: a synthetic intermediate commitment, then a1
	require.False(t, ws[1].First)
	require.Equal(t, a0, ws[1].Old)
	require.Equal(t, aMid.LedgerRoot, ws[1].New.LedgerRoot)
	require.Equal(t, a1.AnchorHeight, ws[1].New.AnchorHeight, "the batches share the update's anchor")
	require.Equal(t, ws[1].New, ws[2].Old)
	require.Equal(t, a1, ws[2].New)
	require.Equal(t, inbox1, ws[1].InboxOld)
	require.Equal(t, ledger.InboxLink(inbox1, m2, ledger.SourceClaim), ws[2].InboxOld, "the head after batch 1's claim")
	require.Empty(t, ws[2].Claims)

	// grandchild 2's second update continues its inbox chain
	require.Equal(t, b1, ws[3].Old)
	require.Equal(t, ledger.InboxLink(fr.Element{}, m1, ledger.SourceClaim), ws[3].InboxOld)

	refused := []struct {
		name string
		edit func(m *validiumtypes.MsgSubmitUpdate)
	}{
		{"an update without a batch", func(m *validiumtypes.MsgSubmitUpdate) { m.Batches = nil }},
		{"a batch proven with the transfer circuit", func(m *validiumtypes.MsgSubmitUpdate) { m.Batches[0].Transfer = true }},
		{"a forced entry", func(m *validiumtypes.MsgSubmitUpdate) { m.InboxEntries[0].Source = uint32(ledger.SourceForced) }},
		{"a grandchild with children", func(m *validiumtypes.MsgSubmitUpdate) {
			m.NewCommitment.ChildrenRoot = hash.EncodeElement(hash.Uint64(5))
		}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			tree, err := commitment.NewChildrenTree(smt.NewMemStore())
			require.NoError(t, err)
			m := update(t, 2, nil, b1, [][]fr.Element{{m1}})
			tc.edit(m)
			_, err = leafStepWitnesses(tree, []childMove{{height: 1, msg: m}}, stepParams)
			require.ErrorIs(t, err, errUnprovableMove)
		})
	}
}

// TestSubtreeCutoff: the commitment an update targets holds at most max steps, cut between
// blocks (all moves of a block are in its commitment).
func TestSubtreeCutoff(t *testing.T) {
	mv := func(h int64, batches int) chainclient.AcceptedUpdate {
		return chainclient.AcceptedUpdate{Height: h, Msg: &validiumtypes.MsgSubmitUpdate{Batches: make([]validiumtypes.LedgerBatch, batches)}}
	}
	p := &subtreePlan{held: 4, moves: []chainclient.AcceptedUpdate{mv(5, 1), mv(6, 2), mv(6, 1), mv(9, 0)}}
	for _, tc := range []struct {
		max  int
		want int64
	}{{16, 20}, {5, 20}, {4, 8}, {3, 5}, {1, 5}, {0, 4}} {
		require.Equal(t, tc.want, p.cutoff(tc.max, 20), "max %d", tc.max)
	}
}
