package planner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/recursion"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// noGrowth is the outboxGrowth of an update without forced steps: never asked.
var noGrowth outboxGrowth = func(fr.Element, uint64) (*validiumtypes.OutboxGrowth, error) {
	return nil, errors.New("no forced step: no outbox growth to prove")
}

// forcedParams is the ledger shape of the forced step tests: batches of 4 entries.
var forcedParams = ledger.Params{AccountDepth: 4, OutboxDepth: 4, BatchSize: 4}

// outboxChain is chain 1 as readDeposits and growthTo read it: its ledger store as of each
// block (only the outbox is written) and its forced queue as of each block.
type outboxChain struct {
	store  *smt.MemStore // the ledger store now (x/ledger's keys, StateKey prefix included)
	out    *smt.Accumulator
	blocks map[int64]*smt.MemStore
	queues map[int64][]validiumtypes.ForcedOperation
}

// newOutboxChain is a chain with an empty outbox and no block.
func newOutboxChain(t *testing.T) *outboxChain {
	t.Helper()
	f := &outboxChain{store: smt.NewMemStore(), blocks: map[int64]*smt.MemStore{}, queues: map[int64][]validiumtypes.ForcedOperation{}}
	var err error
	f.out, err = ledger.OpenOutbox(smt.NewPrefixStore(f.store, ledgertypes.StateKey.Bytes()), forcedParams.OutboxDepth)
	require.NoError(t, err)
	return f
}

// send appends m to the outbox (its nonce is its position, as a bridge-out's).
func (f *outboxChain) send(t *testing.T, m inclusion.Message) {
	t.Helper()
	pos, err := f.out.Append(m.Hash())
	require.NoError(t, err)
	require.Equal(t, m.Nonce, pos)
}

// commit records the ledger store as of block h, and the forced queue there.
func (f *outboxChain) commit(h int64, queue ...validiumtypes.ForcedOperation) {
	s := smt.NewMemStore()
	for _, k := range f.store.Keys() {
		v, _ := f.store.Get([]byte(k))
		_ = s.Set([]byte(k), v)
	}
	f.blocks[h], f.queues[h] = s, queue
}

// root is the outbox root as of block h.
func (f *outboxChain) root(t *testing.T, h int64) fr.Element {
	t.Helper()
	out, err := ledger.OpenOutbox(smt.NewPrefixStore(f.blocks[h], ledgertypes.StateKey.Bytes()), forcedParams.OutboxDepth)
	require.NoError(t, err)
	r, err := out.Root()
	require.NoError(t, err)
	return r
}

func (f *outboxChain) StoreGet(_ context.Context, store string, key []byte, h int64) ([]byte, error) {
	s, ok := f.blocks[h]
	if !ok || store != ledgertypes.StoreKey {
		return nil, fmt.Errorf("no %s store at block %d", store, h)
	}
	return s.Get(key)
}

func (f *outboxChain) Child(_ context.Context, index uint32, h int64) (*validiumtypes.QueryChildResponse, error) {
	res := &validiumtypes.QueryChildResponse{Child: validiumtypes.Child{Index: index}}
	for _, op := range f.queues[h] {
		if op.ChildIndex == index {
			res.ForcedOperations = append(res.ForcedOperations, op)
		}
	}
	return res, nil
}

// queued is m queued for child index at sequence seq (a mint, or forwarded further down).
func queued(index uint32, seq uint64, m inclusion.Message, forward bool) validiumtypes.ForcedOperation {
	return validiumtypes.ForcedOperation{ChildIndex: index, Sequence: seq, PayloadHash: hash.EncodeElement(m.Hash()),
		Deadline: 100, Message: ledger.EncodeMessage(m), Forward: forward}
}

