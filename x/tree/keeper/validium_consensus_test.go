package keeper_test

import (
	"bytes"
	"testing"

	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/x/tree/types"
)

// operatorKey is a valid ed25519 consensus public key.
func operatorKey() []byte {
	return cmted25519.GenPrivKeyFromSecret([]byte("root-operator")).PubKey().Bytes()
}

// TestEnterValidiumConsensus: only the root enters validium consensus, once, with a valid
// ed25519 key; a refusal stores nothing; the state exports and imports (DESIGN §10).
func TestEnterValidiumConsensus(t *testing.T) {
	notOnCurve := make([]byte, 32)
	notOnCurve[0] = 2 // y = 2 has no x on the curve
	for _, tc := range []struct {
		name    string
		genesis *types.GenesisState
		key     []byte
		wantErr error
	}{
		{"root with a valid key", types.DefaultGenesisState(), operatorKey(), nil},
		{"a child chain", childGenesis(), operatorKey(), types.ErrValidiumConsensus},
		{"short key", types.DefaultGenesisState(), operatorKey()[:31], types.ErrInvalidConsensusKey},
		{"no key", types.DefaultGenesisState(), nil, types.ErrInvalidConsensusKey},
		{"not a curve point", types.DefaultGenesisState(), notOnCurve, types.ErrInvalidConsensusKey},
		{"small-order point", types.DefaultGenesisState(), make([]byte, 32), types.ErrInvalidConsensusKey},
		{"non-canonical encoding (y = p + 1)", types.DefaultGenesisState(), nonCanonicalKey(), types.ErrInvalidConsensusKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, k := newKeeper(t, tc.genesis)
			ctx := env.Ctx.WithBlockHeight(42)
			err := k.EnterValidiumConsensus(ctx, tc.key)
			vc, under, getErr := k.ValidiumConsensusState(ctx)
			require.NoError(t, getErr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				if tc.key != nil && len(tc.key) == 32 && tc.key[0] == 0xee {
					require.ErrorContains(t, err, "non-canonical", "refused for its encoding, not its order")
				}
				require.False(t, under, "a refusal stores nothing")
				return
			}
			require.NoError(t, err)
			require.True(t, under)
			require.Equal(t, types.ValidiumConsensus{OperatorConsensusPubkey: tc.key, SinceHeight: 42}, vc)
			require.ErrorIs(t, k.EnterValidiumConsensus(ctx, tc.key), types.ErrValidiumConsensus, "only once")

			gs, err := k.ExportGenesis(ctx)
			require.NoError(t, err)
			require.Equal(t, &vc, gs.ValidiumConsensus)
			env2, k2 := newKeeper(t, gs)
			vc2, under2, err := k2.ValidiumConsensusState(env2.Ctx)
			require.NoError(t, err)
			require.True(t, under2)
			require.Equal(t, vc, vc2)
		})
	}
}

// TestValidiumConsensusGenesis: a genesis is refused with validium consensus on a child chain,
// an invalid key or no upgrade height.
func TestValidiumConsensusGenesis(t *testing.T) {
	valid := types.ValidiumConsensus{OperatorConsensusPubkey: operatorKey(), SinceHeight: 7}
	for _, tc := range []struct {
		name  string
		edit  func(*types.GenesisState)
		valid bool
	}{
		{"root", func(gs *types.GenesisState) { gs.ValidiumConsensus = &valid }, true},
		{"child", func(gs *types.GenesisState) { gs.Identity = childIdentity(); gs.ValidiumConsensus = &valid }, false},
		{"bad key", func(gs *types.GenesisState) {
			gs.ValidiumConsensus = &types.ValidiumConsensus{OperatorConsensusPubkey: bytes.Repeat([]byte{1}, 31), SinceHeight: 7}
		}, false},
		{"no height", func(gs *types.GenesisState) {
			gs.ValidiumConsensus = &types.ValidiumConsensus{OperatorConsensusPubkey: operatorKey()}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesisState()
			tc.edit(gs)
			err := gs.Validate()
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}

// nonCanonicalKey encodes the point y = 1 as y = p + 1 = 2^255 - 18 (little-endian): a string
// filippo.io/edwards25519 decodes, which is not the point's canonical encoding.
func nonCanonicalKey() []byte {
	k := bytes.Repeat([]byte{0xff}, 32)
	k[0], k[31] = 0xee, 0x7f
	return k
}
