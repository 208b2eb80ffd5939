package planner

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/tree"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// frozenIndex is the index of the node fixture's frozen grandchild child 1-2-2, whose accounts
// 1-2 pays out as exits.
const frozenIndex = 2

// frozenChild is 1-2-2, a frozen child of 1-2 (the node fixture's grandchild): its ledger of four
// funded accounts and its last commitment, which 1-2's finalized children hold.
type frozenChild struct {
	st *ledger.State
	c  commitment.Commitment
}

func newFrozenChild(t *testing.T) frozenChild {
	t.Helper()
	path := []uint8{1, 2, frozenIndex}
	st, err := ledger.NewState(smt.NewMemStore(), commitment.MustPackVid(path), stepParams)
	require.NoError(t, err)
	for i := range uint64(4) {
		require.NoError(t, st.Fund(hash.Uint64(60+i), hash.Uint64(7), 10*(i+1)))
	}
	c := leafOpening(t, path, 0, 2).Commitment
	c.LedgerRoot, err = st.Root()
	require.NoError(t, err)
	return frozenChild{st: st, c: c}
}

// proof is the exit proof of account i that 1-2's update to 1 carries: the account opened in
// the frozen child's commitment, and that commitment's path in 1-2's finalized children at the
// update (finalized).
func (d frozenChild) proof(t *testing.T, i uint64, finalized map[uint8]fr.Element) validiumtypes.ExitProof {
	t.Helper()
	o, err := validiumtypes.NewAccountOpening(d.st, slushtypes.NewCommitmentFields(d.c), i)
	require.NoError(t, err)
	path, err := finalizedTreeOf(t, finalized).Prove(frozenIndex)
	require.NoError(t, err)
	return validiumtypes.ExitProof{ChildIndex: frozenIndex, Opening: o, FinalizedSiblings: hash.EncodeElements(path.Siblings)}
}

// entry is the inbox entry of the exit of account i into 1-2.
func (d frozenChild) entry(t *testing.T, i uint64) validiumtypes.InboxEntry {
	t.Helper()
	a, ok, err := d.st.Account(i)
	require.NoError(t, err)
	require.True(t, ok)
	m := ledger.ExitMessage(d.c.Vid, commitment.MustPackVid([]uint8{1, 2}), i, a)
	return validiumtypes.InboxEntry{MessageHash: hash.EncodeElement(m.Hash()), Source: uint32(ledger.SourceExit)}
}

// finalizedTreeOf is the finalized children SMT holding leaves.
func finalizedTreeOf(t *testing.T, leaves map[uint8]fr.Element) *commitment.ChildrenTree {
	t.Helper()
	fin, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	for idx, h := range leaves {
		require.NoError(t, fin.SetChild(idx, h))
	}
	return fin
}

// finalizedRootOf is the root of the finalized children SMT holding leaves.
func finalizedRootOf(t *testing.T, leaves map[uint8]fr.Element) fr.Element {
	t.Helper()
	r, err := finalizedTreeOf(t, leaves).Root()
	require.NoError(t, err)
	return r
}

// exitFixture is the node fixture whose grandchild 1-2 holds the frozen 1-2-2 in its finalized
// children before (and after: 1-2-3's commitment finalized too when moved) its update, and whose
// batches credit exits of 1-2-2's accounts: batch 0 consumes 501 then the exits of accounts
// exits0, batch 1 the exits of accounts exits1 then 502. Its update carries their exit proofs,
// under its new finalized children root.
func exitFixture(t *testing.T, moved bool, exits0, exits1 []uint64) (nodeFixture, frozenChild) {
	t.Helper()
	d := newFrozenChild(t)
	gg1, gg3 := leafOpening(t, []uint8{1, 2, 1}, 10, 4), leafOpening(t, []uint8{1, 2, 3}, 30, 3)
	before := map[uint8]fr.Element{1: gg1.Commitment.Hash(), frozenIndex: d.c.Hash()}
	after := before
	if moved { // 1-2-3's commitment that the update's first carried step replaces is finalized too
		after = map[uint8]fr.Element{1: gg1.Commitment.Hash(), frozenIndex: d.c.Hash(), 3: gg3.Commitment.Hash()}
	}
	f := nodeFixtureWith(t, finalizedRootOf(t, before), finalizedRootOf(t, after))
	f.src.finalizedBefore = before
	if moved {
		f.src.finalizedAfter = after
	}
	msg := f.move.msg
	claims := msg.InboxEntries
	msg.InboxEntries = []validiumtypes.InboxEntry{claims[0]}
	for _, i := range exits0 {
		msg.InboxEntries = append(msg.InboxEntries, d.entry(t, i))
		msg.Exits = append(msg.Exits, d.proof(t, i, after))
	}
	for _, i := range exits1 {
		msg.InboxEntries = append(msg.InboxEntries, d.entry(t, i))
		msg.Exits = append(msg.Exits, d.proof(t, i, after))
	}
	msg.InboxEntries = append(msg.InboxEntries, claims[1])
	msg.Batches[0].InboxEntries, msg.Batches[1].InboxEntries = uint32(1+len(exits0)), uint32(len(exits1)+1)
	return f, d
}

