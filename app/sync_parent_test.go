package app_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/testutil/lightclient"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
)

// TestSyncParent: a child learns root commitments only through a header its tracked validators
// signed and an ICS23 proof under that header's app hash (DESIGN §5 downward flow); every
// forgery is refused and changes nothing.
func TestSyncParent(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, nil)
	root, child := tr.root(), tr.node(1)
	root.chain.NextBlock()
	root.chain.NextBlock()
	last := root.chain.App.LastBlockHeight()
	header := func(s *lightclient.Signer, height int64) ([]byte, []byte) {
		sh := s.Sign(t, height, apptesting.GenesisTime.Add(time.Duration(height)*time.Second), root.chain.App.LastCommitID().Hash)
		return s.Encode(t, sh)
	}
	record := func(h uint64) bridgetypes.ParentRecord {
		key, err := bridgetypes.ParentRecordKey(true, h)
		require.NoError(t, err)
		res, err := root.chain.App.Query(root.chain.Context(), &abci.RequestQuery{
			Path: "/store/" + bridgetypes.StoreKey + "/key", Data: key, Height: last, Prove: true,
		})
		require.NoError(t, err)
		proof, err := res.ProofOps.Marshal()
		require.NoError(t, err)
		return bridgetypes.ParentRecord{RootHeight: h, Value: res.Value, Proof: proof}
	}
	h, vals := header(root.signer, last+1)
	good := &bridgetypes.MsgSyncParent{Sender: child.chain.Address(0).String(), Header: h, ValidatorSet: vals,
		Records: []bridgetypes.ParentRecord{record(uint64(last))}}

	forger := lightclient.NewSignerWithSeed(t, root.chain.ChainID, "forger", 1)
	fh, fvals := header(forger, last+1)
	tampered := record(uint64(last))
	tampered.Value = append([]byte{}, tampered.Value...)
	tampered.Value[len(tampered.Value)-1] ^= 1
	shifted := record(uint64(last))
	shifted.RootHeight--
	cases := []struct {
		name string
		edit func(m *bridgetypes.MsgSyncParent)
		want *errorsmod.Error
	}{
		{"header signed by other validators", func(m *bridgetypes.MsgSyncParent) { m.Header, m.ValidatorSet = fh, fvals }, bridgetypes.ErrInvalidHeader},
		{"garbage header", func(m *bridgetypes.MsgSyncParent) { m.Header = []byte("header") }, bridgetypes.ErrInvalidHeader},
		{"tampered record", func(m *bridgetypes.MsgSyncParent) { m.Records = []bridgetypes.ParentRecord{tampered} }, bridgetypes.ErrInvalidRecordProof},
		{"record for another root height", func(m *bridgetypes.MsgSyncParent) { m.Records = []bridgetypes.ParentRecord{shifted} }, bridgetypes.ErrInvalidRecordProof},
		{"no records", func(m *bridgetypes.MsgSyncParent) { m.Records = nil }, bridgetypes.ErrInvalidRecordProof},
		{"too many records", func(m *bridgetypes.MsgSyncParent) {
			m.Records = make([]bridgetypes.ParentRecord, bridgetypes.MaxSyncRecords+1)
		}, bridgetypes.ErrInvalidRecordProof},
	}
	for _, tc := range cases {
		msg := *good
		tc.edit(&msg)
		tr.fails(child, 0, &msg, tc.want)
		known, err := child.chain.App.BridgeKeeper.RootHistory.Has(child.chain.Context(), uint64(last))
		require.NoError(t, err)
		require.False(t, known, tc.name)
	}
	tr.fails(root, 0, &bridgetypes.MsgSyncParent{Sender: root.chain.Address(0).String(), Records: good.Records}, bridgetypes.ErrNoParentClient)

	tr.ok(child, 0, good)
	rootHeight, err := child.chain.App.ValidiumKeeper.RootHeight(child.chain.Context())
	require.NoError(t, err)
	require.Equal(t, uint64(last), rootHeight, "the child's root clock moved to the proven height")
	known, err := child.chain.App.BridgeKeeper.RootHistory.Get(child.chain.Context(), uint64(last))
	require.NoError(t, err)
	rootRecord, err := root.chain.App.BridgeKeeper.Commitments.Get(root.chain.Context(), last)
	require.NoError(t, err)
	require.Equal(t, rootRecord.Commitment, known)

	tr.fails(child, 0, good, bridgetypes.ErrInvalidHeader) // a header cannot be used twice
	noHeader := &bridgetypes.MsgSyncParent{Sender: good.Sender, Records: good.Records}
	tr.ok(child, 0, noHeader) // records under the trusted app hash need no new header

	exported, err := child.chain.App.BridgeKeeper.ExportGenesis(child.chain.Context())
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	stored, err := child.chain.App.BridgeKeeper.ParentClient.Get(child.chain.Context())
	require.NoError(t, err)
	require.Equal(t, stored, exported.ParentClient, "the trusted parent state survives export")
}
