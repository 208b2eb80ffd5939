package keeper_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/election/keeper"
	"github.com/slush-tree/slush/x/election/types"
)

// TestParamsSetGet proves params are stored and read back unchanged.
func TestParamsSetGet(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.SlashBps = 10_000
	require.NoError(t, f.k.Params.Set(f.ctx, p))
	got, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)
}

// TestUpdateParams proves MsgUpdateParams is for the governance authority only and refuses invalid params.
func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	valid, invalid := types.DefaultParams(), types.DefaultParams()
	valid.SlashBps = 10_000
	invalid.SlashBps = 10_001
	keepertest.TestUpdateParams(t, f.env, keepertest.ParamsModule[types.Params]{
		Valid: valid, Invalid: invalid,
		Update: func(ctx context.Context, authority string, p types.Params) error {
			_, err := f.msgs.UpdateParams(ctx, &types.MsgUpdateParams{Authority: authority, Params: p})
			return err
		},
		Get: func(ctx context.Context) (types.Params, error) {
			res, err := f.query.Params(ctx, &types.QueryParamsRequest{})
			if err != nil {
				return types.Params{}, err
			}
			return res.Params, nil
		},
		ErrSigner: types.ErrInvalidSigner, ErrParams: types.ErrInvalidParams,
	})
}

// TestGenesisRoundTrip proves rounds, votes and tallies survive export and import (a chain restarted
// from an export keeps its open round, its votes and the no-double-counting state).
func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	id := f.open()
	_, err := f.vote(id, f.x, 1, 1, 1)
	require.NoError(t, err)
	_, err = f.vote(id, f.y, 1, 1, 2)
	require.NoError(t, err)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(2), exported.NextRoundId)
	require.Len(t, exported.Rounds, 1)
	require.Len(t, exported.Votes, 2)
	require.Len(t, exported.Tallies, 2)

	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	open, err := g.query.OpenRound(g.ctx, &types.QueryOpenRoundRequest{ChildIndex: 1})
	require.NoError(t, err)
	require.True(t, open.Found)
	// the imported votes still count: a (over a1 and a2) adds only 3 − 2
	res, err := g.vote(id, g.x, 1, 1)
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.Counted)
	// and the imported deadline index still expires the round
	g.atHeight(int64(open.Round.Deadline) + 1)
	require.NoError(t, g.k.EndBlocker(g.ctx))
	require.Equal(t, types.RoundStatus_ROUND_STATUS_EXPIRED, g.round(id).Round.Status)

	bad := types.DefaultGenesisState()
	bad.Params.SlashBps = 10_001
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidParams)
	require.ErrorIs(t, g.k.InitGenesis(g.ctx, bad), types.ErrInvalidParams)
}

// TestNewKeeperRejectsBadAuthority proves a malformed authority is a wiring bug (a panic).
func TestNewKeeperRejectsBadAuthority(t *testing.T) {
	f := newFixture(t)
	require.Panics(t, func() {
		keeper.NewKeeper(f.env.Codec, f.env.StoreService, f.env.AddressCodec, "not-an-address", f.validium, f.tree)
	})
}