// opened is f's move with its exits opened from the proofs its update carries (withExits).
func (f nodeFixture) opened(t *testing.T) childMove {
	t.Helper()
	mv, err := withExits(nil, f.move, stepParams.AccountDepth)
	require.NoError(t, err)
	return mv
}

// checkExitWitness checks a node ledger step that opens exits as its circuit does, natively: the
// assignment of the exit variant holds it (subtree.AssignNodeLedgerStep), it states kind 12, and
// each opening is the entry at its slot, credited to the grandchild from an account of a child in
// the step's finalized children root.
func checkExitWitness(t *testing.T, w subtree.NodeLedgerStepWitness) {
	t.Helper()
	a, err := subtree.AssignNodeLedgerStep(recursion.FixedKey{}, stepParams, nodeShape, w)
	require.NoError(t, err)
	require.Len(t, a.Exits, min(subtree.MaxExitsPerBatch, stepParams.BatchSize), "the exit circuit")
	pub := w.Public()
	require.Equal(t, uint64(subtree.KindNodeLedgerExit), pub.Kind)
	require.True(t, pub.ParentOutbox.IsZero(), "an exit step states no outbox")
	require.Equal(t, pub.Statement(), a.Statement)
	prev := -1
	for _, o := range w.Move.Exits {
		require.Greater(t, o.Slot, prev, "slots ascend")
		prev = o.Slot
		require.NoError(t, o.Verify(w.Move.New.Vid, w.Move.New.FinalizedChildrenRoot))
		require.Equal(t, o.Message(w.Move.New.Vid).Hash(), w.Move.Claims[o.Slot], "the exit is the entry")
		require.Equal(t, 1, a.Exited[o.Slot])
	}
	require.Empty(t, w.Move.Deposits)
	require.LessOrEqual(t, len(w.Move.Exits), subtree.MaxExitsPerBatch)
}

