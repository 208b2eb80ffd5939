package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/types"
)

// outgoing is a genesis outgoing record of message m from account with status.
func outgoing(m inclusion.Message, account uint64, status slushtypes.MessageStatus) types.OutgoingMessage {
	return types.OutgoingMessage{Message: slushtypes.NewBridgeMessage(m), MessageHash: hash.EncodeElement(m.Hash()),
		AccountIndex: account, Status: status, SentHeight: 3}
}

// TestGenesisRoundTrip proves a bridge genesis with every field set imports and exports
// unchanged, and its import freezes exactly the senders of SENT messages and indexes only those
// for expiry.
func TestGenesisRoundTrip(t *testing.T) {
	sent, confirmed, routed := inMsg(carol, 1, 0), inMsg(carol, 2, 1), inMsg(carol, 3, 2)
	sent.Deadline, confirmed.Deadline, routed.Deadline = 40, 41, 42
	c := newChain(t, senderPath, withClaims(t), func(g *genesis) {
		g.bridge.Params.MessageDeadline = 9
		g.bridge.Nullifiers = [][]byte{hash.EncodeElement(hash.Uint64(1)), hash.EncodeElement(hash.Uint64(2))}
		g.bridge.Outgoing = []types.OutgoingMessage{
			outgoing(sent, 4, slushtypes.MessageStatus_MESSAGE_STATUS_SENT),
			outgoing(confirmed, 5, slushtypes.MessageStatus_MESSAGE_STATUS_CONFIRMED),
			outgoing(routed, 6, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP),
		}
	})
	g := defaultGenesis(senderPath)
	withClaims(t)(&g)
	exported, err := c.k.ExportGenesis(c.env.Ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Equal(t, uint64(9), exported.Params.MessageDeadline)
	require.Len(t, exported.Nullifiers, 2)
	require.Len(t, exported.Outgoing, 3)

	c2 := openChain(t)
	g.bridge = exported
	require.NoError(t, c2.init(g))
	again, err := c2.k.ExportGenesis(c2.env.Ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	for _, cc := range []*chain{c, c2} {
		for account, want := range map[uint64]bool{4: true, 5: false, 6: false} {
			frozen, err := cc.k.FrozenSender.Has(cc.env.Ctx, account)
			require.NoError(t, err)
			require.Equal(t, want, frozen, "account %d", account)
		}
		var indexed []uint64
		require.NoError(t, cc.k.OutgoingDeadlines.Walk(cc.env.Ctx, nil, func(key collections.Pair[uint64, []byte]) (bool, error) {
			indexed = append(indexed, key.K1())
			return false, nil
		}))
		require.Equal(t, []uint64{40}, indexed, "only SENT messages expire")
	}
}

// TestGenesisValidate proves Validate and InitGenesis refuse bad params, an inclusion key that
// does not decode or is too deep, and non-canonical nullifiers and message hashes.
func TestGenesisValidate(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(gs *types.GenesisState)
		wantErr error
		wantMsg string
	}{
		{"the default", func(*types.GenesisState) {}, nil, ""},
		{"no message deadline", func(gs *types.GenesisState) { gs.Params.MessageDeadline = 0 }, types.ErrInvalidParams, "message_deadline"},
		{"free proof verification", func(gs *types.GenesisState) { gs.Params.ClaimGasFlat = 0 }, types.ErrInvalidParams, "claim_gas_flat"},
		{"an inclusion key that does not decode", func(gs *types.GenesisState) {
			gs.InclusionParams.VerifyingKey = []byte("key")
		}, types.ErrInvalidGenesis, "inclusion verifying key"},
		{"deeper than a path", func(gs *types.GenesisState) { gs.InclusionParams.MaxDepth = slushtypes.MaxDepth + 1 }, types.ErrInvalidGenesis, "max depth 17"},
		{"a non-canonical nullifier", func(gs *types.GenesisState) { gs.Nullifiers = [][]byte{aboveModulus} }, types.ErrInvalidGenesis, "nullifier 0"},
		{"a non-canonical message hash", func(gs *types.GenesisState) {
			gs.Outgoing = []types.OutgoingMessage{{MessageHash: aboveModulus}}
		}, types.ErrInvalidGenesis, "outgoing 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := defaultGenesis(senderPath)
			tc.edit(g.bridge)
			c := openChain(t)
			if tc.wantErr == nil {
				require.NoError(t, g.bridge.Validate())
				require.NoError(t, c.init(g))
				return
			}
			require.ErrorIs(t, g.bridge.Validate(), tc.wantErr)
			require.ErrorContains(t, g.bridge.Validate(), tc.wantMsg)
			require.ErrorIs(t, c.init(g), tc.wantErr)
			_, err := c.k.Params.Get(c.env.Ctx)
			require.Error(t, err, "a refused genesis stores nothing")
		})
	}
}

// TestGenesisClaimDepth proves that with claims enabled (an inclusion key and claim slots) the
// bridge genesis requires x/ledger's claim sections to reach exactly as deep as the inclusion
// key (DESIGN §7.3), a rule only InitGenesis can check (it reads x/ledger's params).
func TestGenesisClaimDepth(t *testing.T) {
	vk := inclusionKeys(t).vk
	cases := []struct {
		name        string
		slots       uint32
		depth       uint32
		key         bool
		wantMessage string // empty: accepted
	}{
		{"claims at the key's depth", 1, claimDepth, true, ""},
		{"claims shallower than the key", 1, claimDepth - 1, true, "ledger inclusion depth 1 is not the inclusion key's max depth 2"},
		{"claims deeper than the key", 2, claimDepth + 1, true, "ledger inclusion depth 3 is not the inclusion key's max depth 2"},
		{"no claim slots: the depth is unused", 0, 5, true, ""},
		{"no inclusion key: claims are disabled", 1, 5, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := defaultGenesis(destinationPath)
			g.ledger.Params.ClaimSlots, g.ledger.Params.InclusionDepth = tc.slots, tc.depth
			if tc.key {
				g.bridge.InclusionParams = types.InclusionParams{VerifyingKey: vk, MaxDepth: claimDepth}
			}
			require.NoError(t, g.ledger.Validate())
			require.NoError(t, g.bridge.Validate(), "each genesis is valid on its own")
			c := openChain(t)
			err := c.init(g)
			if tc.wantMessage == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.wantMessage)
			_, err = c.k.Inclusion.Get(c.env.Ctx)
			require.Error(t, err, "nothing stored")
		})
	}
}

// TestInclusionParamsQuery proves Query/InclusionParams serves the genesis inclusion verifier
// (empty when claims are disabled).
func TestInclusionParamsQuery(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edits []func(*genesis)
		want  func(t *testing.T) types.InclusionParams
	}{
		{"claims disabled", nil, func(*testing.T) types.InclusionParams { return types.InclusionParams{} }},
		{"claims enabled", []func(*genesis){withClaims(t)}, func(t *testing.T) types.InclusionParams {
			return types.InclusionParams{VerifyingKey: inclusionKeys(t).vk, MaxDepth: claimDepth}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChain(t, destinationPath, tc.edits...)
			res, err := c.q.InclusionParams(c.env.Ctx, &types.QueryInclusionParamsRequest{})
			require.NoError(t, err)
			require.Equal(t, tc.want(t), res.InclusionParams)
		})
	}
}