// forcedFixture is chain 1 (vid) whose child 1-2 (gvid) consumed, in the update 1 accepted at
// block 10, a claim, a deposit 1 burnt for it and a claim in its first batch, and a claim in
// its second. 1's outbox holds a message to 1-3 (position 0) and the deposit (1) at block 9,
// one more message at 10 (the block that accepted the update) and two more at 12 (the target).
// 1's queue for 1-2 at block 9 also lists messages that are no deposit of 1 into 1-2.
type forcedFixture struct {
	chain     *outboxChain
	vid, gvid fr.Element
	deposit   inclusion.Message
	// routed (sent by chain 2), elsewhere (1's message to 1-3, at position 0), unsent (a
	// position 1's outbox never reached) and displaced (position 0, which holds elsewhere) are
	// queued for 1-2 at block 9, forwarded is queued to be forwarded further down.
	routed, elsewhere, unsent, displaced, forwarded inclusion.Message
	held                                            *commitment.ChildrenTree
	heldRoot                                        fr.Element
	prev, next                                      commitment.Commitment
	claims                                          []fr.Element // m1, m3 (batch 1), m4 (batch 2)
	inbox                                           fr.Element   // 1-2's inbox head before the update
	move                                            childMove
}

// message is chain src's message nonce to dst.
func message(src, dst fr.Element, nonce uint64) inclusion.Message {
	return inclusion.Message{SrcVid: src, DstVid: dst, Nonce: nonce, Recipient: hash.Uint64(99), AssetID: hash.Uint64(7), Amount: 30 + nonce, Deadline: 1000}
}

func newForcedFixture(t *testing.T) *forcedFixture {
	t.Helper()
	vid, gvid, other := commitment.MustPackVid([]uint8{1}), commitment.MustPackVid([]uint8{1, 2}), commitment.MustPackVid([]uint8{1, 3})
	f := &forcedFixture{chain: newOutboxChain(t), vid: vid, gvid: gvid, deposit: message(vid, gvid, 1),
		routed: message(commitment.MustPackVid([]uint8{2}), gvid, 0), elsewhere: message(vid, other, 0),
		unsent: message(vid, gvid, 9), displaced: message(vid, gvid, 0), forwarded: message(vid, commitment.MustPackVid([]uint8{1, 2, 1}), 5),
		claims: []fr.Element{hash.Uint64(501), hash.Uint64(503), hash.Uint64(504)}, inbox: hash.Uint64(9)}
	f.chain.send(t, f.elsewhere)
	f.chain.send(t, f.deposit)
	f.chain.commit(9, queued(2, 1, f.deposit, false), queued(2, 2, f.routed, false), queued(2, 3, f.elsewhere, false),
		queued(2, 4, f.unsent, false), queued(2, 5, f.displaced, false), queued(2, 6, f.forwarded, true), queued(3, 1, f.elsewhere, false))
	f.chain.send(t, message(vid, other, 2))
	f.chain.commit(10)
	f.chain.send(t, message(vid, other, 3))
	f.chain.send(t, message(vid, other, 4))
	f.chain.commit(12)

	f.prev, f.next = leafCommitment(0, 300, 4), leafCommitment(0, 400, 6)
	f.prev.Vid, f.next.Vid = gvid, gvid
	mid := f.next // after the first batch
	mid.LedgerRoot, mid.OutboxRoot, mid.ReceiptRoot = hash.Uint64(350), hash.Uint64(351), hash.Uint64(352)
	msg := update(t, 2, &f.prev, f.next, [][]fr.Element{{f.claims[0], f.deposit.Hash(), f.claims[1]}, {f.claims[2]}}, mid)
	msg.InboxEntries[1].Source = uint32(ledger.SourceForced)
	var err error
	f.held, err = commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, f.held.SetChild(1, leafCommitment(11, 1, 2).Hash()))
	require.NoError(t, f.held.SetChild(2, f.prev.Hash()))
	f.heldRoot, err = f.held.Root()
	require.NoError(t, err)
	f.move = childMove{height: 10, prev: &f.prev, inbox: f.inbox, msg: msg}
	return f
}

