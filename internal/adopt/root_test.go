package adopt_test

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	cmtcrypto "github.com/cometbft/cometbft/crypto"
	cmtsecp256k1 "github.com/cometbft/cometbft/crypto/secp256k1"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/internal/adopt"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// newRootExport is the root at epoch 0 under validium consensus (operator oldKey at power 1,
// since height 3), exported at height 8 (commitments A at 5, B at 6 and 7, C at 8).
func newRootExport(t *testing.T) *export {
	t.Helper()
	e := newExport(t)
	e.tree.Identity = treetypes.RootIdentity()
	e.tree.Identity.OperatorKeyHash = element(100)
	e.tree.ValidiumConsensus = &treetypes.ValidiumConsensus{OperatorConsensusPubkey: oldKey.Bytes(), SinceHeight: 3}
	e.consensus.Validators = []cmttypes.GenesisValidator{{Address: oldKey.Address(), PubKey: oldKey, Power: 1, Name: "root operator"}}
	e.extra = map[string]codec.ProtoMarshaler{
		validiumtypes.ModuleName: validiumtypes.DefaultGenesisState(), electiontypes.ModuleName: electiontypes.DefaultGenesisState(),
	}
	return e
}

// buildRoot encodes the root export.
func (e *export) buildRoot(t *testing.T, cdc codec.JSONCodec) *genutiltypes.AppGenesis {
	t.Helper()
	gen := e.build(t, cdc)
	gen.ChainID = "slush-root"
	return gen
}

// electedRoot is replica slush-1's result: root epoch 0 replaced by newKey (key hash 202) on base B
// at root height 6.
func electedRoot() adopt.Replica {
	return adopt.Replica{ChainID: "slush-1", ParentChainID: "slush-root", Result: electiontypes.RootElectionResult{
		Epoch: 0, ElectionId: 1, BaseRootHeight: 6, BaseCommitment: commitB, Settled: true,
		Elected: electiontypes.RootCandidate{OperatorKeyHash: element(202), ConsensusPubkey: newKey.Bytes()},
	}}
}

// TestRootGenesis: the restarted root's genesis is the export with epoch + 1 and the elected key
// hash in its identity, the elected consensus key as its validium consensus and its one validator
// at power 1; every other module is as exported.
func TestRootGenesis(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	exp := newRootExport(t).buildRoot(t, cdc)
	epoch, isRoot, err := adopt.RootEpoch(cdc, exp)
	require.NoError(t, err)
	require.True(t, isRoot)
	require.Zero(t, epoch)
	_, isRoot, err = adopt.RootEpoch(cdc, newExport(t).build(t, cdc))
	require.NoError(t, err)
	require.False(t, isRoot)

	gen, summary, err := adopt.RootGenesis(cdc, adopt.RootInput{Export: exp, ConsensusKey: newKey, Replica: electedRoot(), GenesisTime: genesisTime})
	require.NoError(t, err)
	require.Equal(t, adopt.Summary{
		ChainID: "slush-root", InitialHeight: 9, Epoch: 1, OperatorKeyHash: hex.EncodeToString(element(202)),
		ValidatorConsAddress: consAddr(newKey), Commitment: hex.EncodeToString(commitC), CommitmentHeight: 8,
		RootBond: &adopt.RootBondSlash{Epoch: 0, SlashBps: electiontypes.DefaultSlashBps,
			Note: "the export holds no root bond for epoch 0: nothing slashed"},
	}, summary)
	require.Equal(t, genesisTime, gen.GenesisTime)
	require.Equal(t, int64(9), gen.InitialHeight)
	require.Equal(t, []cmttypes.GenesisValidator{{Address: newKey.Address(), PubKey: newKey, Power: 1, Name: "root operator"}}, gen.Consensus.Validators)

	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(gen.AppState, &appState))
	var exported map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exp.AppState, &exported))
	for _, m := range []string{"bank", stakingtypes.ModuleName, validiumtypes.ModuleName} {
		require.JSONEq(t, string(exported[m]), string(appState[m]), "%s is as exported", m)
	}
	var tree treetypes.GenesisState
	cdc.MustUnmarshalJSON(appState[treetypes.ModuleName], &tree)
	require.Equal(t, uint64(1), tree.Identity.Epoch)
	require.Equal(t, element(202), tree.Identity.OperatorKeyHash)
	require.Equal(t, &treetypes.ValidiumConsensus{OperatorConsensusPubkey: newKey.Bytes(), SinceHeight: 3}, tree.ValidiumConsensus)
	require.Len(t, tree.Commitments, 4, "the history is kept")
}

// TestRootGenesisRefusals: an export that is not the root's under validium consensus at its
// newest commitment, without the base, a home key that is not the elected one, or a replica of
// another tree, makes no genesis.
func TestRootGenesisRefusals(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	for _, tc := range []struct {
		name    string
		edit    func(e *export)
		key     cmtcrypto.PubKey
		replica func(r *adopt.Replica)
		err     string
	}{
		{name: "under x/staking", edit: func(e *export) { e.tree.ValidiumConsensus = nil }, err: "not under validium consensus"},
		{name: "exported past the newest commitment", edit: func(e *export) { e.initial = 10 }, err: "export with --height 8"},
		{name: "another base", replica: func(r *adopt.Replica) { r.Result.BaseCommitment = commitA },
			err: "not the root the election was about"},
		{name: "base above the export", replica: func(r *adopt.Replica) { r.Result.BaseRootHeight = 9 },
			err: "below the base root height 9"},
		{name: "base pruned", replica: func(r *adopt.Replica) { r.Result.BaseRootHeight = 4 }, err: "no own commitment at the base root height 4"},
		{name: "a replica of another root", replica: func(r *adopt.Replica) { r.ParentChainID = "slush-other" },
			err: `is a child of "slush-other", the export is of "slush-root"`},
		{name: "not the elected key", key: otherKey, err: "is not the elected consensus key"},
		{name: "not ed25519", key: cmtsecp256k1.GenPrivKeySecp256k1([]byte("secp")).PubKey(), err: "the root's operator signs with ed25519"},
		{name: "another epoch replaced", replica: func(r *adopt.Replica) { r.Result.Epoch = 1 },
			err: "the election replaced root epoch 1, the export is of epoch 0"},
		{name: "no consensus section", edit: func(e *export) { e.consensus = nil }, err: "no consensus section"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newRootExport(t)
			if tc.edit != nil {
				tc.edit(e)
			}
			key, r := tc.key, electedRoot()
			if key == nil {
				key = newKey
			}
			if tc.replica != nil {
				tc.replica(&r)
			}
			gen, _, err := adopt.RootGenesis(cdc, adopt.RootInput{Export: e.buildRoot(t, cdc), ConsensusKey: key, Replica: r, GenesisTime: genesisTime})
			require.ErrorContains(t, err, tc.err)
			require.Nil(t, gen)
		})
	}
}
