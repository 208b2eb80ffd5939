package keeper

import (
	"context"
	"errors"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// reportWithholding opens an emergency round for a child (DESIGN §9: "any descendant files
// MsgReportWithholding on p"): the reporter proves it is a strict descendant of the child in the
// child's finalized commitment and signs the report with the operator key that commitment chain
// names. One round per child is open at a time; it closes at root height + round_duration.
func (k Keeper) reportWithholding(ctx context.Context, msg *types.MsgReportWithholding) (types.Round, error) {
	if _, err := k.addressCodec.StringToBytes(msg.Submitter); err != nil {
		return types.Round{}, errorsmod.Wrapf(types.ErrInvalidAddress, "submitter: %v", err)
	}
	child, err := k.activeChild(ctx, msg.ChildIndex)
	if err != nil {
		return types.Round{}, err
	}
	open, err := k.OpenRounds.Has(ctx, msg.ChildIndex)
	if err != nil {
		return types.Round{}, err
	}
	if open {
		return types.Round{}, errorsmod.Wrapf(types.ErrRoundOpen, "child %d", msg.ChildIndex)
	}
	finalized, ok, err := k.validium.FinalizedCommitment(ctx, msg.ChildIndex)
	if err != nil {
		return types.Round{}, err
	}
	if !ok {
		return types.Round{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d", msg.ChildIndex)
	}
	finalizedHash, err := hash.DecodeElement(finalized)
	if err != nil {
		return types.Round{}, errorsmod.Wrapf(types.ErrInvalidField, "finalized commitment: %v", err)
	}
	subtree, err := k.validium.ChildSubtree(ctx, msg.ChildIndex)
	if err != nil {
		return types.Round{}, err
	}
	if subtree == 0 {
		return types.Round{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d has no subtree record", msg.ChildIndex)
	}
	childVid, childPath, err := k.childPath(ctx, msg.ChildIndex)
	if err != nil {
		return types.Round{}, err
	}
	chargeProofGas(ctx, msg.Proof, 0)
	reporter, err := types.VerifyDescendant(finalized, childPath, msg.Proof)
	if err != nil {
		return types.Round{}, err
	}
	if err := checkOperatorSignature(reporter, msg.PublicKey, msg.Signature,
		types.ReportMessage(childVid, child.Epoch, finalizedHash)); err != nil {
		return types.Round{}, err
	}
	return k.openRound(ctx, child, finalized, subtree, reporter)
}

// openRound stores a new open round and indexes it by child and deadline.
func (k Keeper) openRound(
	ctx context.Context, child validiumtypes.Child, finalized []byte, subtree uint64, reporter types.Descendant,
) (types.Round, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return types.Round{}, err
	}
	rootHeight, err := k.validium.RootHeight(ctx)
	if err != nil {
		return types.Round{}, err
	}
	id, err := k.NextRoundID.Next(ctx)
	if err == nil && id == 0 { // a store that never ran InitGenesis with rounds: ids start at 1
		id, err = k.NextRoundID.Next(ctx)
	}
	if err != nil {
		return types.Round{}, err
	}
	deadline, carry := bits.Add64(rootHeight, params.RoundDuration, 0)
	if carry != 0 {
		deadline = ^uint64(0)
	}
	round := types.Round{
		Id:                    id,
		ChildIndex:            child.Index,
		ChildRegisteredHeight: child.RegisteredHeight,
		Epoch:                 child.Epoch,
		Commitment:            finalized,
		Subtree:               subtree,
		OpenedAt:              rootHeight,
		Deadline:              deadline,
		Status:                types.RoundStatus_ROUND_STATUS_OPEN,
		ReporterVid:           hash.EncodeElement(reporter.Commitment.Vid),
	}
	if err := k.Rounds.Set(ctx, id, round); err != nil {
		return types.Round{}, err
	}
	if err := k.OpenRounds.Set(ctx, child.Index, id); err != nil {
		return types.Round{}, err
	}
	if err := k.Deadlines.Set(ctx, collections.Join(deadline, id)); err != nil {
		return types.Round{}, err
	}
	slushtypes.Log(ctx, types.ModuleName, "withholding reported: emergency round opened", "round", id, "child", child.Index,
		"deadline", deadline, "subtree", subtree)
	return round, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWithholdingReported{
		RoundId: id, ChildIndex: child.Index, ReporterVid: round.ReporterVid, Commitment: finalized,
		Subtree: subtree, Deadline: deadline,
	})
}

// emergencyVote records a descendant's vote (DESIGN §9): signed by the voter's operator key,
// proven by a commitment chain from the round's commitment, weighted by the voter's subtree size
// with no double counting of nested voters; once a candidate's votes exceed half of b_v − 1 the
// candidate is installed.
func (k Keeper) emergencyVote(ctx context.Context, msg *types.MsgEmergencyVote) (*types.MsgEmergencyVoteResponse, error) {
	if _, err := k.addressCodec.StringToBytes(msg.Submitter); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "submitter: %v", err)
	}
	round, rootHeight, err := k.votableRound(ctx, msg.RoundId)
	if err != nil {
		return nil, err
	}
	addr, keyHash, err := types.DecodeCandidate(msg.Candidate, k.addressCodec)
	if err != nil {
		return nil, err
	}
	childVid, childPath, err := k.childPath(ctx, round.ChildIndex)
	if err != nil {
		return nil, err
	}
	chargeProofGas(ctx, msg.Proof, len(msg.Histogram))
	voter, err := types.VerifyDescendant(round.Commitment, childPath, msg.Proof)
	if err != nil {
		return nil, err
	}
	weight, err := types.VoterWeight(msg.Histogram, voter.Commitment, round.Subtree-1)
	if err != nil {
		return nil, err
	}
	voteMsg, err := types.VoteMessage(round.Id, childVid, round.Epoch, addr, keyHash)
	if err != nil {
		return nil, err
	}
	if err := checkOperatorSignature(voter, msg.PublicKey, msg.Signature, voteMsg); err != nil {
		return nil, err
	}
	counted, err := k.countVote(ctx, round.Id, len(childPath), voter.Path, weight)
	if err != nil {
		return nil, err
	}
	vote := types.Vote{
		RoundId: round.Id, VoterVid: hash.EncodeElement(voter.Commitment.Vid), Candidate: msg.Candidate,
		Weight: weight, Counted: counted,
	}
	if err := k.Votes.Set(ctx, collections.Join(round.Id, types.PathKey(voter.Path)), vote); err != nil {
		return nil, err
	}
	tally, err := k.addToTally(ctx, round.Id, msg.Candidate, types.CandidateKey(addr, keyHash), counted)
	if err != nil {
		return nil, err
	}
	slushtypes.Log(ctx, types.ModuleName, "emergency vote", "round", round.Id, "weight", weight, "counted", counted, "tally", tally,
		"subtree", round.Subtree)
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventEmergencyVote{
		RoundId: round.Id, VoterVid: vote.VoterVid, Candidate: msg.Candidate, Weight: weight, Counted: counted,
		Tally: tally,
	})
	if err != nil {
		return nil, err
	}
	res := &types.MsgEmergencyVoteResponse{Counted: counted, Tally: tally}
	if types.Majority(tally, round.Subtree) {
		if err := k.elect(ctx, round, msg.Candidate, rootHeight); err != nil {
			return nil, err
		}
		res.Elected = true
	}
	return res, nil
}

