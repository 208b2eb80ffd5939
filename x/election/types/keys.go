package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/election module.
	ModuleName = "election"
	// StoreKey is the KV store key of the x/election module.
	StoreKey = ModuleName
)

var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// NextRoundIDKey is the sequence of round ids.
	NextRoundIDKey = collections.NewPrefix(1)
	// RoundsKey maps round id → Round.
	RoundsKey = collections.NewPrefix(2)
	// OpenRoundsKey maps child index → the id of its open round (at most one per child).
	OpenRoundsKey = collections.NewPrefix(3)
	// VotesKey maps (round id, voter path bytes) → Vote; path bytes sort a subtree contiguously.
	VotesKey = collections.NewPrefix(4)
	// TalliesKey maps (round id, CandidateKey) → Tally.
	TalliesKey = collections.NewPrefix(5)
	// DeadlinesKey indexes open rounds by (deadline, round id) for bounded expiry in EndBlock.
	DeadlinesKey = collections.NewPrefix(6)
	// NextRootElectionIDKey is the sequence of root election ids (DESIGN §10).
	NextRootElectionIDKey = collections.NewPrefix(7)
	// RootElectionsKey maps root election id → RootElection.
	RootElectionsKey = collections.NewPrefix(8)
	// OpenRootElectionKey stores the id of the open root election (at most one).
	OpenRootElectionKey = collections.NewPrefix(9)
	// RootVotesKey maps (root election id, voter path bytes) → RootVote; a subtree is one key range.
	RootVotesKey = collections.NewPrefix(10)
	// RootTalliesKey maps (root election id, RootCandidateKey) → RootTally.
	RootTalliesKey = collections.NewPrefix(11)
	// RootResultsKey maps replaced root epoch → RootElectionResult.
	RootResultsKey = collections.NewPrefix(12)
	// LastMisbehaviourEvidenceKey stores the evidence hash of the freeze that last opened a root
	// election in EndBlock, so one freeze opens one election.
	LastMisbehaviourEvidenceKey = collections.NewPrefix(13)
)

// MaxRoundsClosedPerBlock bounds the rounds EndBlock expires in one block; the rest wait for
// the next block.
const MaxRoundsClosedPerBlock = 100

// MaxHistogramBuckets bounds a vote's histogram (the decoding and digest work it costs).
const MaxHistogramBuckets = 1024

// Gas charged before the native checks of a report or vote run, at x/validium's price for proof
// verification (about 200 gas per µs on 2 cores; BenchmarkVerifyDescendant: ~0.18 ms per hop and
// per signature check).
const (
	// GasPerHop is charged per level of a descendant proof (one commitment hash, one SMT path).
	GasPerHop uint64 = 40_000
	// GasSignature is charged for one EdDSA verification.
	GasSignature uint64 = 40_000
	// GasPerBucket is charged per histogram bucket of a vote (one permutation of its digest).
	GasPerBucket uint64 = 2_500
)
