package keeper

import (
	"bytes"
	"context"
	"encoding/hex"
	"math"
	"math/bits"

	slushtypes "github.com/slush-tree/slush/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/internal/smtstore"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// submitUpdate runs every check of DESIGN §5 on a child's update (the msg server ran
// MsgSubmitUpdate.ValidateStateless first), charges the verification gas of every batch, verifies
// the batch proofs and, in RECURSIVE mode, the step proofs of the child's children roots, and
// then records the update. Nothing is written before every check has passed.
func (k Keeper) submitUpdate(ctx context.Context, msg *types.MsgSubmitUpdate) (*types.MsgSubmitUpdateResponse, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if len(msg.Batches) > int(params.MaxBatchesPerUpdate) { // DESIGN §5 "Bursts": bounded
		return nil, errorsmod.Wrapf(types.ErrTooManyBatches, "%d > max_batches_per_update %d", len(msg.Batches), params.MaxBatchesPerUpdate)
	}
	charge, err := k.checkStepBudget(ctx, params, msg)
	if err != nil {
		return nil, err
	}
	child, err := k.updatableChild(ctx, msg.ChildIndex, msg.Operator)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(msg.PrevCommitment, child.LatestCommitment) {
		return nil, errorsmod.Wrapf(types.ErrStalePrev, "child %d", msg.ChildIndex)
	}
	fields, err := msg.NewCommitment.Decode()
	if err != nil {
		return nil, err
	}
	if err := k.checkVid(ctx, msg.ChildIndex, fields.Vid); err != nil {
		return nil, err
	}
	startsDeparture, err := k.checkDeparture(ctx, params, child, msg)
	if err != nil {
		return nil, err
	}
	wantKey, err := k.expectedOperatorKey(child, msg)
	if err != nil {
		return nil, err
	}
	if err := checkOperator(child, fields, wantKey, msg.Departure != nil); err != nil {
		return nil, err
	}
	if err := k.checkAnchor(ctx, child, fields); err != nil {
		return nil, err
	}
	entries, heads, err := chainInbox(child.InboxHead, msg.InboxEntries)
	if err != nil {
		return nil, err
	}
	inputs, err := batchInputs(child, fields, heads, msg.Batches)
	if err != nil {
		return nil, err
	}
	if err := k.checkFresh(ctx, msg.ChildIndex, entries); err != nil {
		return nil, err
	}
	forwarded, err := k.checkRouting(msg)
	if err != nil {
		return nil, err
	}
	consumed, err := k.matchForcedOps(ctx, msg.ChildIndex, entries, forwarded)
	if err != nil {
		return nil, err
	}
	if err := k.checkExits(ctx, msg.ChildIndex, fields, entries, msg.Exits); err != nil {
		return nil, err
	}
	histogram, err := k.reportedHistogram(ctx, msg.Histogram, fields)
	if err != nil {
		return nil, err
	}
	if err := k.verifyBatches(ctx, params, child, msg.Batches, inputs); err != nil {
		return nil, err
	}
	move, err := k.checkSubtree(ctx, params, child, fields, msg, histogram)
	if err != nil {
		return nil, err
	}
	if startsDeparture {
		startDeparture(&child, *msg.Departure, fields.AnchorHeight)
	}
	res, err := k.recordUpdate(ctx, child, fields, heads[len(heads)-1], consumed, histogram, msg.Subtree, len(msg.Batches))
	if err != nil {
		return nil, err
	}
	if startsDeparture {
		if err := emitDeparting(ctx, child); err != nil {
			return nil, err
		}
	}
	if err := k.detachIfDeparted(ctx, child); err != nil {
		return nil, err
	}
	if err := k.recordSubtree(ctx, msg.ChildIndex, move); err != nil {
		return nil, err
	}
	if err := k.chargeStepBudget(ctx, charge); err != nil {
		return nil, err
	}
	if res.Routed, err = k.recordRouting(ctx, msg.ChildIndex, entryHashes(entries), msg.Routed); err != nil {
		return nil, err
	}
	return res, nil
}

// updatableChild loads a child that exists, is active and is operated by operator.
func (k Keeper) updatableChild(ctx context.Context, index uint32, operator string) (types.Child, error) {
	child, err := k.GetChild(ctx, index)
	if err != nil {
		return types.Child{}, err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_ACTIVE {
		return types.Child{}, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", index)
	}
	if child.Operator != operator {
		return types.Child{}, errorsmod.Wrapf(types.ErrWrongOperator, "child %d is operated by %s", index, child.Operator)
	}
	return child, nil
}

// checkVid requires the commitment to name this child (so a proof for another child or
// another parent cannot be replayed here: vid is also a public input of the proof).
func (k Keeper) checkVid(ctx context.Context, index uint32, vid fr.Element) error {
	want, err := k.tree.ChildVid(ctx, index)
	if err != nil {
		return err
	}
	if !want.Equal(&vid) {
		return errorsmod.Wrapf(types.ErrWrongVid, "child %d", index)
	}
	return nil
}

// checkOperator requires the commitment to carry the child's current epoch and the operator
// key field expectedOperatorKey computed (the key hash, or a departure mark): once an elected
// operator is installed, updates made for the old epoch are refused (DESIGN §9).
func checkOperator(child types.Child, c commitment.Commitment, want fr.Element, departing bool) error {
	if c.Epoch != child.Epoch {
		return errorsmod.Wrapf(types.ErrWrongEpoch, "child %d is at epoch %d, commitment says %d", child.Index, child.Epoch, c.Epoch)
	}
	if !want.Equal(&c.OperatorKeyHash) {
		if departing {
			return errorsmod.Wrapf(types.ErrInvalidDeparture, "child %d: the commitment does not carry the departure mark", child.Index)
		}
		return errorsmod.Wrapf(types.ErrWrongOperatorKey, "child %d", child.Index)
	}
	return nil
}

// checkAnchor requires the anchor to advance and to be a root height and commitment this
// chain knows (DESIGN §5: "the anchor is a root height/commitment the parent itself knows").
func (k Keeper) checkAnchor(ctx context.Context, child types.Child, c commitment.Commitment) error {
	if c.AnchorHeight <= child.AnchorHeight {
		return errorsmod.Wrapf(types.ErrStaleAnchor, "anchor %d, last %d", c.AnchorHeight, child.AnchorHeight)
	}
	known, ok, err := k.tree.RootCommitmentAt(ctx, c.AnchorHeight)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrUnknownAnchor, "root height %d", c.AnchorHeight)
	}
	got := hash.EncodeElement(c.AnchorCommitment)
	if !bytes.Equal(known, got) {
		return errorsmod.Wrapf(types.ErrUnknownAnchor, "root commitment at %d differs", c.AnchorHeight)
	}
	return nil
}

