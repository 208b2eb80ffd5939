package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	storetypes "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/x/election/types"
)

// Keeper holds x/election state: the emergency rounds, their votes and tallies (DESIGN §9), and
// this chain's replica of the virtual-L0 root re-election (DESIGN §10). It calls x/validium and
// x/tree, both below it, wired here at construction.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService storetypes.KVStoreService
	addressCodec address.Codec
	validium     types.ValidiumKeeper
	tree         types.TreeKeeper
	// authority may change params (the gov module account).
	authority string

	Schema      collections.Schema
	Params      collections.Item[types.Params]
	NextRoundID collections.Sequence
	Rounds      collections.Map[uint64, types.Round]
	OpenRounds  collections.Map[uint32, uint64]
	Votes       collections.Map[collections.Pair[uint64, []byte], types.Vote]
	Tallies     collections.Map[collections.Pair[uint64, []byte], types.Tally]
	Deadlines   collections.KeySet[collections.Pair[uint64, uint64]]

	// NextRootElectionID is the sequence of replica-local root election ids (DESIGN §10).
	NextRootElectionID collections.Sequence
	// RootElections are this replica's root elections by id.
	RootElections collections.Map[uint64, types.RootElection]
	// OpenRootElection is the id of the open root election, if any (at most one).
	OpenRootElection collections.Item[uint64]
	// RootVotes are the root votes by (election id, voter path bytes).
	RootVotes collections.Map[collections.Pair[uint64, []byte], types.RootVote]
	// RootTallies are the root tallies by (election id, RootCandidateKey).
	RootTallies collections.Map[collections.Pair[uint64, []byte], types.RootTally]
	// RootResults are the root election results by replaced root epoch.
	RootResults collections.Map[uint64, types.RootElectionResult]
	// LastMisbehaviourEvidence is the evidence hash of the freeze that last opened a root
	// election in EndBlock (rebuilt from the elections at genesis import).
	LastMisbehaviourEvidence collections.Item[[]byte]
}

// NewKeeper builds the keeper; it panics on a malformed authority, which is a wiring bug.
func NewKeeper(
	cdc codec.BinaryCodec, storeService storetypes.KVStoreService, addressCodec address.Codec, authority string,
	validium types.ValidiumKeeper, tree types.TreeKeeper,
) Keeper {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		panic(fmt.Errorf("invalid x/%s authority address %q: %w", types.ModuleName, authority, err))
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		storeService: storeService,
		addressCodec: addressCodec,
		validium:     validium,
		tree:         tree,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		NextRoundID:  collections.NewSequence(sb, types.NextRoundIDKey, "next_round_id"),
		Rounds:       collections.NewMap(sb, types.RoundsKey, "rounds", collections.Uint64Key, codec.CollValue[types.Round](cdc)),
		OpenRounds:   collections.NewMap(sb, types.OpenRoundsKey, "open_rounds", collections.Uint32Key, collections.Uint64Value),
		Votes: collections.NewMap(sb, types.VotesKey, "votes",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey), codec.CollValue[types.Vote](cdc)),
		Tallies: collections.NewMap(sb, types.TalliesKey, "tallies",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey), codec.CollValue[types.Tally](cdc)),
		Deadlines: collections.NewKeySet(sb, types.DeadlinesKey, "deadlines",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)),
		NextRootElectionID: collections.NewSequence(sb, types.NextRootElectionIDKey, "next_root_election_id"),
		RootElections: collections.NewMap(sb, types.RootElectionsKey, "root_elections", collections.Uint64Key,
			codec.CollValue[types.RootElection](cdc)),
		OpenRootElection: collections.NewItem(sb, types.OpenRootElectionKey, "open_root_election", collections.Uint64Value),
		RootVotes: collections.NewMap(sb, types.RootVotesKey, "root_votes",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey), codec.CollValue[types.RootVote](cdc)),
		RootTallies: collections.NewMap(sb, types.RootTalliesKey, "root_tallies",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey), codec.CollValue[types.RootTally](cdc)),
		RootResults: collections.NewMap(sb, types.RootResultsKey, "root_results", collections.Uint64Key,
			codec.CollValue[types.RootElectionResult](cdc)),
		LastMisbehaviourEvidence: collections.NewItem(sb, types.LastMisbehaviourEvidenceKey, "last_misbehaviour_evidence",
			collections.BytesValue),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// GetAuthority returns the address allowed to change params.
func (k Keeper) GetAuthority() string { return k.authority }
