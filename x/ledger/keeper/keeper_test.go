package keeper_test

import (
	"context"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/ledger/keeper"
	"github.com/slush-tree/slush/x/ledger/types"
)

// fakeTree is x/tree as x/ledger sees it: the chain's vid.
type fakeTree struct {
	vid       fr.Element
	departing bool
}

func (f fakeTree) OwnVid(context.Context) (fr.Element, error) { return f.vid, nil }

func (f fakeTree) Departing(context.Context) (bool, error) { return f.departing, nil }

var _ types.TreeKeeper = fakeTree{}

// chainVid is the test chain's vid: validium 1-2.
var chainVid = commitment.MustPackVid([]uint8{1, 2})

// testLedger is a small ledger shape so tests stay fast.
var testLedger = types.Params{AccountDepth: 6, OutboxDepth: 20, BatchSize: 4}

var (
	alice = ledger.KeyFromSeed([]byte("alice"))
	bob   = ledger.KeyFromSeed([]byte("bob"))
	carol = ledger.OwnerHash(ledger.KeyFromSeed([]byte("carol")).PublicKey)
	asset = hash.Uint64(7)
)

// testDeposits are setupLedger's genesis deposits: alice 1000, bob 50.
func testDeposits() []types.GenesisDeposit {
	return []types.GenesisDeposit{
		{Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)), AssetId: hash.EncodeElement(asset), Amount: 1000},
		{Recipient: hash.EncodeElement(ledger.OwnerHash(bob.PublicKey)), AssetId: hash.EncodeElement(asset), Amount: 50},
	}
}

// ledgerGenesis is a testLedger genesis with deposits.
func ledgerGenesis(deposits []types.GenesisDeposit) *types.GenesisState {
	gs := types.DefaultGenesisState()
	gs.Params, gs.Deposits = testLedger, deposits
	return gs
}

// newKeeper is a ledger keeper of validium 1-2 over a fresh store, before genesis.
func newKeeper(t testing.TB) (keepertest.Env, keeper.Keeper) {
	t.Helper()
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	return env, keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, fakeTree{vid: chainVid})
}

// setupLedger is validium 1-2 whose genesis gives alice 1000 and bob 50.
func setupLedger(t testing.TB) (keepertest.Env, keeper.Keeper, types.MsgServer, types.QueryServer) {
	t.Helper()
	return setupWith(t, ledgerGenesis(testDeposits()))
}

// setupWith is validium 1-2 initialized with gs.
func setupWith(t testing.TB, gs *types.GenesisState) (keepertest.Env, keeper.Keeper, types.MsgServer, types.QueryServer) {
	t.Helper()
	env, k := newKeeper(t)
	require.NoError(t, k.InitGenesis(env.Ctx, gs))
	return env, k, keeper.NewMsgServerImpl(&k), keeper.NewQueryServerImpl(&k)
}

// fundedRoot is the ledger root of a fresh ledger of vid funded with deposits (what a prover's
// replica starts from).
func fundedRoot(t *testing.T, vid fr.Element, deposits []types.GenesisDeposit) fr.Element {
	t.Helper()
	replica, err := ledger.NewState(smt.NewMemStore(), vid, testLedger.Ledger())
	require.NoError(t, err)
	require.NoError(t, types.FundLedger(replica, deposits))
	return must(t, replica.Root)
}

// emptyReceiptRoot is the receipt root of a ledger that never minted.
var emptyReceiptRoot = hash.EncodeElement(smt.EmptyAccumulatorRoot(int(testLedger.OutboxDepth)))

// transfer is alice's (account 0) signed transfer of amount to bob on the ledger of vid.
func transfer(t *testing.T, vid fr.Element, from, amount, nonce uint64) []byte {
	op, err := ledger.NewTransfer(vid, alice, from, ledger.OwnerHash(bob.PublicKey), asset, amount, nonce)
	require.NoError(t, err)
	return op.Bytes()
}

// bridgeOut is alice's (account 0) signed bridge-out of amount to bob on validium 2.
func bridgeOut(t *testing.T, amount, nonce uint64) ledger.Op {
	op, err := ledger.NewBridgeOut(chainVid, alice, 0, asset, amount, nonce, commitment.MustPackVid([]uint8{2}),
		ledger.OwnerHash(bob.PublicKey), 500)
	require.NoError(t, err)
	return op
}

// inMsg is a message of amount to owner from 1-2-3 to this chain (1-2): what a claim, a forced
// operation or an exit from the child 1-2-3 mints here.
func inMsg(owner fr.Element, amount uint64) inclusion.Message {
	return inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{1, 2, 3}), DstVid: chainVid, Nonce: 4,
		Recipient: owner, AssetID: asset, Amount: amount}
}

// must unwraps a (value, error) getter.
func must[T any](t *testing.T, f func() (T, error)) T {
	t.Helper()
	v, err := f()
	require.NoError(t, err)
	return v
}
