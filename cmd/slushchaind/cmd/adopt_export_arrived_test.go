package cmd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/adopt"
	"github.com/slush-tree/slush/testutil/lightclient"
	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// readArrived is the command's readArrivedParent over the fake: q as it holds it, recording the
// node asked.
func (p *fakeP) readArrived(_ context.Context, _ client.Context, node string) (newParentView, error) {
	if p.q == nil || node != pNode {
		return newParentView{}, errors.New("asked " + node + " as the new parent")
	}
	p.askedQ = append(p.askedQ, node)
	return *p.q, p.err
}

// arrivedFixture is v (path 1 under slush-root, the adopt fixture) after it left its frozen
// parent with C_v, its commitment at the exported height, and q (slush-2, path 2) that
// registered it as child 2 from C_v.
type arrivedFixture struct {
	*adoptFixture
	c           commitment.Commitment // C_v's preimage
	inboxHead   []byte
	genesisTime time.Time
}

// newArrivedFixture runs v and exports it at its last height (C_v).
func newArrivedFixture(t *testing.T) *arrivedFixture {
	t.Helper()
	f := &arrivedFixture{adoptFixture: newAdoptFixture(t, false), genesisTime: apptesting.GenesisTime.Add(time.Hour)}
	ctx := f.chain.Context()
	own, err := f.chain.App.TreeKeeper.Commitments.Get(ctx, f.height)
	require.NoError(t, err)
	f.c, err = own.Fields.Decode()
	require.NoError(t, err)
	roots, err := f.chain.App.LedgerKeeper.CurrentRoots(ctx)
	require.NoError(t, err)
	f.inboxHead = hash.EncodeElement(roots.InboxHead)
	return f
}

// q is slush-2 at path 2 holding v as child 2 (arrived from 1, started from C_v), beside a child
// 1 registered from genesis, with a client of it signed a minute before the genesis time.
func (f *arrivedFixture) q(t *testing.T) *fakeP {
	t.Helper()
	enc := hash.EncodeElement
	c := f.c
	record := validiumtypes.Child{
		Index: 2, Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE, ArrivedFrom: []uint32{1},
		LedgerRoot: enc(c.LedgerRoot), GenesisLedgerRoot: enc(c.LedgerRoot), OutboxRoot: enc(c.OutboxRoot), ReceiptRoot: enc(c.ReceiptRoot),
		ChildrenRoot: enc(c.ChildrenRoot), FinalizedChildrenRoot: enc(c.FinalizedChildrenRoot), AnchorHeight: c.AnchorHeight,
		Epoch: c.Epoch, OperatorKeyHash: enc(c.OperatorKeyHash), InboxHead: f.inboxHead,
	}
	client := lightclient.NewSigner(t, "slush-2", 1).Trusted(t, 120, f.genesisTime.Add(-time.Minute), []byte("q app hash"))
	return &fakeP{q: &newParentView{chainID: "slush-2", path: []uint32{2}, client: client,
		children: []validiumtypes.Child{{Index: 1, Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE}, record}}}
}

// TestAdoptExportArrived: from v's export at C_v and q's record of v, the command writes the
// genesis of v restarted under q, prints its summary, and the real app boots from it: v's path
// is 2-2 under slush-2 with q's client, its ledger takes an operation signed for the new vid
// (and refuses one signed for the old), and its commitments carry the new vid with the same
// operator key hash and epoch.
func TestAdoptExportArrived(t *testing.T) {
	f := newArrivedFixture(t)
	vKey := apptestingValidatorKey(f.chain.ChainID)
	cfg := newOperatorHome(t, vKey)
	q := f.q(t)
	out, err := runAdopt(t, f.chain.App, cfg, q, f.exportFile, "--arrived-at", pNode, "--home", cfg.RootDir,
		"--genesis-time", f.genesisTime.Format(time.RFC3339))
	require.NoError(t, err, out)
	require.Equal(t, []string{pNode}, q.askedQ, "q is asked once")
	require.Empty(t, q.asked, "no p is asked")

	var summary adopt.ArrivedSummary
	require.NoError(t, json.Unmarshal([]byte(out), &summary), out)
	require.Equal(t, adopt.ArrivedSummary{
		ChainID: f.chain.ChainID, InitialHeight: f.height + 1, OldPath: "1", NewPath: "2-2", NewParentChainID: "slush-2",
		Commitment: hex.EncodeToString(f.newest), CommitmentHeight: f.height, ParentClientHeight: 120, GenesisFile: cfg.GenesisFile(),
	}, summary)
	requireArrivedChainRuns(t, f, cfg.GenesisFile(), q.q.client)
}

