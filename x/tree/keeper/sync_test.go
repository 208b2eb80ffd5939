package keeper_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	storetypes "cosmossdk.io/store/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/testutil/lightclient"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/tree/keeper"
	"github.com/slush-tree/slush/x/tree/types"
)

// syncChain is a non-root chain whose parent client trusts signer's header at height 100, and
// its parent's store.
type syncChain struct {
	env          keepertest.Env
	k            keeper.Keeper
	msgs         types.MsgServer
	signer       *lightclient.Signer
	parent       *parentStore
	parentIsRoot bool
}

// newSyncChain is the chain at path (parent: the root for a one-index path, slush-1 otherwise).
func newSyncChain(t *testing.T, path []uint32) *syncChain {
	parentID := parentChainID
	if len(path) == 1 {
		parentID = types.RootChainID
	}
	signer := lightclient.NewSigner(t, parentID, 2)
	gs := types.DefaultGenesisState()
	gs.Identity = types.TreeIdentity{Path: path, ParentChainId: parentID, MaxChildren: 3, MaxDepth: slushtypes.MaxDepth}
	gs.ParentClient = signer.Trusted(t, 100, parentTime(100), []byte("apphash-100"))
	env, k := newKeeper(t, gs)
	return &syncChain{env: env, k: k, msgs: keeper.NewMsgServerImpl(&k), signer: signer, parent: newParentStore(t), parentIsRoot: len(path) == 1}
}

// publish stores the root commitment c at rootHeight in the parent's store the way the parent
// keeps it (the root: its own commitment record; any other parent: its root history), and returns
// the parent's app hash and the record proven under it.
func (c *syncChain) publish(t *testing.T, rootHeight uint64, commitment []byte) ([]byte, types.ParentRecord) {
	return c.parent.commitRecord(t, c.parentIsRoot, rootHeight, c.valueOf(t, rootHeight, commitment))
}

// header is the parent's header at height h over appHash, encoded for MsgSyncParent.
func (c *syncChain) header(t *testing.T, h int64, appHash []byte) ([]byte, []byte) {
	return c.signer.Encode(t, c.signer.Sign(t, h, parentTime(h), appHash))
}

// TestSyncParentLearns proves a parent sync verifies the new header and the records under its
// app hash, records the root commitments it proves (the root's own commitments for a child of the
// root, the parent's root history otherwise), advances the root clock and the trusted header, and
// counts only what it did not know.
func TestSyncParentLearns(t *testing.T) {
	for _, tc := range []struct {
		name string
		path []uint32
	}{
		{"a child of the root", []uint32{1}},
		{"a grandchild", []uint32{1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newSyncChain(t, tc.path)
			c.publish(t, 5, commitmentOf(5)) // an older parent block
			appHash, record := c.publish(t, 7, commitmentOf(7))
			header, vals := c.header(t, 101, appHash)
			ctx := c.env.Ctx.WithEventManager(sdk.NewEventManager())
			res, err := c.msgs.SyncParent(ctx, &types.MsgSyncParent{Sender: c.env.OtherAddress(t), Header: header, ValidatorSet: vals,
				Records: []types.ParentRecord{record}})
			require.NoError(t, err)
			require.Equal(t, &types.MsgSyncParentResponse{ParentHeight: 101, Learned: 1, RootHeight: 7}, res)
			events := ctx.EventManager().Events()
			require.Len(t, events, 1)
			ev, err := sdk.ParseTypedEvent(abci.Event(events[0]))
			require.NoError(t, err)
			require.Equal(t, &types.EventParentSynced{ParentHeight: 101, Learned: 1, RootHeight: 7}, ev)

			got, ok, err := c.k.RootCommitmentAt(ctx, 7)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, commitmentOf(7), got)
			trusted, err := c.k.TrustedParentAppHash(ctx)
			require.NoError(t, err)
			require.Equal(t, appHash, trusted, "the new header is trusted")

			// the same record again, under the header now trusted (no new header): nothing new
			again, err := c.msgs.SyncParent(ctx, &types.MsgSyncParent{Sender: c.env.OtherAddress(t), Records: []types.ParentRecord{record}})
			require.NoError(t, err)
			require.Equal(t, &types.MsgSyncParentResponse{ParentHeight: 101, Learned: 0, RootHeight: 7}, again)
		})
	}
}

// valueOf is the parent store value carrying commitment at rootHeight (see publish).
func (c *syncChain) valueOf(t *testing.T, rootHeight uint64, commitment []byte) []byte {
	if !c.parentIsRoot {
		return commitment
	}
	value, err := c.env.Codec.Marshal(&types.OwnCommitment{Height: int64(rootHeight), Commitment: commitment})
	require.NoError(t, err)
	return value
}

