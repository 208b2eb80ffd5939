package keeper_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/tmhash"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/internal/parentsync"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/tree/keeper"
	"github.com/slush-tree/slush/x/tree/types"
)

// evidence is MsgSubmitMisbehaviour of two headers of s at height h (the parent's header times)
// over two app hashes.
func evidence(t *testing.T, sender string, s *lightclient.Signer, h int64, appA, appB string) *types.MsgSubmitMisbehaviour {
	h1, v1 := s.Encode(t, s.Sign(t, h, parentTime(h), []byte(appA)))
	h2, v2 := s.Encode(t, s.Sign(t, h, parentTime(h), []byte(appB)))
	return &types.MsgSubmitMisbehaviour{Sender: sender, Header1: h1, ValidatorSet1: v1, Header2: h2, ValidatorSet2: v2}
}

// TestSubmitMisbehaviourFreezes proves valid evidence (two headers of the parent at one height,
// each of which the client would have accepted) freezes the parent client (issue 17, DESIGN
// §10): the freeze is stored, the typed event names it and says whether the parent is the root
// (a root re-election is due: x/election reads the freeze), the query shows it, and from then on parent syncs,
// forced-queue proofs and more evidence are refused with ErrParentClientFrozen.
func TestSubmitMisbehaviourFreezes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		path   []uint32
		height int64 // above, at or below the trusted height 100
	}{
		{"a child of the root, above the trusted height", []uint32{1}, 105},
		{"a child of the root, at the trusted height", []uint32{1}, 100},
		{"a grandchild, below the trusted height", []uint32{1, 2}, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newSyncChain(t, tc.path)
			msgs := keeper.NewMsgServerImpl(&c.k)
			sender := c.env.OtherAddress(t)
			msg := evidence(t, sender, c.signer, tc.height, "apphash-a", "apphash-b")
			require.NoError(t, msg.ValidateBasic())
			ctx := c.env.Ctx.WithEventManager(sdk.NewEventManager()).WithGasMeter(storetypes.NewInfiniteGasMeter())
			res, err := msgs.SubmitMisbehaviour(ctx, msg)
			require.NoError(t, err)
			require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), misbehaviourGas(msg, 2), "verification is paid for")

			mb, err := msg.Decode()
			require.NoError(t, err)
			parentID := c.signer.ChainID
			wantHash := parentsync.EvidenceHash(parentID, tc.height, mb.Header1.Hash(), mb.Header2.Hash())
			require.Equal(t, &types.MsgSubmitMisbehaviourResponse{FrozenHeight: tc.height, EvidenceHash: wantHash}, res)

			freeze, err := c.k.ParentClientFrozen.Get(ctx)
			require.NoError(t, err)
			require.Equal(t, tc.height, freeze.Height)
			require.Equal(t, wantHash, freeze.EvidenceHash)
			require.Equal(t, int64(100), freeze.TrustedHeight)
			require.Equal(t, c.env.Ctx.BlockHeight(), freeze.BlockHeight)
			require.NoError(t, freeze.Validate(parentID))

			events := ctx.EventManager().Events()
			require.Len(t, events, 1)
			ev, err := sdk.ParseTypedEvent(abci.Event(events[0]))
			require.NoError(t, err)
			require.Equal(t, &types.EventParentClientFrozen{
				ChainId: parentID, Height: tc.height, HeaderHash1: freeze.HeaderHash1, HeaderHash2: freeze.HeaderHash2,
				EvidenceHash: wantHash, TrustedHeight: 100, ParentIsRoot: len(tc.path) == 1, Submitter: sender,
			}, ev)
			got, frozen, err := c.k.ParentClientFreeze(ctx)
			require.NoError(t, err)
			require.True(t, frozen)
			require.Equal(t, freeze, got, "what a module above reads")

			q, err := keeper.NewQueryServerImpl(&c.k).ParentClient(ctx, &types.QueryParentClientRequest{})
			require.NoError(t, err)
			require.True(t, q.Frozen)
			require.Equal(t, &freeze, q.Freeze)
			require.Equal(t, int64(100), q.Height, "the trusted header stays as it was")

			// nothing verifies against a frozen client
			appHash, record := c.publish(t, 7, commitmentOf(7))
			header, vals := c.header(t, 101, appHash)
			before, err := c.k.ExportGenesis(ctx)
			require.NoError(t, err)
			_, err = msgs.SyncParent(ctx, &types.MsgSyncParent{Sender: sender, Header: header, ValidatorSet: vals, Records: []types.ParentRecord{record}})
			require.ErrorIs(t, err, types.ErrParentClientFrozen)
			_, err = msgs.SyncParent(ctx, &types.MsgSyncParent{Sender: sender, Records: []types.ParentRecord{record}})
			require.ErrorIs(t, err, types.ErrParentClientFrozen, "not even records under the header it trusts")
			_, err = c.k.TrustedParentAppHash(ctx)
			require.ErrorIs(t, err, types.ErrParentClientFrozen)
			again := evidence(t, sender, c.signer, tc.height+1, "apphash-c", "apphash-d")
			_, err = msgs.SubmitMisbehaviour(ctx, again)
			require.ErrorIs(t, err, types.ErrParentClientFrozen, "evidence against a frozen client")
			_, err = msgs.SubmitMisbehaviour(ctx, msg)
			require.ErrorIs(t, err, types.ErrParentClientFrozen, "the same evidence twice")
			after, err := c.k.ExportGenesis(ctx)
			require.NoError(t, err)
			require.Equal(t, before, after, "refusals change nothing")
		})
	}
}