// opened is the fixture's move with its forced deposits read from chain 1.
func (f *forcedFixture) opened(t *testing.T, mv childMove) childMove {
	t.Helper()
	forced, err := forcedEntries(mv.msg)
	require.NoError(t, err)
	mv.deposits, err = readDeposits(context.Background(), f.chain, f.vid, forcedParams, mv, forced)
	require.NoError(t, err)
	return mv
}

// checkLeafWitness checks a leaf step's witness as its circuit does, natively: its assignment
// (subtree.AssignLeafStep, the prover's first check) holds its shape; the move keeps the leaf's
// vid, operator and epoch, does not move the anchor back and leaves a leaf with the leaf report;
// each forced entry is opened, in slot order, by a message addressed to the child and included
// in the parent's outbox whose root the statement names; the batch statement chains every entry
// with its source.
func checkLeafWitness(t *testing.T, w subtree.LeafStepWitness, p ledger.Params) {
	t.Helper()
	a, err := subtree.AssignLeafStep(recursion.FixedKey{}, p, w)
	require.NoError(t, err)
	pub := w.Public()
	require.Equal(t, pub.Statement(), a.Statement)
	require.Equal(t, w.Old.Vid, w.New.Vid)
	require.Equal(t, w.Old.OperatorKeyHash, w.New.OperatorKeyHash)
	require.Equal(t, w.Old.Epoch, w.New.Epoch)
	require.GreaterOrEqual(t, w.New.AnchorHeight, w.Old.AnchorHeight)
	empty := commitment.EmptyChildrenRoot()
	require.Equal(t, empty, w.New.ChildrenRoot)
	require.Equal(t, empty, w.New.FinalizedChildrenRoot)
	require.Equal(t, subtree.LeafReportDigest(w.New.AnchorHeight), w.New.AcceptanceDigest)
	if !w.First {
		require.Equal(t, smt.ComputeRoot(smt.LeafHash(commitment.ChildLeaf(w.Index, w.Old.Hash())), uint64(w.Index), w.Siblings), pub.RootBefore)
	}
	head, prev := w.InboxOld, -1
	forced := map[int]bool{}
	for _, d := range w.Deposits {
		require.False(t, w.First, "a first step opens no deposit")
		require.Greater(t, d.Slot, prev, "slots ascend")
		require.Less(t, d.Slot, len(w.Claims))
		prev, forced[d.Slot] = d.Slot, true
		require.Equal(t, w.Claims[d.Slot], d.Message.Hash(), "the deposit is the entry")
		require.Equal(t, w.New.Vid, d.Message.DstVid, "addressed to the child")
		require.Equal(t, d.Message.Hash(), d.Proof.Item)
		require.NoError(t, smt.VerifyAccumulatorProof(w.ParentOutbox, p.OutboxDepth, d.Proof), "in the parent's outbox")
		require.Equal(t, 1, a.Forced[d.Slot])
	}
	require.LessOrEqual(t, len(w.Deposits), min(subtree.MaxForcedPerBatch, p.BatchSize))
	for i, m := range w.Claims {
		src := ledger.SourceClaim
		if forced[i] {
			src = ledger.SourceForced
		}
		head = ledger.InboxLink(head, m, src)
	}
	require.Equal(t, head, w.InboxHead())
	require.Equal(t, ledger.PublicInputs{Vid: w.Old.Vid, OldLedgerRoot: w.Old.LedgerRoot, NewLedgerRoot: w.New.LedgerRoot,
		OldInbox: w.InboxOld, NewInbox: head, OldOutbox: w.Old.OutboxRoot, NewOutbox: w.New.OutboxRoot,
		OldReceipts: w.Old.ReceiptRoot, NewReceipts: w.New.ReceiptRoot, AnchorHeight: w.New.AnchorHeight,
		AnchorCommitment: w.New.AnchorCommitment}.Elements(), w.BatchInputs())
	if len(w.Deposits) == 0 {
		require.NotEqual(t, uint64(subtree.KindLeafForced), pub.Kind)
		require.Nil(t, a.Deposits, "the plain circuit")
		return
	}
	require.Equal(t, uint64(subtree.KindLeafForced), pub.Kind)
	require.Equal(t, w.ParentOutbox, pub.ParentOutbox)
	require.Equal(t, w.ParentOutbox, a.ParentOutbox[0])
	require.Len(t, a.Deposits, min(subtree.MaxForcedPerBatch, p.BatchSize), "the forced circuit")
}