// TestAdoptExportArrivedRefusals: the flags, q's answers and the checks against q's record stop
// the command before any genesis is written.
func TestAdoptExportArrivedRefusals(t *testing.T) {
	f := newArrivedFixture(t)
	vKey := apptestingValidatorKey(f.chain.ChainID)
	gen, err := genutiltypes.AppGenesisFromFile(f.exportFile)
	require.NoError(t, err)
	gen.InitialHeight++
	wrongHeight := filepath.Join(t.TempDir(), "wrong-height.json")
	require.NoError(t, gen.SaveAs(wrongHeight))
	edited := func(edit func(q *newParentView)) *fakeP {
		q := f.q(t)
		edit(q.q)
		return q
	}
	arrived := []string{f.exportFile, "--arrived-at", pNode}
	for _, tc := range []struct {
		name   string
		args   []string
		q      *fakeP
		key    cmted25519.PrivKey
		err    string
		askedQ bool
	}{
		{name: "both p and q", args: append([]string{"--node-p", pNode}, arrived...), q: f.q(t), err: "--node-p and --arrived-at exclude each other"},
		{name: "export not at its newest commitment", args: []string{wrongHeight, "--arrived-at", pNode}, q: f.q(t), err: "export with --height"},
		{name: "q does not answer", args: arrived, q: func() *fakeP { q := f.q(t); q.err = errors.New("q is down"); return q }(), err: "q is down", askedQ: true},
		{name: "nothing arrived at q from v's path", args: arrived, q: edited(func(q *newParentView) { q.children = q.children[:1] }),
			err: "no child of q arrived from 1 (arrived_from)", askedQ: true},
		{name: "v already updated at q", args: arrived, q: edited(func(q *newParentView) { q.children[1].LatestCommitment = f.newest }),
			err: "q's child 2 already has a latest commitment", askedQ: true},
		{name: "q started v from another ledger", args: arrived, q: edited(func(q *newParentView) { q.children[1].GenesisLedgerRoot = hash.EncodeElement(hash.Uint64(9)) }),
			err: "ledger_root: the export has", askedQ: true},
		{name: "q started v from another inbox head", args: arrived, q: edited(func(q *newParentView) { q.children[1].InboxHead = hash.EncodeElement(hash.Uint64(9)) }),
			err: "inbox_head: the export has", askedQ: true},
		{name: "a client of another chain", args: arrived, q: edited(func(q *newParentView) {
			q.client = lightclient.NewSigner(t, "slush-3", 1).Trusted(t, 120, f.genesisTime.Add(-time.Minute), []byte("h"))
		}), err: `client tracks "slush-3"`, askedQ: true},
		{name: "this home is not v's validator", args: arrived, q: f.q(t), key: cmted25519.GenPrivKeyFromSecret([]byte("someone else")),
			err: "is not one of the export's validators", askedQ: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := tc.key
			if key == nil {
				key = vKey
			}
			cfg := newOperatorHome(t, key)
			out, err := runAdopt(t, f.chain.App, cfg, tc.q, append(tc.args, "--home", cfg.RootDir,
				"--genesis-time", f.genesisTime.Format(time.RFC3339))...)
			require.ErrorContains(t, err, tc.err, out)
			require.Equal(t, tc.askedQ, len(tc.q.askedQ) > 0, "q asked")
			_, statErr := os.Stat(cfg.GenesisFile())
			require.True(t, os.IsNotExist(statErr), "no genesis written")
		})
	}
}

