package validium_consensus_test

import (
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/app/valset"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/adopt"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// TestElectedOperatorRestartsRoot: the root under validium consensus exports its last state, the
// operator its children elected (DESIGN §10) makes the restarted root's genesis from it
// (internal/adopt, what `genesis adopt-export` runs on a root export), and the root starts from it
// with the elected consensus key as its one validator (InitChain) and commits under epoch 1 and
// the elected operator key hash; the base record the children's adoption proves is in its state.
func TestElectedOperatorRestartsRoot(t *testing.T) {
	r := newRootWithKeyHash(t, nValidators, oldKeyHash)
	r.upgrade(infoFor("/cosmos.crypto.ed25519.PubKey", operatorKey.PubKey().Bytes()))
	// the operator's bond for epoch 0 (DESIGN §10), posted by account 1 after the upgrade
	owner := sdk.AccAddress(r.Accounts[1].PubKey().Address())
	bond := sdk.NewCoin("stake", sdkmath.NewInt(3_000_001))
	res := r.block(nil, r.tx(1, &validiumtypes.MsgPostRootBond{Owner: owner.String(), Epoch: 0, OperatorKeyHash: oldKeyHash, Amount: bond}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	for range 4 {
		r.block(nil)
	}
	ownerBefore := r.App.BankKeeper.GetBalance(r.Context(), owner, "stake")
	supplyBefore := r.App.BankKeeper.GetSupply(r.Context(), "stake") // as exported
	baseHeight := uint64(r.App.LastBlockHeight() - 1)                // the base: a root commitment below the last state
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
	slashBps := electiontypes.DefaultSlashBps
	slashed := bond.Amount.MulRaw(int64(slashBps)).QuoRaw(10_000) // 1_500_000: rounded down
	refund := bond.Amount.Sub(slashed)
	require.Equal(t, &adopt.RootBondSlash{
		Epoch: 0, Owner: owner.String(), Bond: bond.String(), SlashBps: slashBps,
		Slashed: sdk.NewCoin("stake", slashed).String(), Refunded: sdk.NewCoin("stake", refund).String(),
		Note: summary.RootBond.Note,
	}, summary.RootBond)

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

	// the old operator's bond is slashed: the slashed share is out of the genesis supply (which
	// bank's InitGenesis found equal to the sum of the balances), the rest is the owner's, and the
	// restarted root holds no bond
	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(gen.AppState, &appState))
	var bank banktypes.GenesisState
	restarted.App.AppCodec().MustUnmarshalJSON(appState[banktypes.ModuleName], &bank)
	require.Equal(t, supplyBefore.Amount.Sub(slashed), bank.Supply.AmountOf("stake"), "burnt")
	ctx = restarted.Context()
	require.Equal(t, ownerBefore.Amount.Add(refund), restarted.App.BankKeeper.GetBalance(ctx, owner, "stake").Amount, "refunded")
	_, err = restarted.App.ValidiumKeeper.RootBond.Get(ctx)
	require.ErrorIs(t, err, collections.ErrNotFound, "no bond for epoch 1 until one is posted")
	escrow := restarted.App.BankKeeper.GetBalance(ctx, authtypes.NewModuleAddress(validiumtypes.ModuleName), "stake")
	require.True(t, escrow.IsZero(), "nothing left in escrow: %s", escrow)
}

// oldKeyHash is the root operator key hash of epoch 0 in TestElectedOperatorRestartsRoot.
var oldKeyHash = hash.EncodeElement(hash.Uint64(77))

// newRootWithKeyHash starts a root with n validators whose identity binds operator key hash
// keyHash (a root bond names it).
func newRootWithKeyHash(t *testing.T, n int, keyHash []byte) *root {
	t.Helper()
	id := treetypes.RootIdentity()
	id.OperatorKeyHash = keyHash
	chain := apptesting.NewChainWithValidators(t, id, 3, n, shortVoting)
	r := &root{Chain: chain, set: map[string]int64{}, seq: map[int]uint64{}}
	for i := range n {
		r.set[string(apptesting.ValidatorKey(chain.ChainID, i).PubKey().Bytes())] = 1
	}
	return r
}