// misbehaviourGas is what chargeMisbehaviourGas prices evidence at, with trusted validators in
// the trusted set.
func misbehaviourGas(msg *types.MsgSubmitMisbehaviour, trusted int) storetypes.Gas {
	gas := storetypes.Gas(types.MisbehaviourGasFlat)
	for _, vals := range [][]byte{msg.ValidatorSet1, msg.ValidatorSet2} {
		gas += types.SyncGasPerSignature * storetypes.Gas(len(vals)/32+1+trusted)
	}
	return gas
}

// TestSubmitMisbehaviourRejections proves evidence that is malformed, not a fork, or not
// verifiable against the trusted parent state is refused with its error and changes nothing;
// evidence that reaches signature verification has paid its gas first.
func TestSubmitMisbehaviourRejections(t *testing.T) {
	cases := []struct {
		name    string
		path    []uint32 // nil: the root
		edit    func(t *testing.T, c *syncChain, msg *types.MsgSubmitMisbehaviour)
		wantErr error
		wantMsg string
		paid    bool
	}{
		{"the root has no parent client", nil, nil, types.ErrNoParentClient, "", false},
		{"a malformed sender", []uint32{1}, func(_ *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			msg.Sender = "sender"
		}, types.ErrInvalidAddress, "sender", false},
		{"forged signature", []uint32{1}, func(t *testing.T, c *syncChain, msg *types.MsgSubmitMisbehaviour) {
			sh := c.signer.Sign(t, 105, parentTime(105), []byte("apphash-b"))
			sh.Commit.Signatures[1].Signature[5] ^= 1
			msg.Header2, _ = c.signer.Encode(t, sh)
		}, types.ErrInvalidMisbehaviour, parentsync.ErrInvalidCommit.Error(), true},
		{"forged signature below the trusted height", []uint32{1, 2}, func(t *testing.T, c *syncChain, msg *types.MsgSubmitMisbehaviour) {
			*msg = *evidence(t, msg.Sender, c.signer, 60, "apphash-a", "apphash-b")
			sh := c.signer.Sign(t, 60, parentTime(60), []byte("apphash-b"))
			sh.Commit.Signatures[0].Signature[5] ^= 1
			msg.Header2, _ = c.signer.Encode(t, sh)
		}, types.ErrInvalidMisbehaviour, parentsync.ErrInvalidCommit.Error(), true},
		{"the same header twice (not conflicting)", []uint32{1}, func(_ *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			msg.Header2, msg.ValidatorSet2 = msg.Header1, msg.ValidatorSet1
		}, types.ErrInvalidMisbehaviour, parentsync.ErrNotMisbehaviour.Error(), false},
		{"another chain-id, same validators", []uint32{1}, func(t *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			other := lightclient.NewSignerWithSeed(t, "slush-2", types.RootChainID, 2)
			*msg = *evidence(t, msg.Sender, other, 105, "apphash-a", "apphash-b")
		}, types.ErrInvalidMisbehaviour, parentsync.ErrWrongChainID.Error(), true},
		{"headers of two chains", []uint32{1}, func(t *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			other := lightclient.NewSignerWithSeed(t, "slush-2", types.RootChainID, 2)
			msg.Header2, msg.ValidatorSet2 = other.Encode(t, other.Sign(t, 105, parentTime(105), []byte("apphash-b")))
		}, types.ErrInvalidMisbehaviour, parentsync.ErrNotMisbehaviour.Error(), false},
		{"different heights", []uint32{1}, func(t *testing.T, c *syncChain, msg *types.MsgSubmitMisbehaviour) {
			msg.Header2, msg.ValidatorSet2 = c.signer.Encode(t, c.signer.Sign(t, 106, parentTime(106), []byte("apphash-b")))
		}, types.ErrInvalidMisbehaviour, "heights 105 and 106", false},
		{"signed by validators the client does not trust", []uint32{1}, func(t *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			other := lightclient.NewSignerWithSeed(t, types.RootChainID, "other", 2)
			*msg = *evidence(t, msg.Sender, other, 105, "apphash-a", "apphash-b")
		}, types.ErrInvalidMisbehaviour, parentsync.ErrInsufficientTrust.Error(), true},
		{"one side signed by validators the client does not trust", []uint32{1, 2}, func(t *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			other := lightclient.NewSignerWithSeed(t, parentChainID, "other", 2)
			msg.Header2, msg.ValidatorSet2 = other.Encode(t, other.Sign(t, 105, parentTime(105), []byte("apphash-b")))
		}, types.ErrInvalidMisbehaviour, parentsync.ErrInsufficientTrust.Error(), true},
		{"a validator set that is not the header's", []uint32{1}, func(t *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			other := lightclient.NewSignerWithSeed(t, types.RootChainID, "other", 2)
			_, msg.ValidatorSet2 = other.Encode(t, other.Sign(t, 105, parentTime(105), []byte("x")))
		}, types.ErrInvalidMisbehaviour, parentsync.ErrValidatorsHashMismatch.Error(), false},
		{"a header that does not decode", []uint32{1}, func(_ *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			msg.Header1 = []byte("header")
		}, types.ErrInvalidMisbehaviour, parentsync.ErrMalformedHeader.Error(), false},
		{"a missing header", []uint32{1}, func(_ *testing.T, _ *syncChain, msg *types.MsgSubmitMisbehaviour) {
			msg.Header2, msg.ValidatorSet2 = nil, nil
		}, types.ErrInvalidMisbehaviour, "missing", false},
		{"an expired trusted state", []uint32{1}, func(t *testing.T, c *syncChain, msg *types.MsgSubmitMisbehaviour) {
			sp, err := c.k.ParentSync.Get(c.env.Ctx)
			require.NoError(t, err)
			sp.TrustingPeriodSeconds = 60 // the trusted header is an hour old
			require.NoError(t, c.k.ParentSync.Set(c.env.Ctx, sp))
		}, types.ErrInvalidMisbehaviour, parentsync.ErrTrustExpired.Error(), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c *syncChain
			if tc.path == nil {
				env, k := newKeeper(t, types.DefaultGenesisState())
				c = &syncChain{env: env, k: k, msgs: keeper.NewMsgServerImpl(&k), signer: lightclient.NewSigner(t, parentChainID, 2)}
			} else {
				c = newSyncChain(t, tc.path)
			}
			msg := evidence(t, c.env.OtherAddress(t), c.signer, 105, "apphash-a", "apphash-b")
			if tc.edit != nil {
				tc.edit(t, c, msg)
			}
			before, err := c.k.ExportGenesis(c.env.Ctx)
			require.NoError(t, err)
			ctx := c.env.Ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			_, err = c.msgs.SubmitMisbehaviour(ctx, msg)
			require.ErrorIs(t, err, tc.wantErr)
			require.ErrorContains(t, err, tc.wantMsg)
			after, err := c.k.ExportGenesis(c.env.Ctx)
			require.NoError(t, err)
			require.Equal(t, before, after, "refused evidence changes nothing")
			require.Nil(t, after.ParentClientFrozen)
			if tc.paid {
				require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), misbehaviourGas(msg, 2), "verification is paid for before it runs")
			}
			if vbErr := msg.ValidateBasic(); vbErr != nil {
				require.False(t, tc.paid, "what ValidateBasic refuses never reaches a block: %v", vbErr)
				require.ErrorIs(t, vbErr, types.ErrInvalidMisbehaviour)
			}
		})
	}
}

