package adopt_test

import (
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	cmtcrypto "github.com/cometbft/cometbft/crypto"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/internal/adopt"
	"github.com/slush-tree/slush/testutil/lightclient"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// arrival is chain 1-2 that left its frozen parent 1 with C_v (its newest commitment, height 8,
// epoch 2) and arrived at q = 2 (slush-2) as child 3; the parts the tests vary.
type arrival struct {
	e      *export
	c      commitment.Commitment // C_v's preimage
	head   fr.Element            // the export ledger's inbox head
	q      adopt.NewParent
	client []byte
	key    cmtcrypto.PubKey
}

// oldPath is the arrived chain's path under its frozen parent.
var oldPath = []uint32{1, 2}

// newArrival builds the export (a ledger with a funded account and one minted message, so the
// inbox head is not zero), C_v over it, q's record of the chain starting from C_v, and a client
// of q current at genesisTime.
func newArrival(t *testing.T) *arrival {
	t.Helper()
	e := newExport(t)
	vid, err := slushtypes.Path{1, 2}.Vid()
	require.NoError(t, err)
	lgs, roots := exportLedger(t, vid)
	e.extra = map[string]codec.ProtoMarshaler{ledgertypes.ModuleName: lgs}
	a := &arrival{e: e, head: roots.InboxHead, key: oldKey, c: commitment.Commitment{
		Vid: vid, LedgerRoot: roots.Ledger, OutboxRoot: roots.Outbox, ReceiptRoot: roots.Receipts,
		ChildrenRoot: hash.Uint64(11), FinalizedChildrenRoot: hash.Uint64(12), AnchorHeight: 40,
		AnchorCommitment: hash.Uint64(13), AcceptanceDigest: hash.Uint64(14), OperatorKeyHash: hash.Uint64(101), Epoch: 2,
	}}
	e.tree.Identity.Epoch = 2
	e.tree.ParentClient = lightclient.NewSigner(t, "slush-1", 1).Trusted(t, 20, genesisTime.Add(-time.Hour), []byte("p app hash"))
	e.tree.RootHistory = []treetypes.RootCommitment{{RootHeight: 30, Commitment: element(30)}}
	a.q = adopt.NewParent{ChainID: "slush-2", Path: []uint32{2}, Child: recordOf(a.c, a.head)}
	a.client = lightclient.NewSigner(t, "slush-2", 1).Trusted(t, 77, genesisTime.Add(-time.Minute), []byte("q app hash"))
	return a
}

// exportLedger is an x/ledger export of chain vid: one funded account and one claimed message.
func exportLedger(t *testing.T, vid fr.Element) (*ledgertypes.GenesisState, ledgertypes.Roots) {
	t.Helper()
	params := ledgertypes.DefaultParams()
	store := smt.NewMemStore()
	state, err := ledger.NewState(store, vid, params.Ledger())
	require.NoError(t, err)
	require.NoError(t, state.Fund(hash.Uint64(5), hash.Uint64(7), 1000))
	m := inclusion.Message{SrcVid: hash.Uint64(99), DstVid: vid, Nonce: 4, Recipient: hash.Uint64(6), AssetID: hash.Uint64(7), Amount: 30, Deadline: 90}
	require.NoError(t, state.PushInbox(m, ledger.SourceClaim))
	require.NoError(t, state.Apply(ledger.NewBridgeIn(m, ledger.SourceClaim)))
	r := ledgertypes.Roots{Vid: vid}
	r.Ledger, err = state.Root()
	require.NoError(t, err)
	r.Outbox, err = state.OutboxRoot()
	require.NoError(t, err)
	r.Receipts, err = state.ReceiptRoot()
	require.NoError(t, err)
	r.InboxHead, err = state.InboxHead(state.InboxConsumed())
	require.NoError(t, err)
	require.False(t, r.InboxHead.IsZero())
	gs := &ledgertypes.GenesisState{Params: params}
	for _, k := range store.Keys() {
		v, err := store.Get([]byte(k))
		require.NoError(t, err)
		gs.Store = append(gs.Store, ledgertypes.StoreEntry{Key: []byte(k), Value: v})
	}
	return gs, r
}

// recordOf is q's record of the chain right after its arrival with c and inbox head head.
func recordOf(c commitment.Commitment, head fr.Element) validiumtypes.Child {
	enc := hash.EncodeElement
	return validiumtypes.Child{
		Index: 3, Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE, ArrivedFrom: oldPath,
		LedgerRoot: enc(c.LedgerRoot), GenesisLedgerRoot: enc(c.LedgerRoot), OutboxRoot: enc(c.OutboxRoot), ReceiptRoot: enc(c.ReceiptRoot),
		ChildrenRoot: enc(c.ChildrenRoot), FinalizedChildrenRoot: enc(c.FinalizedChildrenRoot), AnchorHeight: c.AnchorHeight,
		Epoch: c.Epoch, OperatorKeyHash: enc(c.OperatorKeyHash), InboxHead: enc(head),
	}
}

// input encodes the export with C_v as its newest own commitment (height 8, after A at 5).
func (a *arrival) input(t *testing.T, cdc codec.JSONCodec) adopt.ArrivedInput {
	t.Helper()
	a.e.tree.Commitments = []treetypes.OwnCommitment{
		{Height: 5, Commitment: commitA},
		{Height: 8, Commitment: hash.EncodeElement(a.c.Hash()), Fields: slushtypes.NewCommitmentFields(a.c)},
	}
	return adopt.ArrivedInput{Export: a.e.build(t, cdc), NewParent: a.q, Client: a.client, ConsensusKey: a.key, GenesisTime: genesisTime}
}

// TestArrivedGenesis: the genesis is the export with the identity under q (path 2-3, parent
// slush-2, no departure, same epoch and key hash) and q's client, unfrozen; every other state,
// the validators, the chain-id and the initial height are the export's.
func TestArrivedGenesis(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	a := newArrival(t)
	prepared := &treetypes.Departure{NewParent: []uint32{3}, NewOperator: "slush1someone"}
	a.e.tree.Identity.Departure = prepared
	a.e.tree.ParentClientFrozen = &treetypes.ParentClientFreeze{Height: 20}
	in := a.input(t, cdc)
	exportBz, err := json.Marshal(in.Export)
	require.NoError(t, err)

	path, err := adopt.ExportedPath(cdc, in.Export)
	require.NoError(t, err)
	require.Equal(t, oldPath, path)

	gen, summary, err := adopt.ArrivedGenesis(cdc, in)
	require.NoError(t, err)
	require.Equal(t, adopt.ArrivedSummary{
		ChainID: "slush-1-2", InitialHeight: 9, OldPath: "1-2", NewPath: "2-3", NewParentChainID: "slush-2",
		Commitment: hex.EncodeToString(hash.EncodeElement(a.c.Hash())), CommitmentHeight: 8, ParentClientHeight: 77,
		VoidedDeparture: prepared,
	}, summary)
	after, err := json.Marshal(in.Export)
	require.NoError(t, err)
	require.Equal(t, exportBz, after, "the export is not modified")

	require.Equal(t, "slush-1-2", gen.ChainID)
	require.Equal(t, int64(9), gen.InitialHeight)
	require.Equal(t, genesisTime, gen.GenesisTime)
	require.Equal(t, in.Export.Consensus, gen.Consensus, "the validators are kept")

	var appState, exported map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(gen.AppState, &appState))
	require.NoError(t, json.Unmarshal(in.Export.AppState, &exported))
	for name := range exported {
		if name != treetypes.ModuleName {
			require.JSONEq(t, string(exported[name]), string(appState[name]), "%s is as exported", name)
		}
	}
	var tree treetypes.GenesisState
	cdc.MustUnmarshalJSON(appState[treetypes.ModuleName], &tree)
	want := a.e.tree.Identity
	want.Path, want.ParentChainId, want.Departure = []uint32{2, 3}, "slush-2", nil
	require.Equal(t, want, tree.Identity)
	require.Equal(t, a.client, tree.ParentClient)
	require.Nil(t, tree.ParentClientFrozen)
	require.Equal(t, a.e.tree.Commitments, tree.Commitments, "the own commitments are kept")
	require.Equal(t, a.e.tree.RootHistory, tree.RootHistory, "the root history is kept")
	require.NoError(t, tree.Validate())
}