// TestNodeMoveExit: a grandchild that has children and whose batches credited exits of its
// frozen child's accounts moves by exit node ledger steps (kind 12), one per such batch, each
// exit opened at its slot under the step's finalized children root — the grandchild's previous
// one, which ledger steps keep —, the next batch chained after it with the exit source, as the
// parent recorded it. When the update keeps the finalized children root the openings' paths are
// the carried ones; when its child steps move it (a finality move), they are rebuilt under the
// previous root, where the carried ones no longer verify.
func TestNodeMoveExit(t *testing.T) {
	for _, moved := range []bool{false, true} {
		t.Run(fmt.Sprintf("finalized root moved: %t", moved), func(t *testing.T) {
			f, d := exitFixture(t, moved, []uint64{0}, []uint64{3})
			steps, err := nodeMoveWitnesses(f.held, f.opened(t), f.src, nodeShape)
			require.NoError(t, err)
			require.Len(t, steps, 4, "two ledger steps, two child steps")
			for _, st := range steps {
				checkNodeWitness(t, st)
			}
			first, second := steps[0].w.(subtree.NodeLedgerStepWitness), steps[1].w.(subtree.NodeLedgerStepWitness)
			checkExitWitness(t, first)
			checkExitWitness(t, second)
			require.Len(t, first.Move.Exits, 1)
			require.Equal(t, 1, first.Move.Exits[0].Slot, "after the claim")
			require.Equal(t, uint64(0), first.Move.Exits[0].AccountIndex)
			require.Equal(t, uint8(frozenIndex), first.Move.Exits[0].ChildIndex)
			require.Equal(t, d.c, first.Move.Exits[0].Child)
			require.Len(t, second.Move.Exits, 1)
			require.Equal(t, 0, second.Move.Exits[0].Slot, "before the claim")
			require.Equal(t, f.prev.FinalizedChildrenRoot, first.Move.New.FinalizedChildrenRoot, "the previous finalized root")

			head := ledger.InboxLink(ledger.InboxLink(f.move.inbox, hash.Uint64(501), ledger.SourceClaim), first.Move.Claims[1], ledger.SourceExit)
			require.Equal(t, head, second.Move.InboxOld, "the exit chained as an exit")
			decoded, err := f.move.msg.Exits[0].Decode(stepParams.AccountDepth)
			require.NoError(t, err)
			carried := decoded.Siblings
			rebuilt := first.Move.Exits[0].Siblings
			if !moved {
				require.Equal(t, carried, rebuilt, "the update's finalized root is the previous one: the same path")
				return
			}
			require.NotEqual(t, carried, rebuilt, "rebuilt under the previous finalized root")
			o := first.Move.Exits[0]
			o.Siblings = carried
			require.Error(t, o.Verify(first.Move.New.Vid, first.Move.New.FinalizedChildrenRoot), "the carried path is under the update's root")
			require.NoError(t, o.Verify(first.Move.New.Vid, f.next.FinalizedChildrenRoot))
			require.True(t, steps[2].w.(subtree.NodeChildStepWitness).Finality.Finalize, "the finality move follows the ledger steps")
		})
	}
}

// TestNodeMoveExitRefusals: what no exit step proves is an unprovable move — a batch consuming
// forced and exit entries (either order), more exits than an exit step opens, an exit entry not
// opened, an exit of a child whose finalized commitment the update itself moved —, and what does
// not match is refused as wrong: exit proofs that do not account for the entries, another
// account's proof, a finalized children record that does not rebuild the previous root.
func TestNodeMoveExitRefusals(t *testing.T) {
	deposit := subtree.DepositOpening{Proof: smt.AccumulatorProof{Index: 0, Item: hash.Uint64(501), Size: 1, Siblings: make([]fr.Element, stepParams.OutboxDepth)}}
	deposits := &forcedDeposits{outbox: hash.Uint64(4242), byHash: map[fr.Element]subtree.DepositOpening{hash.Uint64(501): deposit}}
	for _, tc := range []struct {
		name       string
		exits0     []uint64
		edit       func(t *testing.T, f *nodeFixture, d frozenChild, mv *childMove)
		want       string
		unprovable bool
	}{
		{"a forced entry, then an exit", []uint64{0}, func(_ *testing.T, _ *nodeFixture, _ frozenChild, mv *childMove) {
			mv.msg.InboxEntries[0].Source, mv.deposits = uint32(ledger.SourceForced), deposits
		}, "consumes forced and exit entries", true},
		{"an exit, then a forced entry", []uint64{0}, func(_ *testing.T, _ *nodeFixture, _ frozenChild, mv *childMove) {
			e := mv.msg.InboxEntries
			e[0], e[1] = e[1], e[0]
			e[1].Source, mv.deposits = uint32(ledger.SourceForced), deposits
		}, "consumes forced and exit entries", true},
		{"more exits than an exit step opens", []uint64{0, 1, 2, 3}, nil, fmt.Sprintf("more than %d exit entries", subtree.MaxExitsPerBatch), true},
		{"an exit entry not opened", []uint64{0}, func(_ *testing.T, _ *nodeFixture, _ frozenChild, mv *childMove) { mv.exits = nil },
			"source exit that is not opened", true},
		{"the exited child's finalized commitment moved in the update", []uint64{0}, func(t *testing.T, f *nodeFixture, d frozenChild, mv *childMove) {
			older := d.c
			older.AnchorHeight = 1
			f.src.finalizedBefore = map[uint8]fr.Element{1: f.src.finalizedBefore[1], frozenIndex: older.Hash()}
			prev := *mv.prev
			prev.FinalizedChildrenRoot = finalizedRootOf(t, f.src.finalizedBefore)
			mv.prev = &prev
		}, "the grandchild's previous commitment does not hold", true},
		{"the exited child not finalized before the update", []uint64{0}, func(t *testing.T, f *nodeFixture, _ frozenChild, mv *childMove) {
			f.src.finalizedBefore = map[uint8]fr.Element{1: f.src.finalizedBefore[1]}
			prev := *mv.prev
			prev.FinalizedChildrenRoot = finalizedRootOf(t, f.src.finalizedBefore)
			mv.prev = &prev
		}, "opens a finalized commitment of that child", true},
		{"another account's exit proof", []uint64{0}, func(t *testing.T, _ *nodeFixture, d frozenChild, mv *childMove) {
			o, err := d.proof(t, 1, map[uint8]fr.Element{frozenIndex: d.c.Hash()}).Decode(stepParams.AccountDepth)
			require.NoError(t, err)
			mv.exits = []subtree.ExitOpening{o}
		}, "was not opened", false},
		{"finalized children that do not rebuild the previous root", []uint64{0}, func(_ *testing.T, f *nodeFixture, _ frozenChild, _ *childMove) {
			f.src.finalizedBefore = map[uint8]fr.Element{1: f.src.finalizedBefore[1]}
		}, "do not rebuild its finalized children root", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, d := exitFixture(t, false, tc.exits0, nil)
			mv := f.opened(t)
			if tc.edit != nil {
				tc.edit(t, &f, d, &mv)
			}
			_, err := nodeMoveWitnesses(f.held, mv, f.src, nodeShape)
			requireRefused(t, err, tc.want, tc.unprovable)
		})
	}

	f, _ := exitFixture(t, false, []uint64{0}, []uint64{1})
	f.move.msg.Exits = f.move.msg.Exits[:1]
	_, err := withExits(nil, f.move, stepParams.AccountDepth)
	requireRefused(t, err, "2 exit entries, 1 exit proofs", false)
	f, _ = exitFixture(t, false, []uint64{0}, nil)
	_, err = withExits(nil, f.move, stepParams.AccountDepth+1)
	requireRefused(t, err, "exit proof 0", false)
}