// votableRound loads an open round before its deadline whose child is still the one (same
// registration, same epoch, active) the round was opened about. It returns the root height.
func (k Keeper) votableRound(ctx context.Context, id uint64) (types.Round, uint64, error) {
	round, err := k.Rounds.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Round{}, 0, errorsmod.Wrapf(types.ErrUnknownRound, "round %d", id)
	}
	if err != nil {
		return types.Round{}, 0, err
	}
	if round.Status != types.RoundStatus_ROUND_STATUS_OPEN {
		return types.Round{}, 0, errorsmod.Wrapf(types.ErrRoundClosed, "round %d is %s", id, round.Status)
	}
	rootHeight, err := k.validium.RootHeight(ctx)
	if err != nil {
		return types.Round{}, 0, err
	}
	if rootHeight > round.Deadline {
		return types.Round{}, 0, errorsmod.Wrapf(types.ErrRoundExpired, "round %d deadline %d, root height %d", id, round.Deadline, rootHeight)
	}
	child, err := k.activeChild(ctx, round.ChildIndex)
	if err != nil {
		return types.Round{}, 0, err
	}
	if child.RegisteredHeight != round.ChildRegisteredHeight || child.Epoch != round.Epoch {
		return types.Round{}, 0, errorsmod.Wrapf(types.ErrChildChanged, "child %d", round.ChildIndex)
	}
	return round, rootHeight, nil
}

