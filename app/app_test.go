package app_test

import (
	"encoding/json"
	"testing"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/slush-tree/slush/app/apptesting"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

const determinismBlocks = 8

// runChain builds a fresh child chain and runs the same bank transfers every time,
// returning the app hash of every block and the exported app state.
func runChain(t *testing.T) ([][]byte, json.RawMessage) {
	t.Helper()
	id := treetypes.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16}
	chain := apptesting.NewChain(t, id, 3)
	hashes := make([][]byte, 0, determinismBlocks)
	for h := 0; h < determinismBlocks; h++ {
		var txs [][]byte
		for i := 0; i < 3; i++ {
			to := chain.Address((i + 1) % 3)
			msg := banktypes.NewMsgSend(chain.Address(i), to, sdk.NewCoins(sdk.NewCoin("stake", sdkmath.NewInt(int64(1000*(h+1)+i)))))
			txs = append(txs, chain.SignTx(i, uint64(h), msg))
		}
		res, appHash := chain.NextBlock(txs...)
		for i, r := range res.TxResults {
			require.Zerof(t, r.Code, "block %d tx %d: %s", h+1, i, r.Log)
		}
		hashes = append(hashes, appHash)
	}
	exported, err := chain.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	return hashes, exported.AppState
}

// TestDeterministicAppHash runs the same transactions on two fresh apps: every block's app hash must match.
func TestDeterministicAppHash(t *testing.T) {
	first, firstState := runChain(t)
	second, secondState := runChain(t)
	require.Len(t, first, determinismBlocks)
	for i := range first {
		require.NotEmpty(t, first[i])
		require.Equalf(t, first[i], second[i], "app hash diverged at block %d", i+1)
	}
	require.JSONEq(t, string(firstState), string(secondState))
	// the transfers really changed state: consecutive blocks have different hashes
	require.NotEqual(t, first[0], first[len(first)-1])
}

// TestExportImportExport exports a running chain, starts a new chain from the export and
// exports again: the two exports must be identical.
func TestExportImportExport(t *testing.T) {
	_, exported := runChain(t)

	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported, &appState))

	imported := apptesting.NewChainFromState(t, "slush-1-2", appState)
	var tgs treetypes.GenesisState
	require.NoError(t, imported.App.AppCodec().UnmarshalJSON(appState[treetypes.ModuleName], &tgs))
	require.Equal(t, []uint32{1, 2}, tgs.Identity.Path, "the export carries the tree identity")

	require.JSONEq(t, string(exported), string(imported.ExportGenesisState()))
}

// TestExportForZeroHeightRefused checks that the unsupported zero-height export fails clearly.
func TestExportForZeroHeightRefused(t *testing.T) {
	chain := apptesting.NewChain(t, treetypes.RootIdentity(), 1)
	chain.NextBlock()
	_, err := chain.App.ExportAppStateAndValidators(true, nil, nil)
	require.ErrorContains(t, err, "for-zero-height is not supported")
}

// TestRootFinalityAdvances: a root with no children (b = 1) finalizes each block's commitment
// with its next own update, on the running app (x/validium EndBlock records the own update).
func TestRootFinalityAdvances(t *testing.T) {
	chain := apptesting.NewChain(t, treetypes.RootIdentity(), 1)
	for i := 0; i < 4; i++ {
		chain.NextBlock()
	}
	q := acceptancekeeper.NewQueryServerImpl(&chain.App.AcceptanceKeeper)
	fin, err := q.Finality(chain.Context(), &acceptancetypes.QueryFinalityRequest{})
	require.NoError(t, err)
	require.True(t, fin.Found)
	require.Equal(t, uint64(chain.App.LastBlockHeight()-1), fin.Height)
	c, err := chain.App.TreeKeeper.Commitments.Get(chain.Context(), int64(fin.Height))
	require.NoError(t, err)
	require.Equal(t, c.Commitment, fin.Commitment, "the finalized hash is the root's commitment of that block")
}