// TestForcedStepWitnesses: a grandchild batch that consumed a claim, a forced deposit of its
// parent and a claim is one forced leaf step (kind 9): every entry in order, the deposit opened
// at its slot in the parent's outbox at the block that accepted the update, whose root the
// statement names; the next batch's inbox head chains the deposit as forced, as the parent
// recorded it; the step message carries that outbox root and its growth into the target
// commitment's outbox root, proven at the target's block.
func TestForcedStepWitnesses(t *testing.T) {
	f := newForcedFixture(t)
	mv := f.opened(t, f.move)
	ws, err := leafStepWitnesses(f.held, []childMove{mv}, forcedParams)
	require.NoError(t, err)
	require.Len(t, ws, 2, "one step per batch")
	for _, w := range ws {
		checkLeafWitness(t, w, forcedParams)
	}

	w := ws[0]
	depositHash := f.deposit.Hash()
	require.Equal(t, []fr.Element{f.claims[0], depositHash, f.claims[1]}, w.Claims, "every entry, in order")
	require.Len(t, w.Deposits, 1)
	d := w.Deposits[0]
	require.Equal(t, 1, d.Slot)
	require.Equal(t, f.deposit, d.Message)
	require.Equal(t, uint64(1), d.Proof.Index, "its position in 1's outbox")
	require.Equal(t, uint64(3), d.Proof.Size, "1's outbox at block 10, where it accepted the update")
	root10 := f.chain.root(t, 10)
	require.Equal(t, root10, w.ParentOutbox)
	leaf := ws[0].New.Hash()
	want := subtree.StepPublic{Kind: subtree.KindLeafForced, ChildVid: f.gvid, Index: 2, RootBefore: f.heldRoot,
		RootAfter: ws[1].Public().RootBefore, AnchorHeight: 6, AnchorCommitment: f.next.AnchorCommitment, Leaf: leaf, ParentOutbox: root10}
	require.Equal(t, want, w.Public())
	require.Equal(t, want.Statement(), w.Public().Statement())
	plain := want
	plain.Kind = subtree.KindLeaf
	require.NotEqual(t, plain.Statement(), want.Statement(), "the kind and the outbox root are stated")

	head := f.inbox
	for _, e := range f.move.msg.InboxEntries {
		h, src, err := e.Decode()
		require.NoError(t, err)
		head = ledger.InboxLink(head, h, src)
	}
	require.Equal(t, ws[0].InboxHead(), ws[1].InboxOld, "the second batch starts where the first ended")
	require.Equal(t, head, ws[1].InboxHead(), "the update ends at the head the parent recorded")
	require.Equal(t, uint64(subtree.KindLeaf), ws[1].Public().Kind, "a batch of claims is a plain leaf step")
	require.Equal(t, f.next, ws[1].New)

	// the update targeting 1's commitment at block 12: the forced step carries its outbox root
	// and that root's growth into the target's, the plain one neither
	final, err := f.held.Root()
	require.NoError(t, err)
	var steps []plannedStep
	proofs := map[string][]byte{}
	for _, w := range ws {
		pub := w.Public()
		key := string(hash.EncodeElement(pub.Statement()))
		steps, proofs[key] = append(steps, plannedStep{height: 10, w: w, pub: pub, key: key}), []byte("proof")
	}
	proof := func(key string) ([]byte, bool) { p, ok := proofs[key]; return p, ok }
	own := leafCommitment(1, 9, 9)
	own.Vid, own.ChildrenRoot, own.OutboxRoot = f.vid, final, f.chain.root(t, 12)
	target := treetypes.OwnCommitment{Height: 12, Commitment: hash.EncodeElement(own.Hash()), Fields: slushtypes.NewCommitmentFields(own)}
	ctx := context.Background()
	msgs, err := assembleSteps(f.heldRoot, steps, proof, growthTo(ctx, f.chain, f.vid, forcedParams, target), target)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	require.Equal(t, uint32(subtree.KindLeafForced), msgs[0].Kind)
	require.Equal(t, hash.EncodeElement(root10), msgs[0].ParentOutbox)
	outbox, growth, err := msgs[0].ForcedOutbox()
	require.NoError(t, err)
	require.Equal(t, root10, outbox)
	require.Equal(t, uint64(3), growth.EarlierSize)
	require.Equal(t, uint64(5), growth.LaterSize)
	require.NoError(t, smt.VerifyAccumulatorGrowth(outbox, own.OutboxRoot, forcedParams.OutboxDepth, growth), "as the parent checks it")
	require.Error(t, smt.VerifyAccumulatorGrowth(f.chain.root(t, 9), own.OutboxRoot, forcedParams.OutboxDepth, growth), "another earlier root")
	require.Equal(t, uint32(subtree.KindLeaf), msgs[1].Kind)
	require.Empty(t, msgs[1].ParentOutbox)
	require.Nil(t, msgs[1].OutboxGrowth)

	// a target whose outbox root is not the outbox at its block
	wrong := own
	wrong.OutboxRoot = root10
	target.Fields = slushtypes.NewCommitmentFields(wrong)
	_, err = assembleSteps(f.heldRoot, steps, proof, growthTo(ctx, f.chain, f.vid, forcedParams, target), target)
	require.ErrorContains(t, err, "its commitment")
}