// TestNodeLedgerExitKey: exit node ledger steps need keys_dir/node-ledger-exit-step.vk byte-equal
// to the parent's node_ledger_exit_step_key; a node grandchild's update whose batch credited exits
// stops without it before anything is read, while one without exits needs none.
func TestNodeLedgerExitKey(t *testing.T) {
	a, b := []byte("key a"), []byte("key b")
	for _, tc := range []struct {
		name   string
		params validiumtypes.Params
		vk     []byte
		err    string
	}{
		{"the parent's key", validiumtypes.Params{NodeLedgerExitStepKey: a}, a, ""},
		{"none in keys_dir", validiumtypes.Params{NodeLedgerExitStepKey: a}, nil, "keys_dir has no node-ledger-exit-step.pk/.vk"},
		{"the parent has none", validiumtypes.Params{NodeLedgerStepKey: a, NodeLedgerForcedStepKey: a}, a, "the parent has no node_ledger_exit_step_key"},
		{"another key", validiumtypes.Params{NodeLedgerExitStepKey: b}, a, "is not keys_dir/node-ledger-exit-step.vk"},
		{"the forced node ledger step's key", validiumtypes.Params{NodeLedgerExitStepKey: b, NodeLedgerForcedStepKey: a}, a, "is not keys_dir/node-ledger-exit-step.vk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := nodeLedgerExitKey(tc.params, tc.vk)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, errUnprovableMove)
			require.ErrorContains(t, err, tc.err)
		})
	}

	noKey := nodeLedgerExitKey(validiumtypes.Params{NodeLedgerExitStepKey: a}, nil)
	plain := newNodeFixture(t)
	mv, err := withExits(noKey, plain.move, stepParams.AccountDepth)
	require.NoError(t, err, "no exit entry: no key needed")
	require.Nil(t, mv.exits)

	// the move stops before its node source is read (the planner serves no tree: a read panics)
	f, _ := exitFixture(t, false, []uint64{0}, nil)
	c := &tree.Node{Path: []uint8{1}, LedgerParams: ledgertypes.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 2}}
	plan := &subtreePlan{children: f.held, shape: nodeShape, nodeLedgerExit: noKey}
	_, err = (&Planner{}).moveSteps(context.Background(), c, plan, f.move)
	require.ErrorIs(t, err, errUnprovableMove)
	require.ErrorContains(t, err, "keys_dir has no node-ledger-exit-step.pk/.vk")
}

