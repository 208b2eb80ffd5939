package validium_consensus_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/app/valset"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/adopt"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// TestElectedOperatorRestartsRoot: the root under validium consensus exports its last state, the
// operator its children elected (DESIGN §10) makes the restarted root's genesis from it
// (internal/adopt, what `genesis adopt-export` runs on a root export), and the root starts from it
// with the elected consensus key as its one validator (InitChain) and commits under epoch 1 and
// the elected operator key hash; the base record the children's adoption proves is in its state.
func TestElectedOperatorRestartsRoot(t *testing.T) {
	r := newRoot(t, nValidators)
	r.upgrade(infoFor("/cosmos.crypto.ed25519.PubKey", operatorKey.PubKey().Bytes()))
	for range 4 {
		r.block(nil)
	}
	baseHeight := uint64(r.App.LastBlockHeight() - 1) // the base: a root commitment below the last state
	base, err := r.App.TreeKeeper.Commitments.Get(r.Context(), int64(baseHeight))
	require.NoError(t, err)
	exported, err := r.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	// as `slushchaind export` writes it: the SDK's export height is the next block's
	export := &genutiltypes.AppGenesis{
		AppName: "slushchaind", ChainID: r.ChainID, InitialHeight: exported.Height, AppState: exported.AppState,
		Consensus: &genutiltypes.ConsensusGenesis{Params: cmttypes.DefaultConsensusParams(), Validators: exported.Validators},
	}

	elected := cmted25519.GenPrivKeyFromSecret([]byte("elected root operator")).PubKey()
	keyHash := hash.EncodeElement(hash.Uint64(4242))
	gen, summary, err := adopt.RootGenesis(r.App.AppCodec(), adopt.RootInput{
		Export: export, ConsensusKey: elected, GenesisTime: apptesting.GenesisTime,
		Replica: adopt.Replica{ChainID: "slush-1", ParentChainID: r.ChainID, Result: electiontypes.RootElectionResult{
			Epoch: 0, BaseRootHeight: baseHeight, BaseCommitment: base.Commitment,
			Elected: electiontypes.RootCandidate{OperatorKeyHash: keyHash, ConsensusPubkey: elected.Bytes()},
		}},
	})
	require.NoError(t, err)
	require.Equal(t, uint64(1), summary.Epoch)
	require.Equal(t, exported.Height-1, summary.CommitmentHeight)

	restarted, initRes := apptesting.NewChainFromExport(t, r.ChainID, servertypes.ExportedApp{
		AppState: gen.AppState, Validators: gen.Consensus.Validators, Height: gen.InitialHeight - 1,
	})
	require.Equal(t, sortedPowers([]abci.ValidatorUpdate{valset.OperatorUpdate(treetypes.ValidiumConsensus{OperatorConsensusPubkey: elected.Bytes()})}),
		sortedPowers(initRes.Validators), "the restarted root starts with the elected key alone")
	restarted.NextBlock()
	ctx := restarted.Context()
	id, err := restarted.App.TreeKeeper.GetIdentity(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), id.Epoch)
	own, err := restarted.App.TreeKeeper.Commitments.Get(ctx, restarted.App.LastBlockHeight())
	require.NoError(t, err)
	require.Equal(t, uint64(1), own.Fields.Epoch, "the restarted root commits under epoch 1")
	require.Equal(t, keyHash, own.Fields.OperatorKeyHash, "and the elected operator key hash")
	kept, ok, err := restarted.App.TreeKeeper.RootCommitmentAt(ctx, baseHeight)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, base.Commitment, kept, "the base record the children's adoption proves")
	vc, under, err := restarted.App.TreeKeeper.ValidiumConsensusState(ctx)
	require.NoError(t, err)
	require.True(t, under)
	require.Equal(t, elected.Bytes(), vc.OperatorConsensusPubkey)
	for range 2 {
		next, _ := restarted.NextBlock()
		require.Empty(t, next.ValidatorUpdates, "no changeover")
	}
}
