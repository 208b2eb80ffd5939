package cli_test

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/testutil/clitest"
	"github.com/slush-tree/slush/x/ledger/client/cli"
	"github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// childHome is the node home of chain 1-2, child of slush-1, as set-tree-identity places it.
func childHome(t *testing.T) string {
	t.Helper()
	return clitest.NewHome(t, "slush-1-2", treetypes.TreeIdentity{
		Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: treetypes.DefaultMaxChildren, MaxDepth: 16,
	})
}

// ledgerGenesis reads x/ledger's genesis from a home.
func ledgerGenesis(t *testing.T, home string) types.GenesisState {
	t.Helper()
	var gs types.GenesisState
	clitest.ModuleGenesis(t, home, types.ModuleName, &gs)
	return gs
}

// registrationInfo runs registration-info in home.
func registrationInfo(t *testing.T, home string) cli.RegistrationInfo {
	t.Helper()
	out, err := clitest.Run(t, home, cli.RegistrationInfoCmd(home), "--home", home)
	require.NoError(t, err, out)
	var info cli.RegistrationInfo
	require.NoError(t, json.Unmarshal([]byte(out), &info), out)
	return info
}

// TestSetLedgerParams: the ledger shape lands in genesis only if x/ledger accepts it
// (outbox depth 20, DESIGN §7.2), and registration-info derives the empty ledger's roots
// of this chain's vid at that shape.
func TestSetLedgerParams(t *testing.T) {
	home := childHome(t)
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"outbox depth not 20", []string{"--account-depth", "8", "--outbox-depth", "10", "--batch-size", "4"}, "outbox depth 10"},
		{"zero account depth", []string{"--account-depth", "0", "--batch-size", "4"}, "account depth 0"},
		{"zero batch", []string{"--account-depth", "8", "--batch-size", "0"}, "batch size 0"},
		{"more claim sections than slots", []string{"--account-depth", "8", "--batch-size", "4", "--claim-slots", "5"}, "5 claim slots"},
		{"claim depth beyond the tree", []string{"--account-depth", "8", "--batch-size", "4", "--claim-depth", "17"}, "inclusion depth 17"},
		{"ok", []string{"--account-depth", "8", "--batch-size", "4", "--claim-slots", "1", "--claim-depth", "2"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, home, cli.SetLedgerParamsCmd(home), append([]string{"--home", home}, tc.args...)...)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err, out)
				require.Equal(t, types.DefaultParams(), ledgerGenesis(t, home).Params, "genesis unchanged")
				return
			}
			require.NoError(t, err, out)
			require.Equal(t, types.Params{AccountDepth: 8, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1, InclusionDepth: 2},
				ledgerGenesis(t, home).Params)
		})
	}

	info := registrationInfo(t, home)
	vid := commitment.MustPackVid([]uint8{1, 2})
	empty, err := ledger.NewState(smt.NewMemStore(), vid, ledger.Params{AccountDepth: 8, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1, InclusionDepth: 2})
	require.NoError(t, err)
	ledgerRoot, err := empty.Root()
	require.NoError(t, err)
	outboxRoot, err := empty.OutboxRoot()
	require.NoError(t, err)
	require.Equal(t, cli.RegistrationInfo{
		ChainID: "slush-1-2", Path: "1-2", ParentChainID: "slush-1", ChildIndex: 2,
		Vid:                hex.EncodeToString(hash.EncodeElement(vid)),
		LedgerParams:       types.Params{AccountDepth: 8, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 1, InclusionDepth: 2},
		GenesisLedgerRoot:  hex.EncodeToString(hash.EncodeElement(ledgerRoot)),
		GenesisReceiptRoot: hex.EncodeToString(hash.EncodeElement(outboxRoot)), // both accumulators are empty at genesis
		GenesisOutboxRoot:  hex.EncodeToString(hash.EncodeElement(outboxRoot)),
	}, info)

	// the root of another shape differs: the registered roots follow the genesis shape
	other, err := ledger.NewState(smt.NewMemStore(), vid, ledger.Params{AccountDepth: 9, OutboxDepth: 20, BatchSize: 4})
	require.NoError(t, err)
	otherRoot, err := other.Root()
	require.NoError(t, err)
	require.NotEqual(t, hex.EncodeToString(hash.EncodeElement(otherRoot)), info.GenesisLedgerRoot)

	// an exported ledger has no genesis roots to register, and its shape is fixed
	gs := ledgerGenesis(t, home)
	gs.Store = []types.StoreEntry{{Key: []byte{1}, Value: []byte{2}}}
	clitest.SetModuleGenesis(t, home, types.ModuleName, &gs)
	_, err = clitest.Run(t, home, cli.RegistrationInfoCmd(home), "--home", home)
	require.ErrorContains(t, err, "exported ledger")
	_, err = clitest.Run(t, home, cli.SetLedgerParamsCmd(home), "--home", home)
	require.ErrorContains(t, err, "its shape cannot change")
}

// TestAddLedgerDeposit: deposits land in x/ledger genesis as canonical 32-byte fields, in
// order, genesis still validates and registration-info's ledger root and supply carry them;
// malformed ones leave genesis unchanged.
func TestAddLedgerDeposit(t *testing.T) {
	home := childHome(t)
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"owner not hex", []string{"--owner", "alice", "--asset", "7", "--amount", "1"}, "not hex"},
		{"owner non-canonical", []string{"--owner", nonCanonical, "--asset", "7", "--amount", "1"}, "--owner: hash: non-canonical"},
		{"no asset", []string{"--owner", ownerOf("alice"), "--amount", "1"}, "--asset is required"},
		{"zero amount", []string{"--owner", ownerOf("alice"), "--asset", "7"}, "--amount must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := clitest.Run(t, home, cli.AddLedgerDepositCmd(home), append([]string{"--home", home}, tc.args...)...)
			require.ErrorContains(t, err, tc.err, out)
			require.Empty(t, ledgerGenesis(t, home).Deposits)
		})
	}
	for _, d := range []struct{ seed, amount string }{{"alice", "1000"}, {"carol", "500"}} {
		out, err := clitest.Run(t, home, cli.AddLedgerDepositCmd(home), "--home", home, "--owner", ownerOf(d.seed), "--asset", "7", "--amount", d.amount)
		require.NoError(t, err, out)
	}
	asset := hash.EncodeElement(hash.Uint64(7))
	owner := func(seed string) []byte {
		return hash.EncodeElement(ledger.OwnerHash(ledger.KeyFromSeed([]byte(seed)).PublicKey))
	}
	deposits := []types.GenesisDeposit{
		{Recipient: owner("alice"), AssetId: asset, Amount: 1000},
		{Recipient: owner("carol"), AssetId: asset, Amount: 500},
	}
	require.Equal(t, deposits, ledgerGenesis(t, home).Deposits)
	require.NoError(t, clitest.ValidateGenesis(t, home))

	funded, err := ledger.NewState(smt.NewMemStore(), commitment.MustPackVid([]uint8{1, 2}), types.DefaultParams().Ledger())
	require.NoError(t, err)
	require.NoError(t, types.FundLedger(funded, deposits))
	root, err := funded.Root()
	require.NoError(t, err)
	info := registrationInfo(t, home)
	require.Equal(t, hex.EncodeToString(hash.EncodeElement(root)), info.GenesisLedgerRoot)
	require.Equal(t, uint64(1500), info.GenesisSupply)
}