// inboxEntry is one decoded entry of an update's consumed inbox.
type inboxEntry struct {
	hash   fr.Element
	key    []byte // the canonical encoding of hash
	source ledger.Source
}

// chainInbox decodes the consumed entries (MsgSubmitUpdate.ValidateStateless checked their
// count) and extends the child's inbox chain over them, each with its source (ledger.InboxLink).
// heads[i] is the chain's head after the first i entries, heads[0] the stored one: the batches'
// entry counts cut it into each batch's old and new inbox head (DESIGN §5 "Bursts").
func chainInbox(head []byte, raw []types.InboxEntry) ([]inboxEntry, []fr.Element, error) {
	link, err := decodeHead(head)
	if err != nil {
		return nil, nil, err
	}
	entries := make([]inboxEntry, len(raw))
	heads := make([]fr.Element, 1, len(raw)+1)
	heads[0] = link
	for i, e := range raw {
		h, src, err := e.Decode()
		if err != nil {
			return nil, nil, errorsmod.Wrapf(err, "inbox entry %d", i)
		}
		entries[i] = inboxEntry{hash: h, key: e.MessageHash, source: src}
		link = ledger.InboxLink(link, h, src)
		heads = append(heads, link)
	}
	return entries, heads, nil
}

// entryHashes is the message hashes of entries, in order.
func entryHashes(entries []inboxEntry) []fr.Element {
	out := make([]fr.Element, len(entries))
	for i, e := range entries {
		out[i] = e.hash
	}
	return out
}

// checkFresh refuses an entry consumed twice, in this update or by an earlier accepted one: a
// message is minted on a ledger at most once (DESIGN §7.3), and the ledger circuit proves
// inclusion, not uniqueness, so the parent enforces it over everything the child consumed.
func (k Keeper) checkFresh(ctx context.Context, index uint32, entries []inboxEntry) error {
	seen := make(map[string]bool, len(entries)) // looked up only, never iterated
	for i, e := range entries {
		if seen[string(e.key)] {
			return errorsmod.Wrapf(types.ErrDuplicateEntry, "inbox entry %d repeats an earlier entry", i)
		}
		seen[string(e.key)] = true
		consumed, err := k.ConsumedEntries.Has(ctx, collections.Join(index, e.key))
		if err != nil {
			return err
		}
		if consumed {
			return errorsmod.Wrapf(types.ErrDuplicateEntry, "inbox entry %d (%X) was consumed before", i, e.key)
		}
	}
	return nil
}

