package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/x/election/types"
)

// InitGenesis stores the validated genesis state and rebuilds the open-round and deadline indexes.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.NextRoundID.Set(ctx, max(gs.NextRoundId, 1)); err != nil {
		return err
	}
	for _, r := range gs.Rounds {
		if err := k.Rounds.Set(ctx, r.Id, r); err != nil {
			return err
		}
		if r.Status != types.RoundStatus_ROUND_STATUS_OPEN {
			continue
		}
		if err := k.OpenRounds.Set(ctx, r.ChildIndex, r.Id); err != nil {
			return err
		}
		if err := k.Deadlines.Set(ctx, collections.Join(r.Deadline, r.Id)); err != nil {
			return err
		}
	}
	for _, v := range gs.Votes {
		path, err := v.VoterPath()
		if err != nil {
			return errorsmod.Wrap(types.ErrInvalidGenesis, err.Error())
		}
		if err := k.Votes.Set(ctx, collections.Join(v.RoundId, types.PathKey(path)), v); err != nil {
			return err
		}
	}
	for _, t := range gs.Tallies {
		addr, key, err := types.DecodeCandidate(t.Candidate, k.addressCodec)
		if err != nil {
			return errorsmod.Wrap(types.ErrInvalidGenesis, err.Error())
		}
		if err := k.Tallies.Set(ctx, collections.Join(t.RoundId, types.CandidateKey(addr, key)), t); err != nil {
			return err
		}
	}
	return k.initRootGenesis(ctx, gs)
}

// initRootGenesis stores the root re-election state and rebuilds the open-election index.
func (k Keeper) initRootGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := k.NextRootElectionID.Set(ctx, max(gs.NextRootElectionId, 1)); err != nil {
		return err
	}
	for _, e := range gs.RootElections {
		if err := k.RootElections.Set(ctx, e.Id, e); err != nil {
			return err
		}
		if e.Status == types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN {
			if err := k.OpenRootElection.Set(ctx, e.Id); err != nil {
				return err
			}
		}
		if len(e.EvidenceHash) > 0 { // ascending ids: the last one written is the newest
			if err := k.LastMisbehaviourEvidence.Set(ctx, e.EvidenceHash); err != nil {
				return err
			}
		}
	}
	for _, v := range gs.RootVotes {
		path, err := v.VoterPath()
		if err != nil {
			return errorsmod.Wrap(types.ErrInvalidGenesis, err.Error())
		}
		if err := k.RootVotes.Set(ctx, collections.Join(v.ElectionId, types.PathKey(path)), v); err != nil {
			return err
		}
	}
	for _, t := range gs.RootTallies {
		if err := k.RootTallies.Set(ctx, collections.Join(t.ElectionId, types.RootCandidateKey(t.Candidate)), t); err != nil {
			return err
		}
	}
	for _, r := range gs.RootResults {
		if err := k.RootResults.Set(ctx, r.Epoch, r); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis reads the whole module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	next, err := k.NextRoundID.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, NextRoundId: next}
	if err := k.Rounds.Walk(ctx, nil, func(_ uint64, r types.Round) (bool, error) {
		gs.Rounds = append(gs.Rounds, r)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Votes.Walk(ctx, nil, func(_ collections.Pair[uint64, []byte], v types.Vote) (bool, error) {
		gs.Votes = append(gs.Votes, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Tallies.Walk(ctx, nil, func(_ collections.Pair[uint64, []byte], t types.Tally) (bool, error) {
		gs.Tallies = append(gs.Tallies, t)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, k.exportRootGenesis(ctx, gs)
}

// exportRootGenesis reads the root re-election state into gs.
func (k Keeper) exportRootGenesis(ctx context.Context, gs *types.GenesisState) error {
	next, err := k.NextRootElectionID.Peek(ctx)
	if err != nil {
		return err
	}
	gs.NextRootElectionId = max(next, 1)
	if err := k.RootElections.Walk(ctx, nil, func(_ uint64, e types.RootElection) (bool, error) {
		gs.RootElections = append(gs.RootElections, e)
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.RootVotes.Walk(ctx, nil, func(_ collections.Pair[uint64, []byte], v types.RootVote) (bool, error) {
		gs.RootVotes = append(gs.RootVotes, v)
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.RootTallies.Walk(ctx, nil, func(_ collections.Pair[uint64, []byte], t types.RootTally) (bool, error) {
		gs.RootTallies = append(gs.RootTallies, t)
		return false, nil
	}); err != nil {
		return err
	}
	return k.RootResults.Walk(ctx, nil, func(_ uint64, r types.RootElectionResult) (bool, error) {
		gs.RootResults = append(gs.RootResults, r)
		return false, nil
	})
}