// countVote is the part of a voter's weight that is new to the round (DESIGN §9: "no double
// counting of nested voters"): 0 if an ancestor of the voter below the child voted already (its
// weight covered the voter's subtree); otherwise the weight minus what the earlier votes inside
// the voter's subtree counted. Counted parts never overlap, so every node of the child's subtree
// is counted at most once, for the candidate of the first vote that covers it. A second vote of
// the same voter is refused.
func (k Keeper) countVote(ctx context.Context, roundID uint64, childDepth int, path []uint8, weight uint64) (uint64, error) {
	key := types.PathKey(path)
	voted, err := k.Votes.Has(ctx, collections.Join(roundID, key))
	if err != nil {
		return 0, err
	}
	if voted {
		return 0, errorsmod.Wrapf(types.ErrAlreadyVoted, "voter %v in round %d", path, roundID)
	}
	for depth := childDepth + 1; depth < len(path); depth++ {
		covered, err := k.Votes.Has(ctx, collections.Join(roundID, key[:depth]))
		if err != nil {
			return 0, err
		}
		if covered {
			return 0, nil
		}
	}
	rng := new(collections.Range[collections.Pair[uint64, []byte]]).StartExclusive(collections.Join(roundID, key))
	if end := types.SubtreeEnd(key); end != nil {
		rng = rng.EndExclusive(collections.Join(roundID, end))
	} else {
		rng = rng.EndExclusive(collections.Join(roundID+1, []byte{}))
	}
	var inside uint64
	err = k.Votes.Walk(ctx, rng, func(_ collections.Pair[uint64, []byte], v types.Vote) (bool, error) {
		inside = satAdd(inside, v.Counted)
		return false, nil
	})
	if err != nil || inside >= weight {
		return 0, err
	}
	return weight - inside, nil
}

// addToTally adds counted to a candidate's tally and returns the new tally.
func (k Keeper) addToTally(ctx context.Context, roundID uint64, candidate types.Candidate, key []byte, counted uint64) (uint64, error) {
	t, err := k.Tallies.Get(ctx, collections.Join(roundID, key))
	if errors.Is(err, collections.ErrNotFound) {
		t = types.Tally{RoundId: roundID, Candidate: candidate}
	} else if err != nil {
		return 0, err
	}
	t.Votes = satAdd(t.Votes, counted)
	return t.Votes, k.Tallies.Set(ctx, collections.Join(roundID, key), t)
}

// elect closes a round that reached a majority: x/validium rolls the child back to its
// finalized commitment (its state, its acceptance record, the messages routed to it), installs
// the candidate, bumps the epoch and slashes the old operator (DESIGN §9).
func (k Keeper) elect(ctx context.Context, round types.Round, candidate types.Candidate, rootHeight uint64) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	finalized, ok, err := k.validium.FinalizedCommitment(ctx, round.ChildIndex)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrNotFinalized, "child %d", round.ChildIndex)
	}
	previous, slashed, err := k.validium.InstallOperator(ctx, round.ChildIndex, candidate.Operator,
		candidate.OperatorKeyHash, params.SlashBps)
	if err != nil {
		return err
	}
	round.Status = types.RoundStatus_ROUND_STATUS_ELECTED
	round.Elected = candidate
	round.ClosedAt = rootHeight
	if err := k.closeRound(ctx, round); err != nil {
		return err
	}
	refunded := previous.Bond
	if !refunded.Amount.IsNil() {
		refunded.Amount = refunded.Amount.Sub(slashed.Amount)
	}
	slushtypes.Log(ctx, types.ModuleName, "operator replaced by election", "round", round.Id, "child", round.ChildIndex,
		"old_operator", previous.Operator, "elected", candidate.Operator, "epoch", previous.Epoch+1, "slashed", slashed.String(), "refunded", refunded.String())
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventOperatorReplaced{
		RoundId: round.Id, ChildIndex: round.ChildIndex, OldOperator: previous.Operator, Elected: candidate,
		Epoch: previous.Epoch + 1, Commitment: finalized, Slashed: slashed.String(), Refunded: refunded.String(),
	})
}

// closeRound stores a closed round and removes it from the open and deadline indexes.
func (k Keeper) closeRound(ctx context.Context, round types.Round) error {
	if err := k.Rounds.Set(ctx, round.Id, round); err != nil {
		return err
	}
	if id, err := k.OpenRounds.Get(ctx, round.ChildIndex); err == nil && id == round.Id {
		if err := k.OpenRounds.Remove(ctx, round.ChildIndex); err != nil {
			return err
		}
	} else if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	return k.Deadlines.Remove(ctx, collections.Join(round.Deadline, round.Id))
}