// TestArrivedGenesisRefusals: each check of the export against q's record, of the client and of
// this home's key refuses on its own, naming what differs.
func TestArrivedGenesisRefusals(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	other := element(999)
	for _, tc := range []struct {
		name string
		edit func(a *arrival)
		err  string
	}{
		{"a root export", func(a *arrival) { a.e.tree.Identity = treetypes.RootIdentity() }, "the export is of a root chain: a root has no parent to leave"},
		{"exported past C_v", func(a *arrival) { a.e.initial = 10 }, "export with --height 8"},
		{"arrived from another path", func(a *arrival) { a.q.Child.ArrivedFrom = []uint32{1, 3} },
			"q's child 3 arrived from 1-3, the export is of 1-2"},
		{"already updated at q", func(a *arrival) { a.q.Child.LatestCommitment = element(55) }, "q's child 3 already has a latest commitment"},
		{"frozen at q", func(a *arrival) { a.q.Child.Status = validiumtypes.ChildStatus_CHILD_STATUS_FROZEN }, "not active"},
		{"genesis ledger root", func(a *arrival) { a.q.Child.GenesisLedgerRoot = other }, "ledger_root: the export has"},
		{"outbox root", func(a *arrival) { a.q.Child.OutboxRoot = other }, "outbox_root: the export has"},
		{"receipt root", func(a *arrival) { a.q.Child.ReceiptRoot = other }, "receipt_root: the export has"},
		{"children root", func(a *arrival) { a.q.Child.ChildrenRoot = other }, "children_root: the export has"},
		{"finalized children root", func(a *arrival) { a.q.Child.FinalizedChildrenRoot = other }, "finalized_children_root: the export has"},
		{"anchor height", func(a *arrival) { a.q.Child.AnchorHeight = 41 }, "anchor_height: the export's newest commitment has 40, q's record of child 3 has 41"},
		{"epoch", func(a *arrival) { a.q.Child.Epoch = 3 }, "epoch: the export's newest commitment has 2, q's record of child 3 has 3"},
		{"operator key hash", func(a *arrival) { a.q.Child.OperatorKeyHash = other }, "operator_key_hash: the export has"},
		{"inbox head", func(a *arrival) { a.q.Child.InboxHead = other }, "inbox_head: the export has"},
		{"no inbox head at q", func(a *arrival) { a.q.Child.InboxHead = nil }, "inbox_head: the export has"},
		{"a marked commitment", func(a *arrival) {
			a.c.OperatorKeyHash = hash.Uint64(7777)
			a.q.Child = recordOf(a.c, a.head)
		}, "it is marked for a departure"},
		{"commitment of another epoch than the identity", func(a *arrival) { a.e.tree.Identity.Epoch = 1 }, "epoch: the export's newest commitment has 2, its identity 1"},
		{"commitment of another chain", func(a *arrival) {
			a.c.Vid = hash.Uint64(1)
			a.q.Child = recordOf(a.c, a.head)
		}, "the export's newest commitment is of"},
		{"ledger state is not C_v's", func(a *arrival) {
			a.c.LedgerRoot = hash.Uint64(8888)
			a.q.Child = recordOf(a.c, a.head)
		}, "ledger_root: the export's ledger state has"},
		{"no ledger state", func(a *arrival) { a.e.extra = nil }, "the export has no ledger state"},
		{"q too deep", func(a *arrival) { a.q.Path = []uint32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1} }, "new path"},
		{"q at the chain's own place", func(a *arrival) { a.q.Path, a.q.Child.Index = []uint32{1}, 2 }, "already at 1-2"},
		{"client of another chain", func(a *arrival) {
			a.client = lightclient.NewSigner(t, "slush-9", 1).Trusted(t, 77, genesisTime.Add(-time.Minute), []byte("h"))
		}, `q's client: client tracks "slush-9", the parent is "slush-2"`},
		{"client expired", func(a *arrival) {
			a.client = lightclient.NewSigner(t, "slush-2", 1).Trusted(t, 77, genesisTime.Add(-30*24*time.Hour), []byte("h"))
		}, "q's client: height 77 expired"},
		{"client from the future", func(a *arrival) {
			a.client = lightclient.NewSigner(t, "slush-2", 1).Trusted(t, 77, genesisTime.Add(time.Hour), []byte("h"))
		}, "q's client: header time"},
		{"no client", func(a *arrival) { a.client = nil }, "q's client: 0 bytes"},
		{"malformed client", func(a *arrival) { a.client = []byte("junk") }, "q's client"},
		{"this home's key is not a validator", func(a *arrival) { a.key = newKey }, "is not one of the export's validators"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newArrival(t)
			tc.edit(a)
			gen, _, err := adopt.ArrivedGenesis(cdc, a.input(t, cdc))
			require.ErrorContains(t, err, tc.err)
			require.Nil(t, gen)
		})
	}
}

