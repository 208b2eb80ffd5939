package app_test

import (
	"encoding/json"
	"sync"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/smt"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// inclusionDepth is the inclusion circuit depth the root accepts claims with in these tests.
const inclusionDepth = 2

// treeFixture is two real apps, the root and its child 1, plus the keys a relayer would hold.
// The relayer's work (replay, prove, submit) is done by hand; the parent sync is stood in for by
// writing the root commitment into the child's root history (MsgSyncParent is issue 7).
type treeFixture struct {
	root, child *apptesting.Chain
	lp          bridgetypes.LedgerParams
	ledgerCCS   constraint.ConstraintSystem
	ledgerPK    groth16.ProvingKey
	inclCCS     constraint.ConstraintSystem
	inclPK      groth16.ProvingKey
	alice, bob  *eddsa.PrivateKey
	asset       fr.Element
	childVid    fr.Element
}

func newTreeFixture(t *testing.T) *treeFixture {
	f := &treeFixture{
		lp:    bridgetypes.LedgerParams{AccountDepth: 4, OutboxDepth: 20, BatchSize: 2},
		alice: ledger.KeyFromSeed([]byte("alice")), bob: ledger.KeyFromSeed([]byte("bob")),
		asset: hash.Uint64(7), childVid: commitment.MustPackVid([]uint8{1}),
	}
	k := circuitKeys(t, f.lp)
	f.ledgerCCS, f.ledgerPK, f.inclCCS, f.inclPK = k.ledgerCCS, k.ledgerPK, k.inclCCS, k.inclPK
	inclBytes, ledgerVK := k.inclVK, k.ledgerVK

	f.root = apptesting.NewChainWithGenesis(t, validiumtypes.RootIdentity(), 2, func(cdc codec.Codec, gs map[string]json.RawMessage) {
		bgs := bridgetypes.DefaultGenesisState()
		bgs.LedgerParams = f.lp
		bgs.InclusionParams = bridgetypes.InclusionParams{VerifyingKey: inclBytes, MaxDepth: inclusionDepth}
		gs[bridgetypes.ModuleName] = cdc.MustMarshalJSON(bgs)
	})
	childID := validiumtypes.TreeIdentity{Path: []uint32{1}, ParentChainId: "slush-root", MaxChildren: 3, MaxDepth: 16}
	f.child = apptesting.NewChainWithGenesis(t, childID, 1, func(cdc codec.Codec, gs map[string]json.RawMessage) {
		bgs := bridgetypes.DefaultGenesisState()
		bgs.LedgerParams = f.lp
		bgs.Deposits = []bridgetypes.GenesisDeposit{{
			Recipient: hash.EncodeElement(ledger.OwnerHash(f.alice.PublicKey)), AssetId: hash.EncodeElement(f.asset), Amount: 1000,
		}}
		gs[bridgetypes.ModuleName] = cdc.MustMarshalJSON(bgs)
	})

	// the root registers child 1 with the ledger circuit's key and the empty ledger as genesis
	empty, err := ledger.NewState(smt.NewMemStore(), f.childVid, f.lp.Ledger())
	require.NoError(t, err)
	emptyLedger, err := empty.Root()
	require.NoError(t, err)
	emptyOutbox, err := empty.OutboxRoot()
	require.NoError(t, err)
	requireOK(t, f.root, f.root.SignTx(1, 0, &validiumtypes.MsgRegisterChild{
		Operator: f.root.Address(1).String(), VerifyingKey: ledgerVK, Bond: validiumtypes.DefaultMinChildBond,
		GenesisLedgerRoot: hash.EncodeElement(emptyLedger), GenesisOutboxRoot: hash.EncodeElement(emptyOutbox),
	}))
	return f
}

// treeKeys are the test-only (random setup) keys of the ledger and inclusion circuits.
type treeKeys struct {
	ledgerCCS, inclCCS constraint.ConstraintSystem
	ledgerPK, inclPK   groth16.ProvingKey
	ledgerVK, inclVK   []byte
}

var (
	treeKeysOnce sync.Once
	treeKeysVal  treeKeys
	treeKeysErr  error
)

// circuitKeys compiles both circuits and runs their setups once for every test of the package.
func circuitKeys(t *testing.T, lp bridgetypes.LedgerParams) treeKeys {
	treeKeysOnce.Do(func() { treeKeysVal, treeKeysErr = makeTreeKeys(lp) })
	require.NoError(t, treeKeysErr)
	return treeKeysVal
}

func makeTreeKeys(lp bridgetypes.LedgerParams) (treeKeys, error) {
	var k treeKeys
	var err error
	var ledgerVK, inclVK groth16.VerifyingKey
	if k.ledgerCCS, err = ledger.Compile(lp.Ledger()); err != nil {
		return k, err
	}
	if k.ledgerPK, ledgerVK, err = groth16.Setup(k.ledgerCCS); err != nil {
		return k, err
	}
	if k.inclCCS, err = prover.CompileInclusion(inclusionDepth); err != nil {
		return k, err
	}
	if k.inclPK, inclVK, err = groth16.Setup(k.inclCCS); err != nil {
		return k, err
	}
	if k.ledgerVK, err = keys.MarshalVerifyingKey(ledgerVK); err != nil {
		return k, err
	}
	k.inclVK, err = keys.MarshalVerifyingKey(inclVK)
	return k, err
}

// childUpdate syncs the child to the root's latest commitment, lets it commit, replays its whole
// log into one batch, proves it and returns the MsgSubmitUpdate a relayer would send.
func (f *treeFixture) childUpdate(t *testing.T, operatorSeq uint64) (*validiumtypes.MsgSubmitUpdate, bridgetypes.OwnCommitment, *ledger.State) {
	rootHeight := uint64(f.root.App.LastBlockHeight())
	rootCommitment, err := f.root.App.BridgeKeeper.Commitments.Get(f.root.Context(), int64(rootHeight))
	require.NoError(t, err)
	require.NoError(t, f.child.App.BridgeKeeper.RecordRootCommitment(f.child.Context(), rootHeight, rootCommitment.Commitment))
	f.child.NextBlock()
	own, err := f.child.App.BridgeKeeper.Commitments.Get(f.child.Context(), f.child.App.LastBlockHeight())
	require.NoError(t, err)
	require.Equal(t, rootHeight, own.Fields.AnchorHeight)

	replica, err := ledger.NewState(smt.NewMemStore(), f.childVid, f.lp.Ledger())
	require.NoError(t, err)
	batch, err := ledger.NewBatchBuilder(replica)
	require.NoError(t, err)
	var entries [][]byte
	err = f.child.App.BridgeKeeper.Log.Walk(f.child.Context(), nil, func(_ uint64, logged bridgetypes.LoggedOp) (bool, error) {
		op, err := ledger.DecodeOp(logged.Op)
		if err != nil {
			return true, err
		}
		if op.Kind == ledger.OpBridgeIn {
			if err := replica.PushInbox(op.Msg); err != nil {
				return true, err
			}
			entries = append(entries, hash.EncodeElement(op.Msg.Hash()))
		}
		return false, batch.Add(op)
	})
	require.NoError(t, err)
	anchor, err := hash.DecodeElement(rootCommitment.Commitment)
	require.NoError(t, err)
	w, err := batch.Build(rootHeight, anchor)
	require.NoError(t, err)
	proof, pub, err := ledger.ProveBatch(f.ledgerCCS, f.ledgerPK, w)
	require.NoError(t, err)
	require.Equal(t, own.Fields.LedgerRoot, hash.EncodeElement(pub.NewLedgerRoot), "chain and prover agree")

	report, err := f.child.App.AcceptanceKeeper.SubtreeReport(f.child.Context(), rootHeight)
	require.NoError(t, err)
	return &validiumtypes.MsgSubmitUpdate{
		Operator: f.root.Address(1).String(), ChildIndex: 1, NewCommitment: own.Fields, InboxEntries: entries,
		Histogram: report.Histogram, Subtree: report.Subtree, Proof: proof,
	}, own, replica
}

// TestChildUpdateAcceptedByRoot: the child's users transact; the root verifies and records the
// child's own commitment over real transactions, and refuses a replay.
func TestChildUpdateAcceptedByRoot(t *testing.T) {
	f := newTreeFixture(t)
	op, err := ledger.NewTransfer(f.childVid, f.alice, 0, ledger.OwnerHash(f.bob.PublicKey), f.asset, 100, 0)
	require.NoError(t, err)
	requireOK(t, f.child, f.child.SignTx(0, 0, &bridgetypes.MsgLedgerTransfer{Sender: f.child.Address(0).String(), Op: op.Bytes()}))

	finality := acceptancekeeper.NewQueryServerImpl(&f.root.App.AcceptanceKeeper)
	fin, err := finality.Finality(f.root.Context(), &acceptancetypes.QueryFinalityRequest{})
	require.NoError(t, err)
	require.False(t, fin.Found, "b = 2 (root + registered child): the root alone is no majority")
	f.root.NextBlock() // root hashes older than the anchor the child will sync to
	f.root.NextBlock()

	update, own, _ := f.childUpdate(t, 1)
	res := requireOK(t, f.root, f.root.SignTx(1, 1, update))
	fin, err = finality.Finality(f.root.Context(), &acceptancetypes.QueryFinalityRequest{})
	require.NoError(t, err)
	require.True(t, fin.Found, "the child's update accepts the root's older hashes")
	require.Equal(t, own.Fields.AnchorHeight-1, fin.Height, "newest root hash strictly before the child's anchor")
	require.Greater(t, res.GasUsed, int64(validiumtypes.DefaultVerifyGasFlat), "verification gas charged")

	ctx := f.root.Context()
	accepted, err := f.root.App.ValidiumKeeper.GetChild(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, own.Commitment, accepted.LatestCommitment)
	record, err := f.root.App.AcceptanceKeeper.Children.Get(ctx, 1)
	require.NoError(t, err)
	require.Len(t, record.Hashes, 1)
	require.Equal(t, own.Fields.AnchorHeight, record.Hashes[0].Height)
	rootNow, err := f.root.App.BridgeKeeper.OwnCommitmentNow(ctx)
	require.NoError(t, err)
	require.NotEqual(t, hash.EncodeElement(commitment.EmptyChildrenRoot()), rootNow.Fields.ChildrenRoot,
		"the root's commitment binds the child's")

	blockRes, _ := f.root.NextBlock(f.root.SignTx(1, 2, update))
	require.Equal(t, validiumtypes.ErrStalePrev.ABCICode(), blockRes.TxResults[0].Code, "replay refused")
}

// TestBridgeChildToRoot: alice on child 1 bridges 30 to bob on the root. Once the root accepts
// the child's update, the root's own commitment binds the message, and a claim on the root with
// an inclusion proof built from real chain state mints it to bob — once.
func TestBridgeChildToRoot(t *testing.T) {
	f := newTreeFixture(t)
	rootVid := commitment.MustPackVid(nil)
	bobOwner := ledger.OwnerHash(f.bob.PublicKey)
	out, err := ledger.NewBridgeOut(f.childVid, f.alice, 0, f.asset, 30, 0, rootVid, bobOwner, 500)
	require.NoError(t, err)
	requireOK(t, f.child, f.child.SignTx(0, 0, &bridgetypes.MsgBridgeOut{Sender: f.child.Address(0).String(), Op: out.Bytes()}))

	update, own, replica := f.childUpdate(t, 1)
	requireOK(t, f.root, f.root.SignTx(1, 1, update))
	claimHeight := uint64(f.root.App.LastBlockHeight()) // the root's commitment of that block binds the child's

	// the relayer builds the inclusion witness from the two chains' state
	rootRecord, err := f.root.App.BridgeKeeper.Commitments.Get(f.root.Context(), int64(claimHeight))
	require.NoError(t, err)
	childPath, err := f.root.App.ValidiumKeeper.ChildProof(f.root.Context(), 1)
	require.NoError(t, err)
	accProof, err := replica.Outbox().Prove(0)
	require.NoError(t, err)
	msg := inclusion.Message{SrcVid: f.childVid, DstVid: rootVid, Nonce: 0, Recipient: bobOwner, AssetID: f.asset, Amount: 30, Deadline: 500}
	w := inclusion.Witness{
		Root: decodeCommitment(t, rootRecord.Fields),
		Hops: []inclusion.Hop{{Index: 1, Record: decodeCommitment(t, own.Fields), Siblings: childPath.Siblings}},
		Leaf: msg.Leaf(), Acc: accProof,
	}
	require.NoError(t, w.Check(inclusionDepth))
	proof, _, err := prover.ProveInclusion(f.inclCCS, f.inclPK, inclusionDepth, w)
	require.NoError(t, err)

	claim := &bridgetypes.MsgClaim{
		Sender: f.root.Address(0).String(), RootHeight: claimHeight, Proof: proof,
		Message: bridgetypes.BridgeMessage{
			SrcVid: hash.EncodeElement(msg.SrcVid), DstVid: hash.EncodeElement(msg.DstVid), Nonce: msg.Nonce,
			Recipient: hash.EncodeElement(msg.Recipient), AssetId: hash.EncodeElement(msg.AssetID), Amount: msg.Amount,
			Deadline: msg.Deadline,
		},
	}
	requireOK(t, f.root, f.root.SignTx(0, 0, claim))
	acc, err := f.root.App.BridgeKeeper.OpenLedger(f.root.Context())
	require.NoError(t, err)
	idx, ok, err := acc.Lookup(bobOwner, f.asset)
	require.NoError(t, err)
	require.True(t, ok)
	bob, _, err := acc.Account(idx)
	require.NoError(t, err)
	require.Equal(t, uint64(30), bob.Balance, "minted on the root")

	blockRes, _ := f.root.NextBlock(f.root.SignTx(0, 1, claim))
	require.Equal(t, bridgetypes.ErrAlreadyClaimed.ABCICode(), blockRes.TxResults[0].Code, "claim twice")
}

// decodeCommitment turns stored commitment fields back into a commitment record.
func decodeCommitment(t *testing.T, f validiumtypes.CommitmentFields) commitment.Commitment {
	c, err := f.Decode()
	require.NoError(t, err)
	return c
}

// requireOK delivers one tx in a block and requires it to succeed.
func requireOK(t *testing.T, c *apptesting.Chain, tx []byte) *abci.ExecTxResult {
	t.Helper()
	res, _ := c.NextBlock(tx)
	require.Len(t, res.TxResults, 1)
	require.Zerof(t, res.TxResults[0].Code, "tx failed: %s", res.TxResults[0].Log)
	return res.TxResults[0]
}