// ExpireRounds closes the open rounds whose deadline has passed without a majority; the child
// keeps its operator (DESIGN §9). Work is bounded: at most MaxRoundsClosedPerBlock rounds, oldest
// deadline first; the rest close in later blocks (votes are refused after the deadline anyway).
func (k Keeper) ExpireRounds(ctx context.Context) error {
	rootHeight, err := k.validium.RootHeight(ctx)
	if err != nil {
		return err
	}
	rng := new(collections.Range[collections.Pair[uint64, uint64]]).EndExclusive(collections.Join(rootHeight, uint64(0)))
	var due []collections.Pair[uint64, uint64]
	err = k.Deadlines.Walk(ctx, rng, func(key collections.Pair[uint64, uint64]) (bool, error) {
		due = append(due, key)
		return len(due) >= types.MaxRoundsClosedPerBlock, nil
	})
	if err != nil {
		return err
	}
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	for _, key := range due {
		round, err := k.Rounds.Get(ctx, key.K2())
		if errors.Is(err, collections.ErrNotFound) { // a stale index entry is just dropped
			if err := k.Deadlines.Remove(ctx, key); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		round.Status = types.RoundStatus_ROUND_STATUS_EXPIRED
		round.ClosedAt = rootHeight
		if err := k.closeRound(ctx, round); err != nil {
			return err
		}
		slushtypes.Log(ctx, types.ModuleName, "emergency round expired", "round", round.Id, "child", round.ChildIndex, "deadline", round.Deadline)
		if err := em.EmitTypedEvent(&types.EventRoundExpired{
			RoundId: round.Id, ChildIndex: round.ChildIndex, Deadline: round.Deadline,
		}); err != nil {
			return err
		}
	}
	return nil
}

// EndBlocker expires rounds, decides the open root election at its deadline and opens one when
// misbehaviour evidence froze the root's light client; a failure is logged and its writes
// dropped, never a halt.
func (k Keeper) EndBlocker(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	if err := k.ExpireRounds(cacheCtx); err != nil {
		sdkCtx.Logger().Error("x/election: expiring rounds failed", "module", types.ModuleName, "err", err)
	} else {
		write()
	}
	cacheCtx, write = sdkCtx.CacheContext()
	if err := k.DecideRootElection(cacheCtx); err != nil {
		sdkCtx.Logger().Error("x/election: deciding the root election failed", "module", types.ModuleName, "err", err)
	} else {
		write()
	}
	cacheCtx, write = sdkCtx.CacheContext()
	if err := k.OpenRootElectionOnMisbehaviour(cacheCtx); err != nil {
		sdkCtx.Logger().Error("x/election: opening a root election on misbehaviour failed", "module", types.ModuleName, "err", err)
		return nil
	}
	write()
	return nil
}

// activeChild loads a registered child that is not frozen (a frozen child's users exit).
func (k Keeper) activeChild(ctx context.Context, index uint32) (validiumtypes.Child, error) {
	child, err := k.validium.GetChild(ctx, index)
	if err != nil {
		return validiumtypes.Child{}, err
	}
	if child.Status == validiumtypes.ChildStatus_CHILD_STATUS_FROZEN {
		return validiumtypes.Child{}, errorsmod.Wrapf(types.ErrChildFrozen, "child %d", index)
	}
	return child, nil
}

// childPath is the child's vid and tree path.
func (k Keeper) childPath(ctx context.Context, index uint32) (fr.Element, []uint8, error) {
	vid, err := k.validium.ChildVid(ctx, index)
	if err != nil {
		return fr.Element{}, nil, err
	}
	path, err := commitment.UnpackVid(vid)
	return vid, path, err
}

// checkOperatorSignature requires pub to be the prover's operator key (its hash is the
// operator_key_hash of the prover's proven commitment) and sig a valid signature of msg with it.
func checkOperatorSignature(d types.Descendant, pubBytes, sig []byte, msg fr.Element) error {
	pub, err := types.DecodePublicKey(pubBytes)
	if err != nil {
		return err
	}
	if h := types.OperatorKeyHash(pub); !h.Equal(&d.Commitment.OperatorKeyHash) {
		return errorsmod.Wrapf(types.ErrWrongKey, "not the operator key of %v", d.Path)
	}
	return types.VerifySignature(pub, msg, sig)
}

// chargeProofGas charges the native verification work before it runs: one hop for the child's
// preimage plus one per level, the signature and the histogram buckets.
func chargeProofGas(ctx context.Context, p types.DescendantProof, buckets int) {
	gas := types.GasSignature + types.GasPerHop*uint64(len(p.Hops)+1) + types.GasPerBucket*uint64(buckets)
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(gas, "election descendant proof")
}

// satAdd adds without wrapping (tallies are compared, never overflowed).
func satAdd(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return ^uint64(0)
	}
	return s
}