// TestRecoverParentClientUnfreezes proves governance recovery lifts a freeze (issue 17: the
// recovered client is trusted by governance, as after a root re-election), says so in its event,
// and parent syncs from the recovered client work again.
func TestRecoverParentClientUnfreezes(t *testing.T) {
	c := newSyncChain(t, []uint32{1, 2})
	msgs := keeper.NewMsgServerImpl(&c.k)
	_, err := msgs.SubmitMisbehaviour(c.env.Ctx, evidence(t, c.env.OtherAddress(t), c.signer, 105, "apphash-a", "apphash-b"))
	require.NoError(t, err)

	restarted := lightclient.NewSignerWithSeed(t, parentChainID, "restarted", 2)
	ctx := c.env.Ctx.WithEventManager(sdk.NewEventManager())
	_, err = msgs.RecoverParentClient(ctx, &types.MsgRecoverParentClient{
		Authority: c.env.Authority, Client: restarted.Trusted(t, 200, parentTime(200), []byte("apphash-200")),
	})
	require.NoError(t, err)
	ev, err := sdk.ParseTypedEvent(abci.Event(ctx.EventManager().Events()[0]))
	require.NoError(t, err)
	require.Equal(t, &types.EventParentClientRecovered{
		ChainId: parentChainID, PreviousHeight: 100, Height: 200, AppHash: []byte("apphash-200"), Unfrozen: true,
	}, ev)
	has, err := c.k.ParentClientFrozen.Has(ctx)
	require.NoError(t, err)
	require.False(t, has)
	q, err := keeper.NewQueryServerImpl(&c.k).ParentClient(ctx, &types.QueryParentClientRequest{})
	require.NoError(t, err)
	require.False(t, q.Frozen)
	require.Nil(t, q.Freeze)

	appHash, record := c.publish(t, 7, commitmentOf(7))
	header, vals := restarted.Encode(t, restarted.Sign(t, 201, parentTime(201), appHash))
	res, err := msgs.SyncParent(ctx, &types.MsgSyncParent{Sender: c.env.OtherAddress(t), Header: header, ValidatorSet: vals,
		Records: []types.ParentRecord{record}})
	require.NoError(t, err)
	require.Equal(t, int64(201), res.ParentHeight)

	// the old validators' fork carries no power in the recovered client
	_, err = msgs.SubmitMisbehaviour(ctx, evidence(t, c.env.OtherAddress(t), c.signer, 105, "apphash-a", "apphash-b"))
	require.ErrorIs(t, err, types.ErrInvalidMisbehaviour)
	require.ErrorContains(t, err, parentsync.ErrInsufficientTrust.Error())
}

