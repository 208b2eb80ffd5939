package planner

import (
	"context"
	"testing"
	"time"

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

// TestReadyCut: the commitment an update targets needs only proven steps, at most max of
// them, and none of an unprovable move; the cut falls between blocks (all moves of a block are
// in its commitment).
func TestReadyCut(t *testing.T) {
	steps := []plannedStep{{height: 5, key: "a"}, {height: 6, key: "b"}, {height: 6, key: "c"}, {height: 9, key: "d"}}
	all := func(string) bool { return true }
	except := func(k string) func(string) bool { return func(key string) bool { return key != k } }
	for _, tc := range []struct {
		name  string
		ready func(string) bool
		max   int
		stop  int64
		want  int64
	}{
		{"all proven", all, 16, 0, 20},
		{"exactly max", all, 4, 0, 20},
		{"max before the last block", all, 3, 0, 8},
		{"max inside a block", all, 2, 0, 5},
		{"max below the first block", all, 0, 0, 4},
		{"a step of block 6 not proven", except("c"), 16, 0, 5},
		{"the first step not proven", except("a"), 16, 0, 4},
		{"an unprovable move at 9", all, 16, 9, 8},
		{"an unprovable move before any step", all, 16, 3, 2},
	} {
		require.Equal(t, tc.want, readyCut(steps, tc.ready, tc.max, tc.stop, 20), tc.name)
	}
	require.Equal(t, int64(20), readyCut(nil, all, 16, 0, 20), "no child moves")
	require.Equal(t, 2, stepsInFirstBlock(steps[1:]))
}

// TestStepQueue: the background prover proves each statement once, one at a time; a failed
// step is not kept and may be enqueued again.
func TestStepQueue(t *testing.T) {
	q := newStepQueue()
	var proved []string
	fail := true
	prove := func(w stepWitness, attrs ...any) ([]byte, error) {
		key := attrs[0].(string)
		proved = append(proved, key)
		if key == "bad" && fail {
			return nil, errUnprovableMove
		}
		return []byte("proof of " + key), nil
	}
	require.False(t, q.busy())
	q.enqueue(stepJob{key: "a", attrs: []any{"a"}})
	require.True(t, q.busy(), "a step waits")
	q.enqueue(stepJob{key: "a", attrs: []any{"a"}}) // queued already
	q.enqueue(stepJob{key: "bad", attrs: []any{"bad"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.run(ctx, prove); close(done) }()
	require.Eventually(t, func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return len(q.queued) == 0
	}, 5*time.Second, 10*time.Millisecond)
	p, ok := q.proof("a")
	require.True(t, ok)
	require.Equal(t, []byte("proof of a"), p)
	_, ok = q.proof("bad")
	require.False(t, ok, "a failed step is not kept")
	q.enqueue(stepJob{key: "a", attrs: []any{"a"}}) // proven already: not again
	cancel()
	<-done
	require.Equal(t, []string{"a", "bad"}, proved)
	require.False(t, q.busy(), "nothing waits once proven or failed")
	require.Len(t, q.jobs, 0)

	fail = false
	q.enqueue(stepJob{key: "bad", attrs: []any{"bad"}})
	require.Len(t, q.jobs, 1, "a failed step may be enqueued again")
}