// TestReadNodeSourceExits: an update that credited exits reads the grandchild's finalized children
// at its previous commitment's block (the root its exit steps open them under), and not after it
// while the update keeps its finalized children root.
func TestReadNodeSourceExits(t *testing.T) {
	f, d := exitFixture(t, false, []uint64{0}, nil)
	g, kids := nodeChains(t, f)
	g.finalized = map[int64]map[uint32][]byte{20: {1: hash.EncodeElement(f.src.finalizedBefore[1]), frozenIndex: hash.EncodeElement(d.c.Hash())}}
	lookup := func(idx uint8) (nodeChain, error) {
		if k, ok := kids[idx]; ok {
			return k, nil
		}
		return nil, fmt.Errorf("child %d is not served", idx)
	}
	src, err := readNodeSource(context.Background(), g, lookup, f.opened(t), ledger.EmptyRoots(stepParams))
	require.NoError(t, err)
	require.Equal(t, f.src.finalizedBefore, src.finalizedBefore)
	require.Nil(t, src.finalizedAfter)
	steps, err := nodeMoveWitnesses(f.held, f.opened(t), src, nodeShape)
	require.NoError(t, err)
	checkExitWitness(t, steps[0].w.(subtree.NodeLedgerStepWitness))

	src, err = readNodeSource(context.Background(), g, lookup, f.move, ledger.EmptyRoots(stepParams))
	require.NoError(t, err)
	require.Nil(t, src.finalizedBefore, "no exit opened: not read")
}

// TestNodeLedgerExitStepSolves: the exit node ledger step witnesses the planner builds satisfy
// the real exit NodeLedgerStep circuit (compiled around a stand-in batch key, the batch proofs
// made for the witnesses' own batch statements), with the carried and with rebuilt finalized
// paths; the solver refuses an exit of another balance. Compiles and solves ~1M constraints:
// gated by SLUSH_RECURSIVE_TESTS=1, as TestNodeStepsSolve is.
func TestNodeLedgerExitStepSolves(t *testing.T) {
	if os.Getenv("SLUSH_RECURSIVE_TESTS") != "1" {
		t.Skip("solves the exit node ledger step circuit (minutes, GiBs): set SLUSH_RECURSIVE_TESTS=1")
	}
	var ws []subtree.NodeLedgerStepWitness
	for _, moved := range []bool{false, true} {
		f, _ := exitFixture(t, moved, []uint64{0}, []uint64{3})
		steps, err := nodeMoveWitnesses(f.held, f.opened(t), f.src, nodeShape)
		require.NoError(t, err)
		ws = append(ws, steps[0].w.(subtree.NodeLedgerStepWitness), steps[1].w.(subtree.NodeLedgerStepWitness))
	}
	batch := newStandIn(t, &batchShaped{})
	ccs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, subtree.NewNodeLedgerExitStep(batch.key, stepParams, nodeShape))
	require.NoError(t, err)
	for i, w := range ws {
		w = batch.proveBatch(t, w)
		assigned, err := subtree.AssignNodeLedgerStep(batch.key, stepParams, nodeShape, w)
		require.NoError(t, err)
		require.NoError(t, solves(t, ccs, assigned), "exit step %d", i)
		if i == 0 { // the solver does refuse: an exit of another balance than the account's
			e := append([]subtree.ExitOpening(nil), w.Move.Exits...)
			e[0].Account.Balance++
			w.Move.Exits = e
			assigned, err := subtree.AssignNodeLedgerStep(batch.key, stepParams, nodeShape, w)
			require.NoError(t, err)
			require.Error(t, solves(t, ccs, assigned))
		}
	}
}