// TestMisbehaviourGenesis proves a frozen client survives export and import (the freeze is
// part of x/tree's genesis, validated against the parent client it freezes), and that the
// query of a chain without a parent client stays NotFound.
func TestMisbehaviourGenesis(t *testing.T) {
	c := newSyncChain(t, []uint32{1, 2})
	_, err := keeper.NewMsgServerImpl(&c.k).SubmitMisbehaviour(c.env.Ctx,
		evidence(t, c.env.OtherAddress(t), c.signer, 105, "apphash-a", "apphash-b"))
	require.NoError(t, err)
	exported, err := c.k.ExportGenesis(c.env.Ctx)
	require.NoError(t, err)
	require.NotNil(t, exported.ParentClientFrozen)
	require.NoError(t, exported.Validate())

	env2, k2 := newKeeper(t, exported)
	again, err := k2.ExportGenesis(env2.Ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
	appHash, record := c.publish(t, 7, commitmentOf(7))
	header, vals := c.header(t, 101, appHash)
	_, err = keeper.NewMsgServerImpl(&k2).SyncParent(env2.Ctx, &types.MsgSyncParent{Sender: env2.OtherAddress(t), Header: header,
		ValidatorSet: vals, Records: []types.ParentRecord{record}})
	require.ErrorIs(t, err, types.ErrParentClientFrozen, "still frozen after import")

	good := *exported.ParentClientFrozen
	for _, tc := range []struct {
		name string
		edit func(gs *types.GenesisState)
		msg  string
	}{
		{"no parent client", func(gs *types.GenesisState) { gs.ParentClient = nil }, "without a parent client"},
		{"at the root", func(gs *types.GenesisState) { gs.Identity = types.RootIdentity(); gs.ParentClient = nil }, "without a parent client"},
		{"zero height", func(gs *types.GenesisState) { gs.ParentClientFrozen.Height = 0 }, "height 0"},
		{"zero trusted height", func(gs *types.GenesisState) { gs.ParentClientFrozen.TrustedHeight = 0 }, "trusted height 0"},
		{"header hashes out of order", func(gs *types.GenesisState) {
			gs.ParentClientFrozen.HeaderHash1, gs.ParentClientFrozen.HeaderHash2 = good.HeaderHash2, good.HeaderHash1
		}, "ascending"},
		{"one header hash twice", func(gs *types.GenesisState) { gs.ParentClientFrozen.HeaderHash2 = good.HeaderHash1 }, "ascending"},
		{"a short header hash", func(gs *types.GenesisState) { gs.ParentClientFrozen.HeaderHash1 = good.HeaderHash1[:31] }, "32-byte"},
		{"an evidence hash the headers do not make", func(gs *types.GenesisState) {
			gs.ParentClientFrozen.EvidenceHash = tmhash.Sum([]byte("other"))
		}, "evidence hash"},
		{"another height than the evidence's", func(gs *types.GenesisState) { gs.ParentClientFrozen.Height = 106 }, "evidence hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs, err := c.k.ExportGenesis(c.env.Ctx)
			require.NoError(t, err)
			tc.edit(gs)
			require.ErrorIs(t, gs.Validate(), types.ErrInvalidGenesis)
			require.ErrorContains(t, gs.Validate(), tc.msg)
		})
	}

	env3, k3 := newKeeper(t, childGenesis())
	_, err = keeper.NewQueryServerImpl(&k3).ParentClient(env3.Ctx, &types.QueryParentClientRequest{})
	require.Equal(t, codes.NotFound, status.Code(err), "a chain without a parent client: NotFound")
}
