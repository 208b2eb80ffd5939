package keeper_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/testutil/keepertest"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// the real keepers below x/bridge are what it is tested against
var (
	_ types.TreeKeeper   = treekeeper.Keeper{}
	_ types.LedgerKeeper = ledgerkeeper.Keeper{}
)

// chain is one test chain: its x/tree, x/ledger and x/bridge keepers over one multistore, built
// and wired bottom-up as the app does.
type chain struct {
	env    keepertest.Env // the x/bridge store's env (the context is shared)
	tree   treekeeper.Keeper
	ledger ledgerkeeper.Keeper
	k      keeper.Keeper
	msgs   types.MsgServer
	q      types.QueryServer
	lq     ledgertypes.QueryServer
}

// genesis is a test chain's genesis of the three modules.
type genesis struct {
	tree   *treetypes.GenesisState
	ledger *ledgertypes.GenesisState
	bridge *types.GenesisState
}

// testLedger is a small ledger shape so tests stay fast.
var testLedger = ledgertypes.Params{AccountDepth: 6, OutboxDepth: 20, BatchSize: 4}

// Test paths: the sender 1-2 (a child of slush-1) and the destination 2 (a child of the root).
var (
	senderPath      = []uint32{1, 2}
	destinationPath = []uint32{2}
	senderVid       = commitment.MustPackVid([]uint8{1, 2})
	destinationVid  = commitment.MustPackVid([]uint8{2})
)

var (
	alice = ledger.KeyFromSeed([]byte("alice"))
	bob   = ledger.KeyFromSeed([]byte("bob"))
	carol = ledger.OwnerHash(ledger.KeyFromSeed([]byte("carol")).PublicKey)
	asset = hash.Uint64(7)
)

// emptyReceiptRoot is the receipt root of a ledger that never minted.
var emptyReceiptRoot = hash.EncodeElement(smt.EmptyAccumulatorRoot(int(testLedger.OutboxDepth)))

// defaultGenesis is the genesis of the chain at path: default tree params, the test ledger shape
// unfunded, claims disabled.
func defaultGenesis(path []uint32) genesis {
	tree := treetypes.DefaultGenesisState()
	if len(path) > 0 {
		parent := treetypes.TreeIdentity{Path: path[:len(path)-1]}
		tree.Identity = treetypes.TreeIdentity{Path: path, ParentChainId: parent.ConventionalChainID(),
			MaxChildren: treetypes.DefaultMaxChildren, MaxDepth: slushtypes.MaxDepth}
	}
	lg := ledgertypes.DefaultGenesisState()
	lg.Params = testLedger
	return genesis{tree: tree, ledger: lg, bridge: types.DefaultGenesisState()}
}

// openChain builds the keepers of a chain over fresh stores, before genesis.
func openChain(t testing.TB) *chain {
	t.Helper()
	register := keepertest.Registers(treetypes.RegisterInterfaces, ledgertypes.RegisterInterfaces, types.RegisterInterfaces)
	envs := keepertest.NewMulti(t, register, treetypes.StoreKey, ledgertypes.StoreKey, types.StoreKey)
	treeEnv, ledgerEnv, env := envs[0], envs[1], envs[2]
	c := &chain{env: env}
	c.tree = treekeeper.NewKeeper(treeEnv.Codec, treeEnv.StoreService, treeEnv.AddressCodec, treeEnv.Authority, log.NewNopLogger())
	c.ledger = ledgerkeeper.NewKeeper(ledgerEnv.Codec, ledgerEnv.StoreService, ledgerEnv.AddressCodec, c.tree)
	c.k = keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, c.tree, c.ledger, log.NewNopLogger())
	c.msgs, c.q, c.lq = keeper.NewMsgServerImpl(&c.k), keeper.NewQueryServerImpl(&c.k), ledgerkeeper.NewQueryServerImpl(&c.ledger)
	return c
}

// init runs the three modules' InitGenesis in the app's order (tree, ledger, bridge).
func (c *chain) init(g genesis) error {
	if err := c.tree.InitGenesis(c.env.Ctx, g.tree); err != nil {
		return err
	}
	if err := c.ledger.InitGenesis(c.env.Ctx, g.ledger); err != nil {
		return err
	}
	return c.k.InitGenesis(c.env.Ctx, g.bridge)
}

