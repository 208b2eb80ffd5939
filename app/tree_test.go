package app_test

import (
	"errors"
	"sync"
	"testing"

	slushtypes "github.com/slush-tree/slush/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/relayer/witness"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// inclusionDepth is the inclusion circuit depth (and the ledger's claim depth) of these tests.
const inclusionDepth = 2

// fundedOn funds alice with amount of the test asset on the chain at path, at genesis.
func fundedOn(path []uint8, amount uint64) map[string][]ledgertypes.GenesisDeposit {
	alice := ledger.KeyFromSeed([]byte("alice"))
	return map[string][]ledgertypes.GenesisDeposit{
		commitment.ChainID(path): {{Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)), AssetId: hash.EncodeElement(hash.Uint64(7)), Amount: amount}},
	}
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
func circuitKeys(t *testing.T, lp ledgertypes.Params) treeKeys {
	treeKeysOnce.Do(func() { treeKeysVal, treeKeysErr = makeTreeKeys(lp) })
	require.NoError(t, treeKeysErr)
	return treeKeysVal
}

func makeTreeKeys(lp ledgertypes.Params) (treeKeys, error) {
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

// TestChildUpdateAcceptedByRoot: the child's users transact; the root verifies and records the
// child's own commitment over real transactions, and refuses a replay.
func TestChildUpdateAcceptedByRoot(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, fundedOn([]uint8{1}, 1000))
	root, child := tr.root(), tr.node(1)
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	tr.transfer(child, alice, 0, 0, ledger.OwnerHash(bob.PublicKey), 100)

	finality := acceptancekeeper.NewQueryServerImpl(&root.chain.App.AcceptanceKeeper)
	_, err := finality.Finality(root.chain.Context(), &acceptancetypes.QueryFinalityRequest{})
	require.True(t, slushtypes.IsNotFound(err), "b = 2 (root + registered child): the root alone is no majority (%v)", err)
	root.chain.NextBlock() // root hashes older than the anchor the child will sync to
	tr.sync()

	update := tr.prepareUpdate(child)
	own := child.accepted
	res := tr.ok(root, operatorAccount(child), update)
	fin, err := finality.Finality(root.chain.Context(), &acceptancetypes.QueryFinalityRequest{})
	require.NoError(t, err)
	require.True(t, fin.Found, "the child's update accepts the root's older hashes")
	require.Equal(t, own.Fields.AnchorHeight-1, fin.Height, "newest root hash strictly before the child's anchor")
	require.Greater(t, res.GasUsed, int64(validiumtypes.DefaultVerifyGasFlat), "verification gas charged")

	ctx := root.chain.Context()
	accepted, err := root.chain.App.ValidiumKeeper.GetChild(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, own.Commitment, accepted.LatestCommitment)
	require.Equal(t, own.Fields.ReceiptRoot, accepted.ReceiptRoot, "the proven receipt root is recorded")
	record, err := root.chain.App.AcceptanceKeeper.Children.Get(ctx, 1)
	require.NoError(t, err)
	require.Len(t, record.Hashes, 1)
	require.Equal(t, own.Fields.AnchorHeight, record.Hashes[0].Height)
	rootNow, err := root.chain.App.ValidiumKeeper.OwnCommitmentNow(ctx)
	require.NoError(t, err)
	require.NotEqual(t, hash.EncodeElement(commitment.EmptyChildrenRoot()), rootNow.Fields.ChildrenRoot,
		"the root's commitment binds the child's latest commitment")
	require.Equal(t, hash.EncodeElement(commitment.EmptyChildrenRoot()), rootNow.Fields.FinalizedChildrenRoot,
		"but not as final: b = 1 and nobody accepted it after")

	tr.fails(root, operatorAccount(child), update, validiumtypes.ErrStalePrev) // replay
}

// TestBridgeChildToRoot: alice on child 1 bridges 30 to bob on the root. The root's commitment
// binds the burn as soon as it accepts the child's update, but a claim waits until the burn is
// final (the child's next update accepts it): only then does an inclusion proof exist, through
// the root's finalized children. The claim mints once.
func TestBridgeChildToRoot(t *testing.T) {
	tr := newTree(t, [][]uint8{{}, {1}}, fundedOn([]uint8{1}, 1000))
	root, child := tr.root(), tr.node(1)
	alice, bob := ledger.KeyFromSeed([]byte("alice")), ledger.KeyFromSeed([]byte("bob"))
	bobOwner := ledger.OwnerHash(bob.PublicKey)
	m := tr.bridgeOut(child, alice, 0, 0, root, bobOwner, 30, 500)

	h := tr.round() // the root accepts the state that burnt m: not final yet
	_, err := tr.tryWitness(m.Leaf(), h, 0)
	require.True(t, errors.Is(err, witness.ErrNotYet), "no proof through the root's finalized children yet: %v", err)

	h = tr.settle(m.Leaf(), 2)
	claim := tr.claim(root, m, h, tr.proveMessage(m, h))
	tr.ok(root, 0, claim)
	require.Equal(t, uint64(30), tr.balance(root, bobOwner), "minted on the root")
	tr.fails(root, 0, claim, bridgetypes.ErrAlreadyClaimed)
}

// decodeCommitment turns stored commitment fields back into a commitment record.
func decodeCommitment(t *testing.T, f slushtypes.CommitmentFields) commitment.Commitment {
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