// decodeHead reads a stored inbox head; empty means the empty chain (zero).
func decodeHead(head []byte) (fr.Element, error) {
	if len(head) == 0 {
		return fr.Element{}, nil
	}
	e, err := hash.DecodeElement(head)
	if err != nil {
		return fr.Element{}, errorsmod.Wrapf(types.ErrInvalidField, "inbox head: %v", err)
	}
	return e, nil
}

// batchInputs is the ledger circuit's public input vector of each batch, in the circuit's order:
// vid, old/new ledger root, old/new inbox, old/new outbox, old/new receipts, anchor height,
// anchor commitment. DESIGN §5 "Bursts": the batches chain from the roots this chain holds for
// the child (ValidateStateless checked each link after the first and the last batch's end), all
// under the update's one anchor; heads (chainInbox) give each batch's inbox heads. An update
// without batches proves no ledger change, so its commitment must carry the held roots.
func batchInputs(child types.Child, c commitment.Commitment, heads []fr.Element, batches []types.LedgerBatch) ([][]fr.Element, error) {
	held, err := child.HeldRoots().Decode()
	if err != nil {
		return nil, errorsmod.Wrapf(err, "stored roots of child %d", child.Index)
	}
	if len(batches) == 0 {
		if held != [3]fr.Element{c.LedgerRoot, c.OutboxRoot, c.ReceiptRoot} {
			return nil, errorsmod.Wrapf(types.ErrUnprovenRoots, "child %d", child.Index)
		}
		return nil, nil
	}
	inputs := make([][]fr.Element, len(batches))
	entries := 0
	for i, b := range batches {
		start, err := b.Start.Decode()
		if err != nil {
			return nil, errorsmod.Wrapf(err, "batch %d start", i)
		}
		end, err := b.End.Decode()
		if err != nil {
			return nil, errorsmod.Wrapf(err, "batch %d end", i)
		}
		if i == 0 && start != held {
			return nil, errorsmod.Wrapf(types.ErrBatchChainBroken, "batch 0 does not start at the roots held for child %d", child.Index)
		}
		next := entries + int(b.InboxEntries)
		if next >= len(heads) { // ValidateStateless refused this already: the counts sum to len(heads)-1
			return nil, errorsmod.Wrapf(types.ErrBatchEntryCount, "batch %d consumes past the update's entries", i)
		}
		inputs[i] = []fr.Element{
			c.Vid, start[0], end[0], heads[entries], heads[next], start[1], end[1], start[2], end[2],
			hash.Uint64(c.AnchorHeight), c.AnchorCommitment,
		}
		entries = next
	}
	return inputs, nil
}

// verifyBatches charges the verification gas of every batch before any is verified (DESIGN §5:
// verification is priced, and an update's proofs are paid for up front), then verifies each
// batch against the child's registered key of the circuit it names: the claim circuit, or the
// transfer circuit, which cannot prove a claim (issue 15).
func (k Keeper) verifyBatches(ctx context.Context, params types.Params, child types.Child, batches []types.LedgerBatch, inputs [][]fr.Element) error {
	if len(batches) == 0 {
		return nil
	}
	perProof := saturatingMul(params.VerifyGasPerPublicInput, types.UpdatePublicInputs)
	perProof = saturatingAdd(perProof, params.VerifyGasFlat)
	gas := saturatingMul(perProof, uint64(len(batches)))
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(gas, "validium update proof verification")
	for i, b := range batches {
		vk, err := k.batchKey(child, b.Transfer)
		if err != nil {
			return errorsmod.Wrapf(err, "batch %d", i)
		}
		if err := prover.VerifyProof(vk, b.Proof, []fr.Element{ledger.StatementOf(inputs[i])}); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidProof, "batch %d: %v", i, err)
		}
	}
	return nil
}

// batchKey is the child's parsed verifying key of the transfer circuit (transfer) or of the
// claim circuit.
func (k Keeper) batchKey(child types.Child, transfer bool) (groth16.VerifyingKey, error) {
	raw := child.VerifyingKey
	if transfer {
		if len(child.TransferVerifyingKey) == 0 {
			return nil, errorsmod.Wrapf(types.ErrNoTransferKey, "child %d", child.Index)
		}
		raw = child.TransferVerifyingKey
	}
	vk, err := k.vks.Get(raw, types.UpdatePublicInputs)
	if err != nil {
		return nil, errorsmod.Wrap(types.ErrInvalidVerifyingKey, err.Error())
	}
	return vk, nil
}

