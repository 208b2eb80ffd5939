package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/election/types"
)

// rootVote records a descendant's vote in this chain's replica of the root re-election (DESIGN
// §10, the virtual L0). The same signed vote is relayed to every child of the root; each replica
// runs these checks on it: the open election (ErrNoRootElection) before its deadline
// (ErrRootElectionExpired), the epoch and base it names are the election's
// (ErrRootElectionMismatch), the candidate is well-formed, the descendant proof opens from the
// base root commitment (x/election's native VerifyDescendant, as MsgEmergencyVote), the
// histogram is the voter's and at most b_root − 1, the signature is the voter's operator key over
// RootVoteMessage, and the voter has not voted (ErrAlreadyVoted).
//
// Counting, a function of the set of votes, never of their order: each strict descendant of the
// root counts once, for the vote of its highest voting ancestor-or-self. A vote whose ancestor
// voted counts 0; a vote with no voting ancestor counts its whole weight and takes over the votes
// inside its subtree (their counted weight leaves their candidates' tallies). The settled tally is
// the part cast by children of the root: nothing can override those. A candidate whose settled
// tally exceeds half of b_root − 1 is elected at once; a full-tally majority decides at the
// deadline (EndBlocker).
func (k Keeper) rootVote(ctx context.Context, msg *types.MsgRootVote) (*types.MsgRootVoteResponse, error) {
	if _, err := k.addressCodec.StringToBytes(msg.Submitter); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "submitter: %v", err)
	}
	election, err := k.votableRootElection(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Epoch != election.Epoch || msg.BaseRootHeight != election.BaseRootHeight {
		return nil, errorsmod.Wrapf(types.ErrRootElectionMismatch, "vote for epoch %d base %d, election %d is epoch %d base %d",
			msg.Epoch, msg.BaseRootHeight, election.Id, election.Epoch, election.BaseRootHeight)
	}
	keyHash, err := types.DecodeRootCandidate(msg.Candidate)
	if err != nil {
		return nil, err
	}
	base, err := hash.DecodeElement(election.BaseCommitment)
	if err != nil {
		return nil, err
	}
	chargeProofGas(ctx, msg.Proof, len(msg.Histogram))
	voter, err := types.VerifyDescendant(election.BaseCommitment, nil, msg.Proof)
	if err != nil {
		return nil, err
	}
	weight, err := types.VoterWeight(msg.Histogram, voter.Commitment, election.Subtree-1)
	if err != nil {
		return nil, err
	}
	voteMsg, err := types.RootVoteMessage(election.Epoch, election.BaseRootHeight, base, keyHash, msg.Candidate.ConsensusPubkey)
	if err != nil {
		return nil, err
	}
	if err := checkOperatorSignature(voter, msg.PublicKey, msg.Signature, voteMsg); err != nil {
		return nil, err
	}
	counted, overridden, err := k.countRootVote(ctx, election.Id, voter.Path, weight)
	if err != nil {
		return nil, err
	}
	vote := types.RootVote{
		ElectionId: election.Id, VoterVid: hash.EncodeElement(voter.Commitment.Vid), Candidate: msg.Candidate,
		Weight: weight, Counted: counted,
	}
	if err := k.RootVotes.Set(ctx, collections.Join(election.Id, types.PathKey(voter.Path)), vote); err != nil {
		return nil, err
	}
	settledPart := uint64(0)
	if len(voter.Path) == 1 {
		settledPart = counted
	}
	tally, err := k.addToRootTally(ctx, election.Id, msg.Candidate, tallyDelta{add: counted}, settledPart)
	if err != nil {
		return nil, err
	}
	if err := k.updateMajority(ctx, &election, tally); err != nil {
		return nil, err
	}
	slushtypes.Log(ctx, types.ModuleName, "root vote", "election", election.Id, "weight", weight, "counted", counted,
		"overridden", overridden, "tally", tally.Votes, "settled", tally.Settled, "subtree", election.Subtree)
	err = sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRootVote{
		ElectionId: election.Id, VoterVid: vote.VoterVid, Candidate: msg.Candidate, Weight: weight, Counted: counted,
		Overridden: overridden, Tally: tally.Votes, Settled: tally.Settled,
	})
	if err != nil {
		return nil, err
	}
	res := &types.MsgRootVoteResponse{Counted: counted, Tally: tally.Votes, Settled: tally.Settled}
	if types.RootMajority(tally.Settled, election.Subtree) {
		if err := k.electRoot(ctx, election, tally, true); err != nil {
			return nil, err
		}
		res.Elected = true
		return res, nil
	}
	return res, k.RootElections.Set(ctx, election.Id, election)
}

