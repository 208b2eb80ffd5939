package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/x/election/types"
)

// candidateAddress is a well-formed account address for tallies.
var candidateAddress = sdk.AccAddress([]byte("candidate-operator-1")).String()

func validGenesis() types.GenesisState {
	c := hash.EncodeElement(hash.Uint64(5))
	return types.GenesisState{
		Params:      types.DefaultParams(),
		NextRoundId: 3,
		Rounds: []types.Round{
			{Id: 1, ChildIndex: 1, Commitment: c, Subtree: 8, OpenedAt: 1, Deadline: 101, Status: types.RoundStatus_ROUND_STATUS_EXPIRED},
			{Id: 2, ChildIndex: 1, Commitment: c, Subtree: 8, OpenedAt: 102, Deadline: 202, Status: types.RoundStatus_ROUND_STATUS_OPEN},
		},
		Votes: []types.Vote{
			{RoundId: 2, VoterVid: hash.EncodeElement(commitment.MustPackVid([]uint8{1, 1})), Weight: 3, Counted: 3},
		},
		Tallies: []types.Tally{{RoundId: 2, Candidate: types.Candidate{Operator: candidateAddress, OperatorKeyHash: c}, Votes: 3}},
	}
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesisState().Validate())
	require.NoError(t, validGenesis().Validate())
	cases := []struct {
		name string
		edit func(gs *types.GenesisState)
	}{
		{"round id not below next", func(gs *types.GenesisState) { gs.NextRoundId = 2 }},
		{"round id 0", func(gs *types.GenesisState) { gs.Rounds[0].Id = 0 }},
		{"duplicate round", func(gs *types.GenesisState) { gs.Rounds[0].Id = 2 }},
		{"two open rounds of a child", func(gs *types.GenesisState) { gs.Rounds[0].Status = types.RoundStatus_ROUND_STATUS_OPEN }},
		{"unspecified status", func(gs *types.GenesisState) { gs.Rounds[0].Status = types.RoundStatus_ROUND_STATUS_UNSPECIFIED }},
		{"child index 0", func(gs *types.GenesisState) { gs.Rounds[0].ChildIndex = 0 }},
		{"zero subtree", func(gs *types.GenesisState) { gs.Rounds[0].Subtree = 0 }},
		{"deadline before opening", func(gs *types.GenesisState) { gs.Rounds[0].Deadline = 0 }},
		{"short commitment", func(gs *types.GenesisState) { gs.Rounds[0].Commitment = []byte{1} }},
		{"vote in unknown round", func(gs *types.GenesisState) { gs.Votes[0].RoundId = 9 }},
		{"duplicate vote", func(gs *types.GenesisState) { gs.Votes = append(gs.Votes, gs.Votes[0]) }},
		{"vote counts more than its weight", func(gs *types.GenesisState) { gs.Votes[0].Counted = 4 }},
		{"vote with a bad vid", func(gs *types.GenesisState) { gs.Votes[0].VoterVid = hash.EncodeElement(hash.Uint64(0x0100)) }},
		{"tally in unknown round", func(gs *types.GenesisState) { gs.Tallies[0].RoundId = 9 }},
		{"duplicate tally", func(gs *types.GenesisState) { gs.Tallies = append(gs.Tallies, gs.Tallies[0]) }},
		{"duplicate tally, address spelled in upper case", func(gs *types.GenesisState) {
			dup := gs.Tallies[0]
			dup.Candidate.Operator = strings.ToUpper(dup.Candidate.Operator)
			gs.Tallies = append(gs.Tallies, dup)
		}},
		{"tally for a malformed candidate", func(gs *types.GenesisState) { gs.Tallies[0].Candidate.Operator = "x" }},
		{"bad params", func(gs *types.GenesisState) { gs.Params.RoundDuration = 0 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := validGenesis()
			tc.edit(&gs)
			want := types.ErrInvalidGenesis
			if tc.name == "bad params" {
				want = types.ErrInvalidParams
			}
			require.ErrorIs(t, gs.Validate(), want)
		})
	}
}