// saturatingMul is a·b, or the largest uint64 where that overflows (gas params are governance's).
func saturatingMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// saturatingAdd is a+b, or the largest uint64 where that overflows.
func saturatingAdd(a, b uint64) uint64 {
	sum, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return sum
}

// recordUpdate stores an accepted update: the child's new roots and commitment, its history,
// the consumed forced operations, the children SMT leaf and the acceptance record.
func (k Keeper) recordUpdate(
	ctx context.Context, child types.Child, c commitment.Commitment, newInbox fr.Element,
	consumed []types.ForcedOperation, histogram acceptancetypes.Histogram, subtree uint64, batches int,
) (*types.MsgSubmitUpdateResponse, error) {
	h := c.Hash()
	commitmentBytes := hash.EncodeElement(h)
	if err := k.acceptance.OnChildUpdate(ctx, child.Index, c.AnchorHeight, commitmentBytes, histogram, subtree); err != nil {
		return nil, err
	}
	child.LatestCommitment = commitmentBytes
	child.LedgerRoot = hash.EncodeElement(c.LedgerRoot)
	child.OutboxRoot = hash.EncodeElement(c.OutboxRoot)
	child.ReceiptRoot = hash.EncodeElement(c.ReceiptRoot)
	child.InboxHead = hash.EncodeElement(newInbox)
	child.AnchorHeight = c.AnchorHeight
	child.Epoch = c.Epoch
	child.ChildrenRoot = hash.EncodeElement(c.ChildrenRoot)
	child.FinalizedChildrenRoot = hash.EncodeElement(c.FinalizedChildrenRoot)
	if err := k.Children.Set(ctx, child.Index, child); err != nil {
		return nil, err
	}
	for _, op := range consumed {
		if err := k.removeForcedOp(ctx, op); err != nil {
			return nil, err
		}
	}
	if len(consumed) > 0 {
		if err := k.advanceForcedHead(ctx, child.Index); err != nil {
			return nil, err
		}
	}
	if err := k.setChildLeaf(ctx, child.Index, h); err != nil {
		return nil, err
	}
	if err := k.appendHistory(ctx, child.Index, c.AnchorHeight, commitmentBytes); err != nil {
		return nil, err
	}
	if err := k.recordSnapshot(ctx, child, consumed); err != nil { // DESIGN §9 rollback point
		return nil, err
	}
	slushtypes.Log(ctx, types.ModuleName, "child update accepted", "child", child.Index, "anchor", c.AnchorHeight,
		"commitment", hex.EncodeToString(commitmentBytes), "batches", batches, "forced_consumed", len(consumed))
	err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventChildUpdated{
		ChildIndex: child.Index, RootHeight: c.AnchorHeight, Commitment: commitmentBytes,
		ForcedConsumed: uint64(len(consumed)), Batches: uint32(batches),
	})
	return &types.MsgSubmitUpdateResponse{Commitment: commitmentBytes, ForcedConsumed: uint64(len(consumed)), Batches: uint32(batches)}, err
}

// setChildLeaf updates this chain's children SMT (DESIGN §3 childrenRoot).
func (k Keeper) setChildLeaf(ctx context.Context, index uint32, h fr.Element) error {
	tree, err := commitment.NewChildrenTree(smtstore.New(ctx, k.ChildrenTree))
	if err != nil {
		return err
	}
	return tree.SetChild(uint8(index), h)
}

// ChildrenRoot is the root of this chain's children SMT, bound into its own commitment.
func (k Keeper) ChildrenRoot(ctx context.Context) (fr.Element, error) {
	tree, err := commitment.NewChildrenTree(smtstore.New(ctx, k.ChildrenTree))
	if err != nil {
		return fr.Element{}, err
	}
	return tree.Root()
}

// ChildProof is the children-SMT path of a child under this chain's children root: what an
// inclusion proof needs for the hop through this chain (DESIGN §7.2).
func (k Keeper) ChildProof(ctx context.Context, index uint32) (smt.Proof, error) {
	tree, err := commitment.NewChildrenTree(smtstore.New(ctx, k.ChildrenTree))
	if err != nil {
		return smt.Proof{}, err
	}
	return tree.Prove(uint8(index))
}
