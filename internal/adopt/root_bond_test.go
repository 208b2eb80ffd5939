package adopt_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/internal/adopt"
	electiontypes "github.com/slush-tree/slush/x/election/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// bondedRoot is the root export with a root bond of amount stake for epoch 0 owned by owner,
// escrowed in x/validium's module account next to childBonds of children's bonds, slash_bps bps,
// and a bank state whose supply is the sum of its balances (owner's own balance ownerHas; none
// when zero).
func bondedRoot(t *testing.T, owner sdk.AccAddress, amount, childBonds, ownerHas int64, bps uint32) *export {
	t.Helper()
	e := newRootExport(t)
	validium := validiumtypes.DefaultGenesisState()
	validium.RootBond = &validiumtypes.RootBond{Epoch: 0, OperatorKeyHash: e.tree.Identity.OperatorKeyHash, Owner: owner.String(),
		Amount: sdk.NewInt64Coin("stake", amount)}
	election := electiontypes.DefaultGenesisState()
	election.Params.SlashBps = bps
	bank := banktypes.DefaultGenesisState()
	bank.Balances = []banktypes.Balance{
		{Address: authtypes.NewModuleAddress(validiumtypes.ModuleName).String(), Coins: sdk.NewCoins(sdk.NewInt64Coin("stake", amount+childBonds))},
		{Address: sdk.AccAddress([]byte("someone-else-account")).String(), Coins: sdk.NewCoins(sdk.NewInt64Coin("stake", 42), sdk.NewInt64Coin("uatom", 9))},
	}
	if ownerHas > 0 {
		bank.Balances = append(bank.Balances, banktypes.Balance{Address: owner.String(), Coins: sdk.NewCoins(sdk.NewInt64Coin("stake", ownerHas))})
	}
	bank.Balances = banktypes.SanitizeGenesisBalances(bank.Balances)
	for _, b := range bank.Balances {
		bank.Supply = bank.Supply.Add(b.Coins...)
	}
	require.NoError(t, bank.Validate())
	e.extra = map[string]codec.ProtoMarshaler{validiumtypes.ModuleName: validium, electiontypes.ModuleName: election, banktypes.ModuleName: bank}
	return e
}

// restartedStates decodes the restarted root's x/bank and x/validium genesis.
func restartedStates(t *testing.T, cdc codec.JSONCodec, appState json.RawMessage) (banktypes.GenesisState, validiumtypes.GenesisState) {
	t.Helper()
	var states map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(appState, &states))
	var bank banktypes.GenesisState
	cdc.MustUnmarshalJSON(states[banktypes.ModuleName], &bank)
	var validium validiumtypes.GenesisState
	cdc.MustUnmarshalJSON(states[validiumtypes.ModuleName], &validium)
	return bank, validium
}

// balanceOf is addr's stake in a bank genesis (and whether it has a balance entry).
func balanceOf(bank banktypes.GenesisState, addr string) (sdkmath.Int, bool) {
	for _, b := range bank.Balances {
		if b.Address == addr {
			return b.Coins.AmountOf("stake"), true
		}
	}
	return sdkmath.ZeroInt(), false
}

