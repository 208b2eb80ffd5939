package types

import (
	errorsmod "cosmossdk.io/errors"

	slushtypes "github.com/slush-tree/slush/types"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
)

// DefaultGenesisState returns the default genesis state: no rounds, the first round gets id 1.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextRoundId: 1, NextRootElectionId: 1}
}

// Validate checks the whole genesis state: params, round ids below next_round_id (0 reads as 1:
// genesis written before rounds existed) and unique, at most one open round per child, and votes
// and tallies that belong to known rounds, once each; then the root re-election state (validateRoot).
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	rounds := make(map[uint64]bool, len(gs.Rounds))
	open := make(map[uint32]bool)
	for _, r := range gs.Rounds {
		if err := r.validate(max(gs.NextRoundId, 1)); err != nil {
			return err
		}
		if rounds[r.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "round %d listed twice", r.Id)
		}
		rounds[r.Id] = true
		if r.Status == RoundStatus_ROUND_STATUS_OPEN {
			if open[r.ChildIndex] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "child %d has two open rounds", r.ChildIndex)
			}
			open[r.ChildIndex] = true
		}
	}
	votes := make(map[string]bool, len(gs.Votes))
	for _, v := range gs.Votes {
		path, err := v.VoterPath()
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "vote in round %d: %v", v.RoundId, err)
		}
		key := string(append(hash.EncodeElement(hash.Uint64(v.RoundId)), path...))
		if !rounds[v.RoundId] || votes[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "vote of %v in round %d: unknown round or listed twice", path, v.RoundId)
		}
		votes[key] = true
		if v.Counted > v.Weight {
			return errorsmod.Wrapf(ErrInvalidGenesis, "vote of %v counts %d > weight %d", path, v.Counted, v.Weight)
		}
	}
	tallies := make(map[string]bool, len(gs.Tallies))
	addresses := addresscodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix())
	for _, t := range gs.Tallies {
		// keyed as InitGenesis keys them (decoded address bytes), so two spellings of one
		// candidate cannot both pass and then overwrite each other
		addr, keyHash, err := DecodeCandidate(t.Candidate, addresses)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "tally in round %d: %v", t.RoundId, err)
		}
		key := string(append(hash.EncodeElement(hash.Uint64(t.RoundId)), CandidateKey(addr, keyHash)...))
		if !rounds[t.RoundId] || tallies[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "tally in round %d: unknown round or listed twice", t.RoundId)
		}
		tallies[key] = true
	}
	return gs.validateRoot()
}

// validate checks one round's own fields.
func (r Round) validate(nextID uint64) error {
	switch {
	case r.Id == 0 || r.Id >= nextID:
		return errorsmod.Wrapf(ErrInvalidGenesis, "round id %d not in 1..%d", r.Id, nextID-1)
	case r.ChildIndex == 0 || r.ChildIndex > slushtypes.MaxChildIndex:
		return errorsmod.Wrapf(ErrInvalidGenesis, "round %d: child index %d", r.Id, r.ChildIndex)
	case r.Status == RoundStatus_ROUND_STATUS_UNSPECIFIED || RoundStatus_name[int32(r.Status)] == "":
		return errorsmod.Wrapf(ErrInvalidGenesis, "round %d: status %d", r.Id, r.Status)
	case r.Subtree == 0 || r.Deadline < r.OpenedAt:
		return errorsmod.Wrapf(ErrInvalidGenesis, "round %d: subtree %d, opened %d, deadline %d", r.Id, r.Subtree, r.OpenedAt, r.Deadline)
	}
	if _, err := hash.DecodeElement(r.Commitment); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "round %d commitment: %v", r.Id, err)
	}
	return nil
}

// VoterPath is the voter's tree path decoded from its vid.
func (v Vote) VoterPath() ([]uint8, error) {
	vid, err := hash.DecodeElement(v.VoterVid)
	if err != nil {
		return nil, err
	}
	return commitment.UnpackVid(vid)
}