// newChain is the chain at path with defaultGenesis after edits.
func newChain(t testing.TB, path []uint32, edits ...func(*genesis)) *chain {
	t.Helper()
	g := defaultGenesis(path)
	for _, edit := range edits {
		edit(&g)
	}
	c := openChain(t)
	require.NoError(t, c.init(g))
	return c
}

// export is the chain's genesis of the three modules.
func (c *chain) export(t testing.TB) genesis {
	t.Helper()
	tree, err := c.tree.ExportGenesis(c.env.Ctx)
	require.NoError(t, err)
	lg, err := c.ledger.ExportGenesis(c.env.Ctx)
	require.NoError(t, err)
	bridge, err := c.k.ExportGenesis(c.env.Ctx)
	require.NoError(t, err)
	return genesis{tree: tree, ledger: lg, bridge: bridge}
}

// syncRoot records root commitment root at rootHeight as the parent sync does (moving the
// root clock forward).
func (c *chain) syncRoot(t testing.TB, rootHeight uint64, root []byte) {
	t.Helper()
	require.NoError(t, c.tree.RecordRootCommitment(c.env.Ctx, rootHeight, root))
}

// setClock moves the chain's root clock to rootHeight by syncing a fabricated root commitment.
func (c *chain) setClock(t testing.TB, rootHeight uint64) {
	t.Helper()
	c.syncRoot(t, rootHeight, hash.EncodeElement(hash.Uint64(rootHeight)))
}

// ledgerState is the ledger's State query.
func (c *chain) ledgerState(t testing.TB) *ledgertypes.QueryStateResponse {
	t.Helper()
	l, err := c.lq.State(c.env.Ctx, &ledgertypes.QueryStateRequest{})
	require.NoError(t, err)
	return l
}

// balance is the balance of ledger account index.
func (c *chain) balance(t testing.TB, index uint64) uint64 {
	t.Helper()
	acc, err := c.lq.Account(c.env.Ctx, &ledgertypes.QueryAccountRequest{Index: index})
	require.NoError(t, err)
	return acc.Balance
}

// fund gives alice (account 0) amount at genesis.
func fund(amount uint64) func(*genesis) {
	return func(g *genesis) {
		g.ledger.Deposits = append(g.ledger.Deposits, ledgertypes.GenesisDeposit{
			Recipient: hash.EncodeElement(ledger.OwnerHash(alice.PublicKey)), AssetId: hash.EncodeElement(asset), Amount: amount,
		})
	}
}

// withClaims enables claims and confirmations: the test inclusion key at claimDepth.
func withClaims(t testing.TB) func(*genesis) {
	vk := inclusionKeys(t).vk
	return func(g *genesis) {
		g.bridge.InclusionParams = types.InclusionParams{VerifyingKey: vk, MaxDepth: claimDepth}
	}
}

// inMsg is a message of amount to owner from the sender 1-2 to the destination 2 with nonce.
func inMsg(owner fr.Element, amount, nonce uint64) inclusion.Message {
	return inclusion.Message{SrcVid: senderVid, DstVid: destinationVid, Nonce: nonce, Recipient: owner, AssetID: asset,
		Amount: amount, Deadline: 900}
}

// aboveModulus is 32 bytes that are no canonical field element.
var aboveModulus = bytes.Repeat([]byte{0xff}, 32)

// TestUpdateParams proves MsgUpdateParams changes x/bridge params for governance only and never
// to an invalid value.
func TestUpdateParams(t *testing.T) {
	c := newChain(t, senderPath)
	valid, invalid := types.DefaultParams(), types.DefaultParams()
	valid.MessageDeadline = 9
	invalid.ClaimGasFlat = 0
	keepertest.TestUpdateParams(t, c.env, keepertest.ParamsModule[types.Params]{
		Valid: valid, Invalid: invalid,
		Update: func(ctx context.Context, authority string, p types.Params) error {
			_, err := c.msgs.UpdateParams(ctx, &types.MsgUpdateParams{Authority: authority, Params: p})
			return err
		},
		Get: func(ctx context.Context) (types.Params, error) {
			res, err := c.q.Params(ctx, &types.QueryParamsRequest{})
			if err != nil {
				return types.Params{}, err
			}
			return res.Params, nil
		},
		ErrSigner: types.ErrInvalidSigner, ErrParams: types.ErrInvalidParams,
	})
}
