package keepertest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// ParamsModule is how the shared params tests reach one module's params.
type ParamsModule[P any] struct {
	// Valid and Invalid are a new valid params value (differing from the current one) and one that fails Validate.
	Valid, Invalid P
	// Update calls the module's Msg/UpdateParams as authority.
	Update func(ctx context.Context, authority string, p P) error
	// Get reads the params through the module's Query/Params.
	Get func(ctx context.Context) (P, error)
	// ErrSigner and ErrParams are the module's registered errors for a wrong authority and bad params.
	ErrSigner, ErrParams error
}

// TestUpdateParams checks MsgUpdateParams: rejected for a non-authority and for invalid params
// (changing nothing), accepted for the authority and visible through the params query.
func TestUpdateParams[P any](t *testing.T, env Env, m ParamsModule[P]) {
	cases := []struct {
		name      string
		authority string
		params    P
		wantErr   error
	}{
		{"non-authority rejected", env.OtherAddress(t), m.Valid, m.ErrSigner},
		{"invalid params rejected", env.Authority, m.Invalid, m.ErrParams},
		{"authority with valid params", env.Authority, m.Valid, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, err := m.Get(env.Ctx)
			require.NoError(t, err)
			err = m.Update(env.Ctx, tc.authority, tc.params)
			after, qerr := m.Get(env.Ctx)
			require.NoError(t, qerr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, before, after, "a rejected update changes nothing")
				return
			}
			require.NoError(t, err)
			require.NotEqual(t, before, after)
			require.Equal(t, tc.params, after)
		})
	}
}
