package types_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/x/ledger/types"
)

// TestLedgerParamsRoundTrip: the stored ledger shape carries every circuit parameter, the claim
// slots and inclusion depth among them.
func TestLedgerParamsRoundTrip(t *testing.T) {
	for _, p := range []ledger.Params{
		ledger.DefaultParams,
		{AccountDepth: 6, OutboxDepth: 20, BatchSize: 4, ClaimSlots: 2, InclusionDepth: 3},
		{AccountDepth: 6, OutboxDepth: 20, BatchSize: 4},
	} {
		require.Equal(t, p, types.NewParams(p).Ledger())
	}
	require.Equal(t, types.NewParams(ledger.DefaultParams), types.DefaultParams())
	require.NoError(t, types.DefaultParams().Validate())
}

// TestFundLedger: genesis deposits are credited in order to accounts created first-come, and a
// deposit that does not decode is refused as invalid genesis.
func TestFundLedger(t *testing.T) {
	p := ledger.Params{AccountDepth: 6, OutboxDepth: 20, BatchSize: 4}
	a, b, asset := hash.Uint64(1), hash.Uint64(2), hash.Uint64(7)
	deposits := []types.GenesisDeposit{
		{Recipient: hash.EncodeElement(a), AssetId: hash.EncodeElement(asset), Amount: 10},
		{Recipient: hash.EncodeElement(b), AssetId: hash.EncodeElement(asset), Amount: 20},
		{Recipient: hash.EncodeElement(a), AssetId: hash.EncodeElement(asset), Amount: 5},
	}
	state, err := ledger.NewState(smt.NewMemStore(), hash.Uint64(3), p)
	require.NoError(t, err)
	require.NoError(t, types.FundLedger(state, deposits))
	require.Equal(t, uint64(2), state.NumAccounts())
	for i, want := range []struct {
		owner   []byte
		balance uint64
	}{{hash.EncodeElement(a), 15}, {hash.EncodeElement(b), 20}} {
		acc, ok, err := state.Account(uint64(i))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, want.owner, hash.EncodeElement(acc.Owner))
		require.Equal(t, want.balance, acc.Balance)
	}
	require.Zero(t, state.InboxLen(), "funding is not a bridge-in")
	require.Zero(t, state.Receipts().Size())

	aboveModulus := bytes.Repeat([]byte{0xff}, 32)
	for name, d := range map[string]types.GenesisDeposit{
		"recipient": {Recipient: aboveModulus, AssetId: hash.EncodeElement(asset), Amount: 1},
		"asset":     {Recipient: hash.EncodeElement(a), AssetId: aboveModulus, Amount: 1},
	} {
		fresh, err := ledger.NewState(smt.NewMemStore(), hash.Uint64(3), p)
		require.NoError(t, err)
		err = types.FundLedger(fresh, []types.GenesisDeposit{deposits[0], d})
		require.ErrorIs(t, err, types.ErrInvalidGenesis, name)
		require.ErrorContains(t, err, "deposit 1 "+name, name)
	}
}
