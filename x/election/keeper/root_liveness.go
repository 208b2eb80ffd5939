package keeper

import (
	"bytes"
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/types"
)

// rootSilence says why a root re-election may open now (DESIGN §10): misbehaviour evidence froze
// the parent client (x/tree MsgSubmitMisbehaviour; the election observes the freeze, x/tree never
// calls up), or this chain's newest trusted root header is root_liveness_timeout old by this
// chain's block time ("syncs no new root header for a timeout of its own block time": a sync that
// verifies a new header moves that header forward). The root is silent at the timeout exactly.
// Otherwise ErrRootNotSilent. For MISBEHAVIOUR it returns the freeze's evidence hash.
func (k Keeper) rootSilence(ctx context.Context, params types.Params) (types.RootElectionReason, []byte, error) {
	freeze, frozen, err := k.tree.ParentClientFreeze(ctx)
	if err != nil {
		return 0, nil, err
	}
	if frozen {
		return types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, freeze.EvidenceHash, nil
	}
	_, headerTime, err := k.tree.TrustedParentHeader(ctx)
	if err != nil {
		return 0, nil, err
	}
	if params.RootLivenessTimeoutSeconds == 0 {
		return 0, nil, errorsmod.Wrap(types.ErrRootNotSilent, "the liveness check is off (root_liveness_timeout_seconds = 0) and no evidence froze the parent client")
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	silentFrom := headerTime.Add(time.Duration(params.RootLivenessTimeoutSeconds) * time.Second)
	if now.Before(silentFrom) {
		return 0, nil, errorsmod.Wrapf(types.ErrRootNotSilent, "newest trusted root header at %s, silent from %s, block time %s",
			headerTime.UTC().Format(time.RFC3339), silentFrom.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return types.RootElectionReason_ROOT_ELECTION_REASON_SILENT, nil, nil
}

// reportRootSilent opens this chain's replica of a root re-election (or names the base of one
// misbehaviour opened, nameRootBase): this chain is a child of the root, root elections are on,
// none is open, the root is silent or misbehaved (rootSilence), and
// the base is a root commitment this chain verified whose preimage (the root's vid; its epoch is
// the epoch being replaced, not one already re-elected) and root histogram (b_root, its total) the
// message supplies. Votes are refused from the deadline, opening time + root_election_period.
func (k Keeper) reportRootSilent(ctx context.Context, msg *types.MsgReportRootSilent) (types.RootElection, error) {
	if _, err := k.addressCodec.StringToBytes(msg.Submitter); err != nil {
		return types.RootElection{}, errorsmod.Wrapf(types.ErrInvalidAddress, "submitter: %v", err)
	}
	if err := k.requireRootChild(ctx); err != nil {
		return types.RootElection{}, err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return types.RootElection{}, err
	}
	if params.RootElectionPeriodSeconds == 0 {
		return types.RootElection{}, errorsmod.Wrap(types.ErrRootElectionOff, "root_election_period_seconds is 0")
	}
	openID, err := k.OpenRootElection.Get(ctx)
	switch {
	case err == nil:
		return k.nameRootBase(ctx, openID, msg)
	case !errors.Is(err, collections.ErrNotFound):
		return types.RootElection{}, err
	}
	reason, evidence, err := k.rootSilence(ctx, params)
	if err != nil {
		return types.RootElection{}, err
	}
	base, root, subtree, err := k.rootBase(ctx, msg)
	if err != nil {
		return types.RootElection{}, err
	}
	if err := k.requireEpochNotElected(ctx, root.Epoch); err != nil {
		return types.RootElection{}, err
	}
	id, err := k.NextRootElectionID.Next(ctx)
	if err == nil && id == 0 { // ids start at 1
		id, err = k.NextRootElectionID.Next(ctx)
	}
	if err != nil {
		return types.RootElection{}, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	election := types.RootElection{
		Id: id, Epoch: root.Epoch, Reason: reason, BaseRootHeight: msg.BaseRootHeight, BaseCommitment: base,
		Subtree: subtree, OpenedHeight: sdkCtx.BlockHeight(),
		DeadlineUnix: sdkCtx.BlockTime().Unix() + int64(params.RootElectionPeriodSeconds), // both bounded: no overflow
		Status:       types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN, EvidenceHash: evidence,
	}
	if err := k.RootElections.Set(ctx, id, election); err != nil {
		return types.RootElection{}, err
	}
	if err := k.OpenRootElection.Set(ctx, id); err != nil {
		return types.RootElection{}, err
	}
	if len(evidence) > 0 { // this evidence has its election: EndBlock opens none for it
		if err := k.LastMisbehaviourEvidence.Set(ctx, evidence); err != nil {
			return types.RootElection{}, err
		}
	}
	return election, emitRootElectionOpened(ctx, election)
}

// emitRootElectionOpened logs and emits EventRootElectionOpened for an election as it now is.
func emitRootElectionOpened(ctx context.Context, e types.RootElection) error {
	slushtypes.Log(ctx, types.ModuleName, "root re-election opened", "election", e.Id, "epoch", e.Epoch,
		"reason", e.Reason.String(), "base_root_height", e.BaseRootHeight, "subtree", e.Subtree, "deadline_unix", e.DeadlineUnix)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRootElectionOpened{
		ElectionId: e.Id, Epoch: e.Epoch, Reason: e.Reason, BaseRootHeight: e.BaseRootHeight,
		BaseCommitment: e.BaseCommitment, Subtree: e.Subtree, DeadlineUnix: e.DeadlineUnix, EvidenceHash: e.EvidenceHash,
	})
}

// nameRootBase answers a report while an election is open: an election misbehaviour opened in
// EndBlock without a base takes the report's base (the same checks as a new election's); any
// other open election refuses it (ErrRootElectionOpen). The deadline stays.
func (k Keeper) nameRootBase(ctx context.Context, id uint64, msg *types.MsgReportRootSilent) (types.RootElection, error) {
	election, err := k.RootElections.Get(ctx, id)
	if err != nil {
		return types.RootElection{}, err
	}
	if election.BaseRootHeight != 0 {
		return types.RootElection{}, errorsmod.Wrapf(types.ErrRootElectionOpen, "root election %d on base %d", id, election.BaseRootHeight)
	}
	base, root, subtree, err := k.rootBase(ctx, msg)
	if err != nil {
		return types.RootElection{}, err
	}
	if err := k.requireEpochNotElected(ctx, root.Epoch); err != nil {
		return types.RootElection{}, err
	}
	election.Epoch, election.BaseRootHeight, election.BaseCommitment, election.Subtree = root.Epoch, msg.BaseRootHeight, base, subtree
	if err := k.RootElections.Set(ctx, id, election); err != nil {
		return types.RootElection{}, err
	}
	return election, emitRootElectionOpened(ctx, election)
}

// OpenRootElectionOnMisbehaviour opens a root election in EndBlock when misbehaviour evidence
// froze this chain's parent client and this chain is a child of the root (DESIGN §10: the
// evidence "opens a root re-election"), once per evidence: root elections on, none open, and no
// election opened for this evidence before. It has no base: the first MsgReportRootSilent names
// one (the chain holds no root preimage or histogram to fix b_root); votes wait for it.
// Bounded: a few reads per block.
func (k Keeper) OpenRootElectionOnMisbehaviour(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil || params.RootElectionPeriodSeconds == 0 {
		return err
	}
	path, err := k.tree.OwnPath(ctx)
	if err != nil || len(path) != 1 {
		return err
	}
	freeze, frozen, err := k.tree.ParentClientFreeze(ctx)
	if err != nil || !frozen {
		return err
	}
	if open, err := k.OpenRootElection.Has(ctx); err != nil || open {
		return err
	}
	last, err := k.LastMisbehaviourEvidence.Get(ctx)
	switch {
	case err == nil && bytes.Equal(last, freeze.EvidenceHash):
		return nil
	case err != nil && !errors.Is(err, collections.ErrNotFound):
		return err
	}
	id, err := k.NextRootElectionID.Next(ctx)
	if err == nil && id == 0 { // ids start at 1
		id, err = k.NextRootElectionID.Next(ctx)
	}
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	election := types.RootElection{
		Id: id, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, OpenedHeight: sdkCtx.BlockHeight(),
		DeadlineUnix: sdkCtx.BlockTime().Unix() + int64(params.RootElectionPeriodSeconds),
		Status:       types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN, EvidenceHash: freeze.EvidenceHash,
	}
	if err := k.RootElections.Set(ctx, id, election); err != nil {
		return err
	}
	if err := k.OpenRootElection.Set(ctx, id); err != nil {
		return err
	}
	if err := k.LastMisbehaviourEvidence.Set(ctx, freeze.EvidenceHash); err != nil {
		return err
	}
	return emitRootElectionOpened(ctx, election)
}

// rootBase checks the base a report names: a root commitment this chain verified at that root
// height, the preimage hashing to it and naming the root, and the root histogram its acceptance
// digest binds, with at least one descendant. It returns the commitment, its preimage and b_root.
func (k Keeper) rootBase(ctx context.Context, msg *types.MsgReportRootSilent) ([]byte, commitment.Commitment, uint64, error) {
	base, ok, err := k.tree.RootCommitmentAt(ctx, msg.BaseRootHeight)
	if err != nil {
		return nil, commitment.Commitment{}, 0, err
	}
	if !ok {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrapf(types.ErrInvalidRootBase, "this chain holds no root commitment at root height %d", msg.BaseRootHeight)
	}
	want, err := hash.DecodeElement(base)
	if err != nil {
		return nil, commitment.Commitment{}, 0, err
	}
	root, err := msg.Root.Decode()
	if err != nil {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrap(types.ErrInvalidField, err.Error())
	}
	if h := root.Hash(); !h.Equal(&want) {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrapf(types.ErrInvalidRootBase, "the preimage is not the root commitment at %d", msg.BaseRootHeight)
	}
	rootVid, err := commitment.PackVid(nil)
	if err != nil {
		return nil, commitment.Commitment{}, 0, err
	}
	if !root.Vid.Equal(&rootVid) {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrap(types.ErrInvalidRootBase, "the preimage names another validium than the root")
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.GasPerHop+types.GasPerBucket*uint64(len(msg.RootHistogram)), "root election base")
	if len(msg.RootHistogram) == 0 || len(msg.RootHistogram) > types.MaxHistogramBuckets {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrapf(types.ErrInvalidHistogram, "%d buckets", len(msg.RootHistogram))
	}
	h := acceptancetypes.HistogramFromProto(msg.RootHistogram)
	if err := h.Validate(^uint64(0)); err != nil {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrap(types.ErrInvalidHistogram, err.Error())
	}
	if d := h.Digest(); !d.Equal(&root.AcceptanceDigest) {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrap(types.ErrInvalidHistogram, "digest is not the root commitment's acceptance digest")
	}
	subtree := h.Total()
	if subtree < 2 {
		return nil, commitment.Commitment{}, 0, errorsmod.Wrapf(types.ErrInvalidHistogram, "b_root %d: the root has no descendant to vote", subtree)
	}
	return base, root, subtree, nil
}

// requireRootChild refuses (ErrNotRootChild) on a chain that is not a child of the root: only
// those keep a replica of the root election (their parent client is the root's light client).
func (k Keeper) requireRootChild(ctx context.Context) error {
	path, err := k.tree.OwnPath(ctx)
	if err != nil {
		return err
	}
	if len(path) != 1 {
		return errorsmod.Wrapf(types.ErrNotRootChild, "path %v", []uint8(path))
	}
	return nil
}

// requireEpochNotElected refuses (ErrRootEpochElected) a root election about an epoch at or
// below one already re-elected: after a result the next election is about the restarted root.
func (k Keeper) requireEpochNotElected(ctx context.Context, epoch uint64) error {
	iter, err := k.RootResults.Iterate(ctx, new(collections.Range[uint64]).Descending()) // the newest epoch first
	if err != nil {
		return err
	}
	defer iter.Close()
	if !iter.Valid() {
		return nil
	}
	newest, err := iter.Key()
	if err != nil {
		return err
	}
	if epoch <= newest {
		return errorsmod.Wrapf(types.ErrRootEpochElected, "root epoch %d, epoch %d was re-elected already", epoch, newest)
	}
	return nil
}
