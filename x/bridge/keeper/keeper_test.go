package keeper_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
)

func setup(t *testing.T) (keepertest.Env, keeper.Keeper) {
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority,
		fakeTree{root: true}, fakeAcceptance{}, log.NewNopLogger())
	require.NoError(t, k.InitGenesis(env.Ctx, types.DefaultGenesisState()))
	return env, k
}

func TestParamsSetGet(t *testing.T) {
	env, k := setup(t)
	p := types.DefaultParams()
	p.MessageDeadline = 9
	require.NoError(t, k.Params.Set(env.Ctx, p))
	got, err := k.Params.Get(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)
}

func TestUpdateParams(t *testing.T) {
	env, k := setup(t)
	msgs, query := keeper.NewMsgServerImpl(&k), keeper.NewQueryServerImpl(&k)
	valid, invalid := types.DefaultParams(), types.DefaultParams()
	valid.MessageDeadline = 9
	invalid.RootHistorySize = 0
	keepertest.TestUpdateParams(t, env, keepertest.ParamsModule[types.Params]{
		Valid: valid, Invalid: invalid,
		Update: func(ctx context.Context, authority string, p types.Params) error {
			_, err := msgs.UpdateParams(ctx, &types.MsgUpdateParams{Authority: authority, Params: p})
			return err
		},
		Get: func(ctx context.Context) (types.Params, error) {
			res, err := query.Params(ctx, &types.QueryParamsRequest{})
			if err != nil {
				return types.Params{}, err
			}
			return res.Params, nil
		},
		ErrSigner: types.ErrInvalidSigner, ErrParams: types.ErrInvalidParams,
	})
}

func TestGenesis(t *testing.T) {
	env, k := setup(t)
	gs := types.DefaultGenesisState()
	gs.Params.MessageDeadline = 9
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	exported, err := k.ExportGenesis(env.Ctx)
	require.NoError(t, err)
	require.Equal(t, gs, exported)

	bad := types.DefaultGenesisState()
	bad.Params.RootHistorySize = 0
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidParams)
	require.ErrorIs(t, k.InitGenesis(env.Ctx, bad), types.ErrInvalidParams)
}

// TestGenesisLedgerRules: with claims enabled (an inclusion key and claim slots), the ledger's
// claim sections must reach as deep as the inclusion key (DESIGN §7.3); deposits must be
// canonical and non-zero, and may sit beside an exported ledger_store (the record of its
// funding, never credited again). InitGenesis refuses exactly what Validate refuses.
func TestGenesisLedgerRules(t *testing.T) {
	vk := inclusionKeys(t).vk
	withClaims := func(slots, depth uint32, key bool) func(gs *types.GenesisState) {
		return func(gs *types.GenesisState) {
			gs.LedgerParams.ClaimSlots, gs.LedgerParams.InclusionDepth = slots, depth
			if key {
				gs.InclusionParams = types.InclusionParams{VerifyingKey: vk, MaxDepth: claimDepth}
			}
		}
	}
	deposit := func(amount uint64) types.GenesisDeposit {
		return types.GenesisDeposit{Recipient: hash.EncodeElement(hash.Uint64(1)), AssetId: hash.EncodeElement(hash.Uint64(7)), Amount: amount}
	}
	aboveModulus := bytes.Repeat([]byte{0xff}, 32)
	cases := []struct {
		name    string
		edit    func(gs *types.GenesisState)
		wantErr error
		wantMsg string
	}{
		{"claims at the key's depth", withClaims(1, claimDepth, true), nil, ""},
		{"claims shallower than the key", withClaims(1, claimDepth-1, true), types.ErrInvalidGenesis, "ledger inclusion depth 1"},
		{"claims deeper than the key", withClaims(2, claimDepth+1, true), types.ErrInvalidGenesis, "ledger inclusion depth 3"},
		{"no claim slots: the depth is unused", withClaims(0, 5, true), nil, ""},
		{"no inclusion key: claims are disabled", withClaims(1, 5, false), nil, ""},
		{"more claim slots than the batch", withClaims(5, claimDepth, true), types.ErrInvalidGenesis, "claim slots"},
		{"a zero deposit", func(gs *types.GenesisState) { gs.Deposits = []types.GenesisDeposit{deposit(0)} }, types.ErrInvalidGenesis, "amount is zero"},
		{"a non-canonical recipient", func(gs *types.GenesisState) {
			d := deposit(1)
			d.Recipient = aboveModulus
			gs.Deposits = []types.GenesisDeposit{d}
		}, types.ErrInvalidGenesis, "deposit 0 recipient"},
		{"a non-canonical asset", func(gs *types.GenesisState) {
			d := deposit(1)
			d.AssetId = aboveModulus
			gs.Deposits = []types.GenesisDeposit{deposit(1), d}
		}, types.ErrInvalidGenesis, "deposit 1 asset"},
		{"deposits beside a ledger_store", func(gs *types.GenesisState) {
			gs.Deposits = []types.GenesisDeposit{deposit(1)}
			gs.LedgerStore = []types.StoreEntry{{Key: []byte("m"), Value: []byte{1}}}
		}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesisState()
			gs.LedgerParams = testLedger
			tc.edit(gs)
			env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
			k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority,
				fakeTree{rootHeight: 3}, fakeAcceptance{}, log.NewNopLogger())
			if tc.wantErr == nil {
				require.NoError(t, gs.Validate())
				require.NoError(t, k.InitGenesis(env.Ctx, gs))
				return
			}
			require.ErrorIs(t, gs.Validate(), tc.wantErr)
			require.ErrorContains(t, gs.Validate(), tc.wantMsg)
			require.ErrorIs(t, k.InitGenesis(env.Ctx, gs), tc.wantErr)
		})
	}
}