// TestSyncParentRejections proves every malformed or unproven parent sync is refused with its
// error and changes neither the root history, the root clock nor the trusted header; one that
// reaches verification has paid its gas first.
func TestSyncParentRejections(t *testing.T) {
	cases := []struct {
		name     string
		path     []uint32
		noClient bool // no parent client in genesis
		edit     func(t *testing.T, c *syncChain, msg *types.MsgSyncParent)
		wantErr  error
		paid     bool // verification gas charged
	}{
		{"no record", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Records = nil
		}, types.ErrInvalidRecordProof, false},
		{"more records than a sync proves", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			for len(msg.Records) <= types.MaxSyncRecords {
				msg.Records = append(msg.Records, msg.Records[0])
			}
		}, types.ErrInvalidRecordProof, false},
		{"the root tracks no parent", nil, false, nil, types.ErrNoParentClient, false},
		{"no parent client", []uint32{1, 2}, true, nil, types.ErrNoParentClient, false},
		{"a header the trusted validators did not sign", []uint32{1, 2}, false, func(t *testing.T, c *syncChain, msg *types.MsgSyncParent) {
			other := lightclient.NewSignerWithSeed(t, parentChainID, "other", 2)
			msg.Header, msg.ValidatorSet = other.Encode(t, other.Sign(t, 101, parentTime(101), []byte("apphash")))
		}, types.ErrInvalidHeader, true},
		{"a header that does not decode", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Header = []byte("header")
		}, types.ErrInvalidHeader, true},
		{"a value the proof does not prove", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Records[0].Value = commitmentOf(8)
		}, types.ErrInvalidRecordProof, true},
		{"another root height than the proven key", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Records[0].RootHeight = 8
		}, types.ErrInvalidRecordProof, true},
		{"root height zero", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Records[0].RootHeight = 0
		}, types.ErrInvalidRecordProof, true},
		{"a non-canonical commitment", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Records[0].Value = aboveModulus
		}, types.ErrInvalidRecordProof, true},
		{"a root record of another height", []uint32{1}, false, func(t *testing.T, c *syncChain, msg *types.MsgSyncParent) {
			msg.Records[0].Value = c.valueOf(t, 8, commitmentOf(7))
		}, types.ErrInvalidRecordProof, true},
		{"a proof that does not decode", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Records[0].Proof = []byte("proof")
		}, types.ErrInvalidRecordProof, true},
		{"no header and a record under an untrusted app hash", []uint32{1, 2}, false, func(_ *testing.T, _ *syncChain, msg *types.MsgSyncParent) {
			msg.Header, msg.ValidatorSet = nil, nil
		}, types.ErrInvalidRecordProof, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c *syncChain
			if len(tc.path) == 0 || tc.noClient {
				env, k := newKeeper(t, childGenesis())
				if len(tc.path) == 0 {
					env, k = newKeeper(t, types.DefaultGenesisState())
				}
				c = &syncChain{env: env, k: k, msgs: keeper.NewMsgServerImpl(&k), signer: lightclient.NewSigner(t, parentChainID, 2), parent: newParentStore(t)}
			} else {
				c = newSyncChain(t, tc.path)
			}
			appHash, record := c.publish(t, 7, commitmentOf(7))
			header, vals := c.header(t, 101, appHash)
			msg := &types.MsgSyncParent{Sender: c.env.OtherAddress(t), Header: header, ValidatorSet: vals, Records: []types.ParentRecord{record}}
			if tc.edit != nil {
				tc.edit(t, c, msg)
			}
			before, err := c.k.ExportGenesis(c.env.Ctx)
			require.NoError(t, err)
			ctx := c.env.Ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
			_, err = c.msgs.SyncParent(ctx, msg)
			require.ErrorIs(t, err, tc.wantErr)
			after, err := c.k.ExportGenesis(c.env.Ctx)
			require.NoError(t, err)
			require.Equal(t, before, after, "a refused sync changes nothing")
			if tc.paid {
				require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), syncGas(msg, 2), "verification is paid for before it runs")
			}
		})
	}
}

// syncGas is what chargeSyncGas prices a sync at, with trusted validators in the trusted set.
func syncGas(msg *types.MsgSyncParent, trusted int) storetypes.Gas {
	gas := storetypes.Gas(types.SyncGasFlat)
	if len(msg.Header) > 0 {
		gas += types.SyncGasPerSignature * storetypes.Gas(len(msg.ValidatorSet)/32+1+trusted)
	}
	for _, r := range msg.Records {
		gas += types.SyncGasPerProofByte * storetypes.Gas(len(r.Proof)+len(r.Value))
	}
	return gas
}

// TestSyncParentRefusesConflictingRoot (DESIGN §10 fork choice): a parent sync proving another
// root commitment at a root height the chain already holds is refused, and the held one stays; a
// parent that now shows a conflicting history is seen, not silently skipped.
func TestSyncParentRefusesConflictingRoot(t *testing.T) {
	for _, tc := range []struct {
		name string
		path []uint32
	}{
		{"a child of the root", []uint32{1}},
		{"a grandchild", []uint32{1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newSyncChain(t, tc.path)
			appHash, record := c.publish(t, 7, commitmentOf(7))
			header, vals := c.header(t, 101, appHash)
			ctx := c.env.Ctx
			_, err := c.msgs.SyncParent(ctx, &types.MsgSyncParent{Sender: c.env.OtherAddress(t), Header: header, ValidatorSet: vals,
				Records: []types.ParentRecord{record}})
			require.NoError(t, err)

			forked, conflicting := c.publish(t, 7, commitmentOf(70)) // the parent's store now says otherwise
			header, vals = c.header(t, 102, forked)
			_, err = c.msgs.SyncParent(ctx, &types.MsgSyncParent{Sender: c.env.OtherAddress(t), Header: header, ValidatorSet: vals,
				Records: []types.ParentRecord{conflicting}})
			require.ErrorIs(t, err, types.ErrConflictingRootCommitment)
			got, ok, err := c.k.RootCommitmentAt(ctx, 7)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, commitmentOf(7), got, "the held commitment stays")
		})
	}
}