// votableRootElection loads the open root election if its deadline (this chain's block time) has
// not come.
func (k Keeper) votableRootElection(ctx context.Context) (types.RootElection, error) {
	id, err := k.OpenRootElection.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.RootElection{}, errorsmod.Wrap(types.ErrNoRootElection, "no root election is open on this chain")
	}
	if err != nil {
		return types.RootElection{}, err
	}
	election, err := k.RootElections.Get(ctx, id)
	if err != nil {
		return types.RootElection{}, err
	}
	if election.BaseRootHeight == 0 {
		return types.RootElection{}, errorsmod.Wrapf(types.ErrInvalidRootBase,
			"root election %d was opened by misbehaviour evidence and has no base yet: a MsgReportRootSilent names it", id)
	}
	if now := sdk.UnwrapSDKContext(ctx).BlockTime().Unix(); now >= election.DeadlineUnix {
		return types.RootElection{}, errorsmod.Wrapf(types.ErrRootElectionExpired, "root election %d deadline %d, block time %d",
			id, election.DeadlineUnix, now)
	}
	return election, nil
}

// countRootVote is what a new vote of the voter at path counts: 0 if an ancestor below the root
// voted (its vote covers the voter), else the whole weight; in that case every vote inside the
// voter's subtree that counted is now covered: its counted weight leaves its candidate's tally and
// it counts 0. It returns the vote's count and the weight it took over. The votes inside are one
// key range (PathKey), each visited once per covering vote, which its submitter pays as store gas.
func (k Keeper) countRootVote(ctx context.Context, id uint64, path []uint8, weight uint64) (uint64, uint64, error) {
	key := types.PathKey(path)
	voted, err := k.RootVotes.Has(ctx, collections.Join(id, key))
	if err != nil {
		return 0, 0, err
	}
	if voted {
		return 0, 0, errorsmod.Wrapf(types.ErrAlreadyVoted, "voter %v in root election %d", path, id)
	}
	for depth := 1; depth < len(path); depth++ {
		covered, err := k.RootVotes.Has(ctx, collections.Join(id, key[:depth]))
		if err != nil {
			return 0, 0, err
		}
		if covered {
			return 0, 0, nil
		}
	}
	rng := new(collections.Range[collections.Pair[uint64, []byte]]).StartExclusive(collections.Join(id, key))
	if end := types.SubtreeEnd(key); end != nil {
		rng = rng.EndExclusive(collections.Join(id, end))
	} else {
		rng = rng.EndExclusive(collections.Join(id+1, []byte{}))
	}
	var inside []collections.KeyValue[collections.Pair[uint64, []byte], types.RootVote]
	err = k.RootVotes.Walk(ctx, rng, func(kk collections.Pair[uint64, []byte], v types.RootVote) (bool, error) {
		if v.Counted > 0 {
			inside = append(inside, collections.KeyValue[collections.Pair[uint64, []byte], types.RootVote]{Key: kk, Value: v})
		}
		return false, nil
	})
	if err != nil {
		return 0, 0, err
	}
	var overridden uint64
	for _, kv := range inside {
		v := kv.Value
		// an inside vote is never by a child of the root (the voter is at depth >= 1), so it
		// takes nothing from a settled tally
		if _, err := k.addToRootTally(ctx, id, v.Candidate, tallyDelta{sub: v.Counted}, 0); err != nil {
			return 0, 0, err
		}
		overridden = satAdd(overridden, v.Counted)
		v.Counted = 0
		if err := k.RootVotes.Set(ctx, kv.Key, v); err != nil {
			return 0, 0, err
		}
	}
	return weight, overridden, nil
}

// tallyDelta is a change of a tally: add, or subtract (never both).
type tallyDelta struct{ add, sub uint64 }