// requireArrivedChainRuns starts a fresh app from the written genesis as CometBFT would, with v's
// validator, and runs two blocks: a transfer signed for v's old vid is refused, one signed for
// the new vid is executed; then checks v's identity, parent client and own commitment.
func requireArrivedChainRuns(t *testing.T, f *arrivedFixture, genFile string, client []byte) {
	t.Helper()
	gen, err := genutiltypes.AppGenesisFromFile(genFile)
	require.NoError(t, err)
	doc, err := gen.ToGenesisDoc()
	require.NoError(t, err)
	fresh := bootGenesis(t, doc)

	oldVid, err := slushtypes.Path{1}.Vid()
	require.NoError(t, err)
	newVid, err := slushtypes.Path{2, 2}.Vid()
	require.NoError(t, err)
	v := &apptesting.Chain{T: t, App: fresh, ChainID: doc.ChainID, Accounts: f.chain.Accounts}
	// account 0 sent one tx before the export (the state after InitChain is not committed yet)
	code, refusal := arrivedBlock(t, v, doc.InitialHeight, f.genesisTime, transferTx(t, v, oldVid, 1, 1))
	require.NotZero(t, code, "an operation signed for the old vid is refused")
	require.Contains(t, refusal, "the transfer was signed for chain 1 (vid 0000000000000000000000000000000000000000000000000000000000000101), but this chain is 2-2")
	ctx := fresh.NewUncachedContext(false, cmtproto.Header{ChainID: doc.ChainID, Height: fresh.LastBlockHeight()})
	acc := fresh.AccountKeeper.GetAccount(ctx, v.Address(0))
	require.NotNil(t, acc)
	code, log := arrivedBlock(t, v, doc.InitialHeight+1, f.genesisTime.Add(time.Second), transferTx(t, v, newVid, 1, acc.GetSequence()))
	require.Zero(t, code, "an operation signed for the new vid is executed: %s", log)

	ctx = fresh.NewUncachedContext(false, cmtproto.Header{ChainID: doc.ChainID, Height: fresh.LastBlockHeight()})
	id, err := fresh.TreeKeeper.GetIdentity(ctx)
	require.NoError(t, err)
	require.Equal(t, []uint32{2, 2}, id.Path)
	require.Equal(t, "slush-2", id.ParentChainId)
	require.Nil(t, id.Departure)
	stored, err := fresh.TreeKeeper.ParentClient.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, client, stored)
	own, err := fresh.TreeKeeper.Commitments.Get(ctx, fresh.LastBlockHeight())
	require.NoError(t, err)
	require.Equal(t, hash.EncodeElement(newVid), own.Fields.Vid, "the restarted chain commits under its new vid")
	require.Equal(t, oldKeyHash, own.Fields.OperatorKeyHash)
	require.Equal(t, f.c.Epoch, own.Fields.Epoch)
	require.Equal(t, f.height+2, fresh.LastBlockHeight())
	cv, err := fresh.TreeKeeper.Commitments.Get(ctx, f.height)
	require.NoError(t, err)
	require.Equal(t, f.newest, cv.Commitment, "C_v stays in the history")
}

// transferTx is alice's signed ledger transfer of 10 to bob with ledger nonce nonce, signed for
// vid, in a tx of account 0 at sequence.
func transferTx(t *testing.T, v *apptesting.Chain, vid fr.Element, nonce, sequence uint64) []byte {
	t.Helper()
	alice := ledger.KeyFromSeed([]byte("alice"))
	op, err := ledger.NewTransfer(vid, alice, 0, ledger.OwnerHash(ledger.KeyFromSeed([]byte("bob")).PublicKey), hash.Uint64(7), 10, nonce)
	require.NoError(t, err)
	return v.SignTx(0, sequence, &ledgertypes.MsgTransfer{Sender: v.Address(0).String(), Op: op.Bytes()})
}

// arrivedBlock finalizes and commits block height of v at time at with one tx and returns its
// result code and log.
func arrivedBlock(t *testing.T, v *apptesting.Chain, height int64, at time.Time, tx []byte) (uint32, string) {
	t.Helper()
	res, err := v.App.FinalizeBlock(&abci.RequestFinalizeBlock{Height: height, Time: at, Txs: [][]byte{tx}})
	require.NoError(t, err)
	_, err = v.App.Commit()
	require.NoError(t, err)
	require.Len(t, res.TxResults, 1)
	return res.TxResults[0].Code, res.TxResults[0].Log
}
