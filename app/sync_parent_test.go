package app_test

import (
	"testing"
	"time"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/testutil/lightclient"
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
	record := func(h uint64) treetypes.ParentRecord {
		key, err := treetypes.ParentRecordKey(true, h)
		require.NoError(t, err)
		res, err := root.chain.App.Query(root.chain.Context(), &abci.RequestQuery{
			Path: "/store/" + treetypes.StoreKey + "/key", Data: key, Height: last, Prove: true,
		})
		require.NoError(t, err)
		proof, err := res.ProofOps.Marshal()
		require.NoError(t, err)
		return treetypes.ParentRecord{RootHeight: h, Value: res.Value, Proof: proof}
	}
	h, vals := header(root.signer, last+1)
	good := &treetypes.MsgSyncParent{Sender: child.chain.Address(0).String(), Header: h, ValidatorSet: vals,
		Records: []treetypes.ParentRecord{record(uint64(last))}}

	forger := lightclient.NewSignerWithSeed(t, root.chain.ChainID, "forger", 1)
	fh, fvals := header(forger, last+1)
	tampered := record(uint64(last))
	tampered.Value = append([]byte{}, tampered.Value...)
	tampered.Value[len(tampered.Value)-1] ^= 1
	shifted := record(uint64(last))
	shifted.RootHeight--
	cases := []struct {
		name string
		edit func(m *treetypes.MsgSyncParent)
		want *errorsmod.Error
	}{
		{"header signed by other validators", func(m *treetypes.MsgSyncParent) { m.Header, m.ValidatorSet = fh, fvals }, treetypes.ErrInvalidHeader},
		{"garbage header", func(m *treetypes.MsgSyncParent) { m.Header = []byte("header") }, treetypes.ErrInvalidHeader},
		{"tampered record", func(m *treetypes.MsgSyncParent) { m.Records = []treetypes.ParentRecord{tampered} }, treetypes.ErrInvalidRecordProof},
		{"record for another root height", func(m *treetypes.MsgSyncParent) { m.Records = []treetypes.ParentRecord{shifted} }, treetypes.ErrInvalidRecordProof},
		{"no records", func(m *treetypes.MsgSyncParent) { m.Records = nil }, treetypes.ErrInvalidRecordProof},
		{"too many records", func(m *treetypes.MsgSyncParent) {
			m.Records = make([]treetypes.ParentRecord, treetypes.MaxSyncRecords+1)
		}, treetypes.ErrInvalidRecordProof},
	}
	for _, tc := range cases {
		msg := *good
		tc.edit(&msg)
		tr.fails(child, 0, &msg, tc.want)
		known, err := child.chain.App.TreeKeeper.RootHistory.Has(child.chain.Context(), uint64(last))
		require.NoError(t, err)
		require.False(t, known, tc.name)
	}
	tr.fails(root, 0, &treetypes.MsgSyncParent{Sender: root.chain.Address(0).String(), Records: good.Records}, treetypes.ErrNoParentClient)

	tr.ok(child, 0, good)
	rootHeight, err := child.chain.App.ValidiumKeeper.RootHeight(child.chain.Context())
	require.NoError(t, err)
	require.Equal(t, uint64(last), rootHeight, "the child's root clock moved to the proven height")
	known, err := child.chain.App.TreeKeeper.RootHistory.Get(child.chain.Context(), uint64(last))
	require.NoError(t, err)
	rootRecord, err := root.chain.App.TreeKeeper.Commitments.Get(root.chain.Context(), last)
	require.NoError(t, err)
	require.Equal(t, rootRecord.Commitment, known)

	tr.fails(child, 0, good, treetypes.ErrInvalidHeader) // a header cannot be used twice
	noHeader := &treetypes.MsgSyncParent{Sender: good.Sender, Records: good.Records}
	tr.ok(child, 0, noHeader) // records under the trusted app hash need no new header

	exported, err := child.chain.App.TreeKeeper.ExportGenesis(child.chain.Context())
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	stored, err := child.chain.App.TreeKeeper.ParentClient.Get(child.chain.Context())
	require.NoError(t, err)
	require.Equal(t, stored, exported.ParentClient, "the trusted parent state survives export")
}