// TestForcedStepRefusals: a forced entry that is not a deposit the parent burnt for the
// grandchild, an exit entry, a deposit in a first step, more deposits than a forced step opens
// and a forced entry with no opening (node ledger steps) are unprovable moves; a forced entry
// the queue does not list is an error (nothing to open it from).
func TestForcedStepRefusals(t *testing.T) {
	f := newForcedFixture(t)
	ctx := context.Background()
	consuming := func(m inclusion.Message) childMove { // the fixture's move with m as its forced entry
		mv := f.move
		msg := *mv.msg
		msg.InboxEntries = append([]validiumtypes.InboxEntry(nil), msg.InboxEntries...)
		msg.InboxEntries[1].MessageHash = hash.EncodeElement(m.Hash())
		mv.msg = &msg
		return mv
	}
	for _, tc := range []struct {
		name string
		m    inclusion.Message
		want string
	}{
		{"a routed message (not in the parent's outbox)", f.routed, "routed through the forced queue"},
		{"a deposit addressed to another chain", f.elsewhere, "addressed to 1-3"},
		{"a position past the parent's outbox", f.unsent, "not in the parent's outbox"},
		{"another message at its position", f.displaced, "holds another message"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mv := consuming(tc.m)
			forced, err := forcedEntries(mv.msg)
			require.NoError(t, err)
			_, err = readDeposits(ctx, f.chain, f.vid, forcedParams, mv, forced)
			require.ErrorIs(t, err, errUnprovableMove)
			require.ErrorContains(t, err, tc.want)
		})
	}
	t.Run("a forced entry the queue does not list", func(t *testing.T) {
		mv := consuming(f.forwarded) // queued to be forwarded, not minted
		forced, err := forcedEntries(mv.msg)
		require.NoError(t, err)
		_, err = readDeposits(ctx, f.chain, f.vid, forcedParams, mv, forced)
		require.Error(t, err)
		require.NotErrorIs(t, err, errUnprovableMove, "not known to be unprovable: unread")
	})

	opened := f.opened(t, f.move)
	many := &forcedDeposits{outbox: hash.Uint64(1), byHash: map[fr.Element]subtree.DepositOpening{}}
	for _, tc := range []struct {
		name string
		edit func(mv *childMove)
		want string
	}{
		{"an exit entry", func(mv *childMove) { mv.msg.InboxEntries[0].Source = uint32(ledger.SourceExit) }, "source exit"},
		{"a forced deposit in a first step", func(mv *childMove) { mv.prev = nil }, "in a first step"},
		{"a forced entry not opened in the parent's outbox", func(mv *childMove) { mv.deposits = nil }, "not opened"},
		{"more forced entries than a forced step opens", func(mv *childMove) {
			mv.deposits = many
			mv.msg.InboxEntries = nil
			for i := range subtree.MaxForcedPerBatch + 1 {
				h := hash.Uint64(uint64(700 + i))
				many.byHash[h] = subtree.DepositOpening{}
				mv.msg.InboxEntries = append(mv.msg.InboxEntries, validiumtypes.InboxEntry{MessageHash: hash.EncodeElement(h), Source: uint32(ledger.SourceForced)})
			}
			mv.msg.Batches = mv.msg.Batches[:1]
			mv.msg.Batches[0].InboxEntries = uint32(len(mv.msg.InboxEntries))
		}, fmt.Sprintf("more than %d forced entries", subtree.MaxForcedPerBatch)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mv := opened
			msg := *mv.msg
			msg.InboxEntries = append([]validiumtypes.InboxEntry(nil), msg.InboxEntries...)
			msg.Batches = append([]validiumtypes.LedgerBatch(nil), msg.Batches...)
			mv.msg = &msg
			tc.edit(&mv)
			tree, err := commitment.NewChildrenTree(smt.NewMemStore())
			require.NoError(t, err)
			_, err = leafStepWitnesses(tree, []childMove{mv}, forcedParams)
			require.ErrorIs(t, err, errUnprovableMove)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestForcedStepKeys: forced steps need keys_dir/leaf-forced-step.vk (node-ledger-forced-step.vk
// for a grandchild that has children) byte-equal to the parent's leaf_forced_step_key
// (node_ledger_forced_step_key); without them a child update whose batch consumed a forced deposit
// stops the plan at its block, saying why, before anything is read, and the moves before it are
// planned.
func TestForcedStepKeys(t *testing.T) {
	key, other := []byte("forced key"), []byte("another key")
	for _, tc := range []struct {
		name       string
		params     validiumtypes.Params
		leaf, node []byte
		wantLeaf   string // "" if provable
		wantNode   string
	}{
		{"the parent's keys", validiumtypes.Params{LeafForcedStepKey: key, NodeLedgerForcedStepKey: other}, key, other, "", ""},
		{"no forced keys in keys_dir", validiumtypes.Params{LeafForcedStepKey: key, NodeLedgerForcedStepKey: other}, nil, nil,
			"keys_dir has no leaf-forced-step.pk/.vk", "keys_dir has no node-ledger-forced-step.pk/.vk"},
		{"the parent has no forced keys", validiumtypes.Params{}, key, other,
			"the parent has no leaf_forced_step_key", "the parent has no node_ledger_forced_step_key"},
		{"other keys than the parent's", validiumtypes.Params{LeafForcedStepKey: other, NodeLedgerForcedStepKey: key}, key, other,
			"is not keys_dir/leaf-forced-step.vk", "is not keys_dir/node-ledger-forced-step.vk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaf, node := forcedKeys(tc.params, tc.leaf, tc.node)
			for _, c := range []struct {
				err  error
				want string
			}{{leaf, tc.wantLeaf}, {node, tc.wantNode}} {
				if c.want == "" {
					require.NoError(t, c.err)
					continue
				}
				require.ErrorIs(t, c.err, errUnprovableMove)
				require.ErrorContains(t, c.err, c.want)
			}
		})
	}

	// 1-1 and 1-2 hold their genesis leaves; 1-1's update at 8 claims, 1-2's at 10 consumes a
	// forced deposit, without the forced keys: planned up to 8, stopped at 10 (testChain reads
	// nothing: a read would fail)
	ctx := context.Background()
	c := testChain()
	g1, g2 := genesisOpening([]uint8{1, 1}).Commitment, genesisOpening([]uint8{1, 2}).Commitment
	a1, b1 := firstCommitment([]uint8{1, 1}, 100, 3), firstCommitment([]uint8{1, 2}, 200, 4)
	forcedMsg := update(t, 2, nil, b1, [][]fr.Element{{hash.Uint64(501), hash.Uint64(502)}})
	forcedMsg.InboxEntries[1].Source = uint32(ledger.SourceForced)
	noLeafKeys, _ := forcedKeys(validiumtypes.Params{LeafForcedStepKey: key}, nil, nil)
	plan := &subtreePlan{inbox: map[uint8]fr.Element{}, genesis: map[uint8]commitment.Commitment{1: g1, 2: g2}, roots: genesisRoots,
		moves:      []chainclient.AcceptedUpdate{{Height: 8, Msg: update(t, 1, nil, a1, [][]fr.Element{{hash.Uint64(500)}})}, {Height: 10, Msg: forcedMsg}},
		leafForced: noLeafKeys}
	var err error
	plan.children, err = commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, plan.children.SetChild(1, g1.Hash()))
	require.NoError(t, plan.children.SetChild(2, g2.Hash()))
	var logged bytes.Buffer
	pl := testPlanner()
	pl.log = slog.New(slog.NewTextHandler(&logged, nil))
	steps, stop, err := pl.planSteps(ctx, c, plan)
	require.NoError(t, err)
	require.Equal(t, int64(10), stop, "1-2's forced deposit needs the forced keys")
	require.Contains(t, logged.String(), "keys_dir has no leaf-forced-step.pk/.vk", "says why")
	require.Len(t, steps, 1)
	require.Equal(t, int64(8), steps[0].height)
	require.Equal(t, uint64(subtree.KindLeaf), steps[0].pub.Kind)
	checkLeafWitness(t, steps[0].w.(subtree.LeafStepWitness), stepParams)
}

// TestNodeMoveForcedDeposit: a grandchild that has children and whose first batch consumed a
// forced deposit of its parent moves by a forced node ledger step (kind 10) opening it, the next
// batch chained after it as forced; without the deposits opened the move is unprovable.
func TestNodeMoveForcedDeposit(t *testing.T) {
	f := newNodeFixture(t)
	f.move.msg.InboxEntries[0].Source = uint32(ledger.SourceForced)
	deposit := subtree.DepositOpening{Proof: smt.AccumulatorProof{Index: 0, Item: hash.Uint64(501), Size: 1, Siblings: make([]fr.Element, stepParams.OutboxDepth)}}
	outbox := hash.Uint64(4242)
	f.move.deposits = &forcedDeposits{outbox: outbox, byHash: map[fr.Element]subtree.DepositOpening{hash.Uint64(501): deposit}}
	steps, err := nodeMoveWitnesses(f.held, f.move, f.src, nodeShape)
	require.NoError(t, err)
	require.Len(t, steps, 4)
	first := steps[0].w.(subtree.NodeLedgerStepWitness)
	checkNodeWitness(t, steps[0])
	require.Equal(t, uint64(subtree.KindNodeLedgerForced), first.Public().Kind)
	require.Equal(t, outbox, first.Public().ParentOutbox)
	require.Len(t, first.Move.Deposits, 1)
	require.Equal(t, 0, first.Move.Deposits[0].Slot)
	second := steps[1].w.(subtree.NodeLedgerStepWitness)
	require.Equal(t, uint64(subtree.KindNodeLedger), second.Public().Kind, "the claim-only batch is a plain step")
	require.Equal(t, ledger.InboxLink(f.move.inbox, hash.Uint64(501), ledger.SourceForced), second.Move.InboxOld)

	g := newNodeFixture(t)
	g.move.msg.InboxEntries[0].Source = uint32(ledger.SourceForced)
	_, err = nodeMoveWitnesses(g.held, g.move, g.src, nodeShape)
	require.ErrorIs(t, err, errUnprovableMove, "a forced entry not opened")
}
