package types_test

import (
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
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
		Tallies:            []types.Tally{{RoundId: 2, Candidate: types.Candidate{Operator: candidateAddress, OperatorKeyHash: c}, Votes: 3}},
		NextRootElectionId: 3,
		RootElections: []types.RootElection{
			{Id: 1, Epoch: 0, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_SILENT, BaseRootHeight: 90, BaseCommitment: c,
				Subtree: 8, DeadlineUnix: 100, Status: types.RootElectionStatus_ROOT_ELECTION_STATUS_ELECTED},
			{Id: 2, Epoch: 1, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, BaseRootHeight: 95, BaseCommitment: c,
				Subtree: 8, DeadlineUnix: 200, Status: types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN},
		},
		RootVotes: []types.RootVote{
			{ElectionId: 1, VoterVid: hash.EncodeElement(commitment.MustPackVid([]uint8{1})), Candidate: rootCandidate, Weight: 3, Counted: 3},
			{ElectionId: 1, VoterVid: hash.EncodeElement(commitment.MustPackVid([]uint8{1, 1})), Candidate: rootCandidate, Weight: 1, Counted: 0},
		},
		RootTallies: []types.RootTally{{ElectionId: 1, Candidate: rootCandidate, Votes: 4, Settled: 4}},
		RootResults: []types.RootElectionResult{{Epoch: 0, ElectionId: 1, Elected: rootCandidate, BaseRootHeight: 90, BaseCommitment: c, Votes: 4}},
	}
}

// baseless is the open election id 2 as misbehaviour opens it in EndBlock: no base yet.
func baseless() types.RootElection {
	return types.RootElection{Id: 2, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, DeadlineUnix: 200,
		Status: types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN, EvidenceHash: make([]byte, 32)}
}

// rootCandidate is a well-formed root candidate (an operator key hash and an ed25519 key).
var rootCandidate = types.RootCandidate{
	OperatorKeyHash: hash.EncodeElement(hash.Uint64(77)),
	ConsensusPubkey: ed25519.GenPrivKeyFromSecret([]byte("root-candidate")).PubKey().Bytes(),
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesisState().Validate())
	require.NoError(t, validGenesis().Validate())
	withBaseless := validGenesis()
	withBaseless.RootElections[1] = baseless()
	require.NoError(t, withBaseless.Validate(), "an election misbehaviour opened, without a base yet")
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
		{"root election id not below next", func(gs *types.GenesisState) { gs.NextRootElectionId = 2 }},
		{"duplicate root election", func(gs *types.GenesisState) { gs.RootElections[0].Id = 2 }},
		{"two open root elections", func(gs *types.GenesisState) {
			gs.RootElections[0].Status = types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN
		}},
		{"root election without reason", func(gs *types.GenesisState) {
			gs.RootElections[0].Reason = types.RootElectionReason_ROOT_ELECTION_REASON_UNSPECIFIED
		}},
		{"root election of b_root 1", func(gs *types.GenesisState) { gs.RootElections[0].Subtree = 1 }},
		{"root election without base, elected", func(gs *types.GenesisState) {
			gs.RootElections[1] = baseless()
			gs.RootElections[1].Status = types.RootElectionStatus_ROOT_ELECTION_STATUS_ELECTED
		}},
		{"root election without base nor evidence", func(gs *types.GenesisState) {
			gs.RootElections[1] = baseless()
			gs.RootElections[1].EvidenceHash = nil
		}},
		{"root election without base, with a subtree", func(gs *types.GenesisState) {
			gs.RootElections[1] = baseless()
			gs.RootElections[1].Subtree = 8
		}},
		{"root election with a short evidence hash", func(gs *types.GenesisState) { gs.RootElections[1].EvidenceHash = []byte{1} }},
		{"root election base not canonical", func(gs *types.GenesisState) { gs.RootElections[0].BaseCommitment = []byte{1} }},
		{"root vote in unknown election", func(gs *types.GenesisState) { gs.RootVotes[0].ElectionId = 9 }},
		{"duplicate root vote", func(gs *types.GenesisState) { gs.RootVotes = append(gs.RootVotes, gs.RootVotes[0]) }},
		{"root vote by the root", func(gs *types.GenesisState) {
			gs.RootVotes[0].VoterVid = hash.EncodeElement(commitment.MustPackVid(nil))
		}},
		{"root vote counting part of its weight", func(gs *types.GenesisState) { gs.RootVotes[0].Counted = 2 }},
		{"root vote for a malformed candidate", func(gs *types.GenesisState) { gs.RootVotes[0].Candidate.ConsensusPubkey = []byte{1} }},
		{"root tally in unknown election", func(gs *types.GenesisState) { gs.RootTallies[0].ElectionId = 9 }},
		{"duplicate root tally", func(gs *types.GenesisState) { gs.RootTallies = append(gs.RootTallies, gs.RootTallies[0]) }},
		{"root tally settled above votes", func(gs *types.GenesisState) { gs.RootTallies[0].Settled = 5 }},
		{"duplicate root result", func(gs *types.GenesisState) { gs.RootResults = append(gs.RootResults, gs.RootResults[0]) }},
		{"root result of an unknown election", func(gs *types.GenesisState) { gs.RootResults[0].ElectionId = 9 }},
		{"root result without base", func(gs *types.GenesisState) { gs.RootResults[0].BaseRootHeight = 0 }},
		{"root result for a malformed candidate", func(gs *types.GenesisState) { gs.RootResults[0].Elected.OperatorKeyHash = nil }},
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