// TestRootGenesisSlashesRootBond: the restarted root's genesis burns exactly slash_bps of the
// replaced epoch's root bond (from x/validium's module account and the supply), refunds the rest
// to the owner's balance (a new entry, in address order, if it had none), removes the bond, and
// its bank genesis validates (supply = sum of balances); the summary reports both amounts.
func TestRootGenesisSlashesRootBond(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	owner := sdk.AccAddress([]byte("root-bond-owner-acc1"))
	module := authtypes.NewModuleAddress(validiumtypes.ModuleName).String()
	for _, tc := range []struct {
		name                    string
		amount, childBonds, has int64
		bps                     uint32
		slashed, refunded       int64
		moduleLeft              int64 // 0: the module account's entry is gone
	}{
		{name: "half, the owner has a balance", amount: 1_000_000, childBonds: 300, has: 5, bps: 5_000, slashed: 500_000, refunded: 500_000, moduleLeft: 300},
		{name: "rounded down, the owner has no balance", amount: 1_001, childBonds: 300, bps: 3_333, slashed: 333, refunded: 668, moduleLeft: 300},
		{name: "all of it, the module holds only the bond", amount: 2_000, has: 5, bps: 10_000, slashed: 2_000, refunded: 0},
		{name: "none of it", amount: 2_000, childBonds: 1, has: 5, bps: 0, slashed: 0, refunded: 2_000, moduleLeft: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bondedRoot(t, owner, tc.amount, tc.childBonds, tc.has, tc.bps)
			exported := e.extra[banktypes.ModuleName].(*banktypes.GenesisState)
			gen, summary, err := adopt.RootGenesis(cdc, adopt.RootInput{Export: e.buildRoot(t, cdc), ConsensusKey: newKey, Replica: electedRoot(), GenesisTime: genesisTime})
			require.NoError(t, err)
			coin := func(n int64) string { return sdk.NewInt64Coin("stake", n).String() }
			require.Equal(t, &adopt.RootBondSlash{
				Epoch: 0, Owner: owner.String(), Bond: coin(tc.amount), SlashBps: tc.bps, Slashed: coin(tc.slashed), Refunded: coin(tc.refunded),
				Note: "the root bond of epoch 0 (" + coin(tc.amount) + ") is slashed: " + coin(tc.slashed) + " burnt (" +
					itoa(tc.bps) + " bps), " + coin(tc.refunded) + " refunded to " + owner.String(),
			}, summary.RootBond)

			bank, validium := restartedStates(t, cdc, gen.AppState)
			require.NoError(t, bank.Validate(), "supply = sum of balances")
			require.Nil(t, validium.RootBond, "the bond is gone")
			require.NoError(t, validium.Validate())
			require.Equal(t, exported.Supply.AmountOf("stake").SubRaw(tc.slashed), bank.Supply.AmountOf("stake"), "the slashed share is burnt")
			require.Equal(t, exported.Supply.AmountOf("uatom"), bank.Supply.AmountOf("uatom"))
			left, ok := balanceOf(bank, module)
			require.Equal(t, tc.moduleLeft != 0, ok)
			require.Equal(t, sdkmath.NewInt(tc.moduleLeft), left, "the module account lost the whole bond")
			got, ok := balanceOf(bank, owner.String())
			require.Equal(t, tc.has+tc.refunded > 0, ok)
			require.Equal(t, sdkmath.NewInt(tc.has+tc.refunded), got, "the owner got the rest")
			require.Equal(t, banktypes.SanitizeGenesisBalances(append([]banktypes.Balance(nil), bank.Balances...)), bank.Balances, "balances in address order")

			again, _, err := adopt.RootGenesis(cdc, adopt.RootInput{Export: e.buildRoot(t, cdc), ConsensusKey: newKey, Replica: electedRoot(), GenesisTime: genesisTime})
			require.NoError(t, err)
			require.Equal(t, string(gen.AppState), string(again.AppState), "deterministic")
		})
	}
}

// TestRootGenesisRootBondRefusals: a root bond that is not the replaced epoch's or operator's, or
// that x/validium's module account or the supply cannot cover, makes no genesis; so does an
// export without x/validium or x/election state.
func TestRootGenesisRootBondRefusals(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	owner := sdk.AccAddress([]byte("root-bond-owner-acc1"))
	for _, tc := range []struct {
		name string
		edit func(e *export)
		err  string
	}{
		{name: "another epoch's bond", edit: func(e *export) {
			e.extra[validiumtypes.ModuleName].(*validiumtypes.GenesisState).RootBond.Epoch = 1
		}, err: "the export's root bond is for epoch 1"},
		{name: "another operator's bond", edit: func(e *export) {
			e.extra[validiumtypes.ModuleName].(*validiumtypes.GenesisState).RootBond.OperatorKeyHash = element(7)
		}, err: "the export is of epoch 0, operator key hash"},
		{name: "the module account short", edit: func(e *export) {
			bank := e.extra[banktypes.ModuleName].(*banktypes.GenesisState)
			bank.Balances[0].Coins = sdk.NewCoins(sdk.NewInt64Coin("stake", 10))
			if bank.Balances[0].Address != authtypes.NewModuleAddress(validiumtypes.ModuleName).String() {
				bank.Balances[1].Coins = sdk.NewCoins(sdk.NewInt64Coin("stake", 10))
			}
		}, err: "holds less than the root bond"},
		{name: "no x/validium state", edit: func(e *export) { delete(e.extra, validiumtypes.ModuleName) }, err: "the export has no validium state"},
		{name: "no x/election state", edit: func(e *export) { delete(e.extra, electiontypes.ModuleName) }, err: "the export has no election state"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bondedRoot(t, owner, 1_000, 0, 0, 5_000)
			tc.edit(e)
			gen, _, err := adopt.RootGenesis(cdc, adopt.RootInput{Export: e.buildRoot(t, cdc), ConsensusKey: newKey, Replica: electedRoot(), GenesisTime: genesisTime})
			require.ErrorContains(t, err, tc.err)
			require.Nil(t, gen)
		})
	}
}

// itoa is a bps value as the summary's note prints it.
func itoa(n uint32) string { return sdkmath.NewInt(int64(n)).String() }