// addToRootTally applies delta to a candidate's full tally and adds settled to its settled tally.
func (k Keeper) addToRootTally(ctx context.Context, id uint64, c types.RootCandidate, delta tallyDelta, settled uint64) (types.RootTally, error) {
	key := collections.Join(id, types.RootCandidateKey(c))
	t, err := k.RootTallies.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		t = types.RootTally{ElectionId: id, Candidate: c}
	} else if err != nil {
		return types.RootTally{}, err
	}
	t.Votes = satAdd(t.Votes, delta.add)
	if delta.sub > t.Votes { // cannot happen: a tally holds every count subtracted from it
		return types.RootTally{}, fmt.Errorf("root tally %d below the %d taken from it", t.Votes, delta.sub)
	}
	t.Votes -= delta.sub
	t.Settled = satAdd(t.Settled, settled)
	return t, k.RootTallies.Set(ctx, key, t)
}

// updateMajority keeps election.MajorityKey the candidate whose full tally holds a majority, if
// any: at most one can (counted parts never overlap), and after a vote only the voter's candidate
// can have gained one, while the holder can only have lost it by being overridden.
func (k Keeper) updateMajority(ctx context.Context, election *types.RootElection, voted types.RootTally) error {
	votedKey := types.RootCandidateKey(voted.Candidate)
	if types.RootMajority(voted.Votes, election.Subtree) {
		election.MajorityKey = votedKey
		return nil
	}
	if len(election.MajorityKey) == 0 || bytes.Equal(election.MajorityKey, votedKey) {
		election.MajorityKey = nil
		return nil
	}
	holder, err := k.RootTallies.Get(ctx, collections.Join(election.Id, election.MajorityKey))
	if err != nil {
		return err
	}
	if !types.RootMajority(holder.Votes, election.Subtree) {
		election.MajorityKey = nil
	}
	return nil
}

// electRoot closes the election with its result: the elected operator, the base the restarted
// root continues from, and whether the settled tally (the root's children alone) decided.
func (k Keeper) electRoot(ctx context.Context, election types.RootElection, tally types.RootTally, settled bool) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	election.Status = types.RootElectionStatus_ROOT_ELECTION_STATUS_ELECTED
	election.MajorityKey = types.RootCandidateKey(tally.Candidate)
	election.ClosedHeight = sdkCtx.BlockHeight()
	if err := k.closeRootElection(ctx, election); err != nil {
		return err
	}
	result := types.RootElectionResult{
		Epoch: election.Epoch, ElectionId: election.Id, Elected: tally.Candidate, BaseRootHeight: election.BaseRootHeight,
		BaseCommitment: election.BaseCommitment, Votes: tally.Votes, Settled: settled, Height: sdkCtx.BlockHeight(),
	}
	if err := k.RootResults.Set(ctx, election.Epoch, result); err != nil {
		return err
	}
	slushtypes.Log(ctx, types.ModuleName, "root operator elected", "election", election.Id, "epoch", election.Epoch,
		"votes", tally.Votes, "settled", settled, "base_root_height", election.BaseRootHeight)
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventRootOperatorElected{
		ElectionId: election.Id, Epoch: election.Epoch, Elected: tally.Candidate, BaseRootHeight: election.BaseRootHeight,
		BaseCommitment: election.BaseCommitment, Votes: tally.Votes, Settled: settled,
	})
}

// closeRootElection stores a closed election and clears the open index.
func (k Keeper) closeRootElection(ctx context.Context, election types.RootElection) error {
	if err := k.RootElections.Set(ctx, election.Id, election); err != nil {
		return err
	}
	return k.OpenRootElection.Remove(ctx)
}

// DecideRootElection closes the open root election once this chain's block time reaches its
// deadline: the candidate whose full tally holds a majority is elected, otherwise it expires and
// the root keeps its operator (a new report may open another). Bounded: one election, one read
// of its majority holder's tally.
func (k Keeper) DecideRootElection(ctx context.Context) error {
	id, err := k.OpenRootElection.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	election, err := k.RootElections.Get(ctx, id)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if sdkCtx.BlockTime().Unix() < election.DeadlineUnix {
		return nil
	}
	if len(election.MajorityKey) > 0 {
		tally, err := k.RootTallies.Get(ctx, collections.Join(id, election.MajorityKey))
		if err != nil {
			return err
		}
		return k.electRoot(ctx, election, tally, false)
	}
	election.Status = types.RootElectionStatus_ROOT_ELECTION_STATUS_EXPIRED
	election.ClosedHeight = sdkCtx.BlockHeight()
	if err := k.closeRootElection(ctx, election); err != nil {
		return err
	}
	slushtypes.Log(ctx, types.ModuleName, "root election expired", "election", id, "epoch", election.Epoch)
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventRootElectionExpired{ElectionId: id, Epoch: election.Epoch})
}