// TestFindArrived: q's record of the chain is the child whose arrived_from is its old path.
func TestFindArrived(t *testing.T) {
	children := []validiumtypes.Child{{Index: 1}, {Index: 2, ArrivedFrom: []uint32{1, 3}}, {Index: 3, ArrivedFrom: oldPath}}
	c, err := adopt.FindArrived(children, oldPath)
	require.NoError(t, err)
	require.Equal(t, uint32(3), c.Index)
	_, err = adopt.FindArrived(children, []uint32{1, 1})
	require.ErrorContains(t, err, "no child of q arrived from 1-1 (arrived_from)")
	_, err = adopt.FindArrived(nil, oldPath)
	require.ErrorContains(t, err, "no child of q arrived from 1-2")
}

// TestExportedPath: the path to look up on q comes only from a child's export at its newest
// commitment.
func TestExportedPath(t *testing.T) {
	app.SetAddressPrefixes()
	cdc := app.MakeEncodingConfig().Codec
	root := newExport(t)
	root.tree.Identity = treetypes.RootIdentity()
	_, err := adopt.ExportedPath(cdc, root.build(t, cdc))
	require.ErrorContains(t, err, "a root has no parent to leave")
	late := newExport(t)
	late.initial = 12
	_, err = adopt.ExportedPath(cdc, late.build(t, cdc))
	require.ErrorContains(t, err, "export with --height 8")
}
