package keeper_test

import (
	"context"
	"fmt"
	"testing"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"
	storetypes "cosmossdk.io/store/types"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	sdktestutil "github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/slush-tree/slush/app"
	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/keepertest"
	acceptancekeeper "github.com/slush-tree/slush/x/acceptance/keeper"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/election/keeper"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumkeeper "github.com/slush-tree/slush/x/validium/keeper"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// shape is v = [1] with a = [1 1] {a1, a2} and b = [1 2] {b1, b2, b3}: b_v = 8, so a candidate
// needs 2·votes > 7, i.e. 4 counted votes. Weights: a 3, b 4, leaves 1.
var shape = [][]uint8{{1}, {1, 1}, {1, 2}, {2}, {2, 1}, {2, 2}, {2, 3}}

// bond is the old operator's bond.
var bond = sdk.NewCoin("stake", sdkmath.NewInt(1_000_000))

// burnBank is an in-memory x/bank that can burn: account and module balances, and what was burnt.
type burnBank struct {
	balances map[string]sdk.Coins
	burnt    sdk.Coins
}

func (b *burnBank) move(from, to string, amt sdk.Coins) error {
	if !b.balances[from].IsAllGTE(amt) {
		return fmt.Errorf("insufficient funds: %s < %s", b.balances[from], amt)
	}
	b.balances[from] = b.balances[from].Sub(amt...)
	b.balances[to] = b.balances[to].Add(amt...)
	return nil
}

func (b *burnBank) SendCoinsFromAccountToModule(_ context.Context, from sdk.AccAddress, module string, amt sdk.Coins) error {
	return b.move(from.String(), authtypes.NewModuleAddress(module).String(), amt)
}

func (b *burnBank) SendCoinsFromModuleToAccount(_ context.Context, module string, to sdk.AccAddress, amt sdk.Coins) error {
	return b.move(authtypes.NewModuleAddress(module).String(), to.String(), amt)
}

func (b *burnBank) BurnCoins(_ context.Context, module string, amt sdk.Coins) error {
	if err := b.move(authtypes.NewModuleAddress(module).String(), "burnt", amt); err != nil {
		return err
	}
	b.burnt = b.burnt.Add(amt...)
	return nil
}

// unusedBridge and unusedLedger stand in for x/bridge and x/ledger below x/validium: an
// election reaches neither (the switch re-routes within x/validium), so any call fails the test.
type unusedBridge struct{ t *testing.T }

func (b unusedBridge) BurnForChild(context.Context, []byte, fr.Element) (inclusion.Message, error) {
	b.t.Fatal("x/bridge BurnForChild called")
	return inclusion.Message{}, nil
}

func (b unusedBridge) Deliver(context.Context, inclusion.Message, ledger.Source) (uint64, error) {
	b.t.Fatal("x/bridge Deliver called")
	return 0, nil
}

func (b unusedBridge) DeliverRouted(context.Context, inclusion.Message) (bool, error) {
	b.t.Fatal("x/bridge DeliverRouted called")
	return false, nil
}

func (b unusedBridge) ExecuteForcedWithdrawal(context.Context, []byte) (inclusion.Message, uint64, error) {
	b.t.Fatal("x/bridge ExecuteForcedWithdrawal called")
	return inclusion.Message{}, 0, nil
}

func (b unusedBridge) VerifyInclusion(context.Context, uint64, inclusion.Kind, fr.Element, fr.Element, []byte) error {
	b.t.Fatal("x/bridge VerifyInclusion called")
	return nil
}

type unusedLedger struct{ t *testing.T }

func (l unusedLedger) CurrentRoots(context.Context) (ledgertypes.Roots, error) {
	l.t.Fatal("x/ledger CurrentRoots called")
	return ledgertypes.Roots{}, nil
}

func (l unusedLedger) GetParams(context.Context) (ledgertypes.Params, error) {
	l.t.Fatal("x/ledger GetParams called")
	return ledgertypes.Params{}, nil
}

// fixture is p (the root) with real x/tree, x/acceptance, x/validium and x/election keepers over
// one multistore, built bottom-up as app.go does, and its child v = 1 whose commitment at root
// height 4 (tree) is finalized and whose commitment at 8 (withheld) is pending: the state a
// withholding v leaves.
type fixture struct {
	t          *testing.T
	ctx        sdk.Context
	env        keepertest.Env
	bank       *burnBank
	tree       treekeeper.Keeper
	validium   validiumkeeper.Keeper
	acceptance acceptancekeeper.Keeper
	k          keeper.Keeper
	msgs       types.MsgServer
	query      types.QueryServer

	subtree, withheld *testutil.Tree
	finalized         []byte
	withheldHash      []byte
	oldOperator       sdk.AccAddress
	submitter         string
	x, y              types.Candidate // two candidates
	xAddr, yAddr      []byte
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys := storetypes.NewKVStoreKeys(treetypes.StoreKey, acceptancetypes.StoreKey, validiumtypes.StoreKey, types.StoreKey)
	tkeys := storetypes.NewTransientStoreKeys(validiumtypes.TransientStoreKey)
	ctx := sdktestutil.DefaultContextWithKeys(keys, tkeys, nil).
		WithBlockHeader(cmtproto.Header{Height: 10, Time: keepertest.BlockTime})
	registry := codectypes.NewInterfaceRegistry()
	treetypes.RegisterInterfaces(registry)
	acceptancetypes.RegisterInterfaces(registry)
	validiumtypes.RegisterInterfaces(registry)
	types.RegisterInterfaces(registry)
	cdc := codec.NewProtoCodec(registry)
	ac := addresscodec.NewBech32Codec(app.Bech32PrefixAccAddr)
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(govtypes.ModuleName))
	require.NoError(t, err)
	store := func(name string) corestore.KVStoreService { return runtime.NewKVStoreService(keys[name]) }

	f := &fixture{t: t, ctx: ctx, bank: &burnBank{balances: map[string]sdk.Coins{}}}
	f.env = keepertest.Env{Ctx: ctx, StoreService: store(types.StoreKey), Codec: cdc, AddressCodec: ac, Authority: authority}
	f.tree = treekeeper.NewKeeper(cdc, store(treetypes.StoreKey), ac, authority, log.NewNopLogger())
	require.NoError(t, f.tree.InitGenesis(ctx, treetypes.DefaultGenesisState()))
	f.acceptance = acceptancekeeper.NewKeeper(cdc, store(acceptancetypes.StoreKey), ac, authority, f.tree)
	require.NoError(t, f.acceptance.InitGenesis(ctx, acceptancetypes.DefaultGenesisState()))
	f.validium = validiumkeeper.NewKeeper(cdc, store(validiumtypes.StoreKey),
		runtime.NewTransientStoreService(tkeys[validiumtypes.TransientStoreKey]), ac, authority, f.bank, f.tree,
		unusedLedger{t}, unusedBridge{t}, f.acceptance, log.NewNopLogger())
	require.NoError(t, f.validium.InitGenesis(ctx, validiumtypes.DefaultGenesisState()))
	f.k = keeper.NewKeeper(cdc, f.env.StoreService, ac, authority, f.validium, f.tree)
	require.NoError(t, f.k.InitGenesis(ctx, types.DefaultGenesisState()))
	f.msgs, f.query = keeper.NewMsgServerImpl(&f.k), keeper.NewQueryServerImpl(&f.k)

	f.oldOperator = sdk.AccAddress([]byte("old-operator-address"))
	f.submitter = sdk.AccAddress([]byte("submitter-address-20")).String()
	f.xAddr, f.yAddr = []byte("candidate-x-address!"), []byte("candidate-y-address!")
	xKey, _ := testutil.KeyHash("x")
	yKey, _ := testutil.KeyHash("y")
	f.x = types.Candidate{Operator: sdk.AccAddress(f.xAddr).String(), OperatorKeyHash: xKey}
	f.y = types.Candidate{Operator: sdk.AccAddress(f.yAddr).String(), OperatorKeyHash: yKey}

	f.subtree, err = testutil.NewTree([]uint8{1}, shape, 4, 0)
	require.NoError(t, err)
	f.withheld, err = testutil.NewTree([]uint8{1}, shape, 8, 1)
	require.NoError(t, err)
	f.registerChild(1, f.subtree)
	f.finalized = f.push(1, f.subtree)
	f.withheldHash = f.push(1, f.withheld)
	got, ok, err := f.acceptance.FinalizedCommitment(ctx, 1)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, f.finalized, got, "the commitment at 4 is final, the one at 8 pending")
	return f
}

// registerChild registers child index operated by oldOperator with its bond escrowed, as
// MsgRegisterChild leaves it.
func (f *fixture) registerChild(index uint32, tree *testutil.Tree) {
	f.t.Helper()
	child := validiumtypes.Child{
		Index: index, Operator: f.oldOperator.String(), Bond: bond, Status: validiumtypes.ChildStatus_CHILD_STATUS_ACTIVE,
		RegisteredHeight: 1, LedgerRoot: testutil.Element(1), GenesisLedgerRoot: testutil.Element(1),
		OutboxRoot: testutil.Element(2), OperatorKeyHash: hash.EncodeElement(tree.Root.Commitment.OperatorKeyHash),
	}
	require.NoError(f.t, f.validium.Children.Set(f.ctx, index, child))
	moduleAddr := authtypes.NewModuleAddress(validiumtypes.ModuleName).String()
	f.bank.balances[moduleAddr] = f.bank.balances[moduleAddr].Add(bond)
	require.NoError(f.t, f.acceptance.OnChildRegistered(f.ctx, index))
}

// push records an accepted update of child index with tree's root commitment, as x/validium's
// recordUpdate does after verifying the proof (acceptance, child record, history, snapshot).
func (f *fixture) push(index uint32, tree *testutil.Tree) []byte {
	f.t.Helper()
	c := tree.Root.Commitment
	bz := hash.EncodeElement(c.Hash())
	require.NoError(f.t, f.acceptance.OnChildUpdate(f.ctx, index, c.AnchorHeight, bz, tree.Root.Histogram, tree.Subtree()))
	child, err := f.validium.GetChild(f.ctx, index)
	require.NoError(f.t, err)
	child.LatestCommitment, child.AnchorHeight = bz, c.AnchorHeight
	child.LedgerRoot, child.OutboxRoot = hash.EncodeElement(c.LedgerRoot), hash.EncodeElement(c.OutboxRoot)
	child.InboxHead = testutil.Element(c.AnchorHeight)
	require.NoError(f.t, f.validium.Children.Set(f.ctx, index, child))
	require.NoError(f.t, f.validium.History.Set(f.ctx, collections.Join(index, c.AnchorHeight), bz))
	require.NoError(f.t, f.validium.Snapshots.Set(f.ctx, collections.Join(index, bz), child))
	return bz
}

// report files the withholding report of the node at path about child 1.
func (f *fixture) report(path ...uint8) (*types.MsgReportWithholdingResponse, error) {
	f.t.Helper()
	msg, err := f.subtree.Report(f.submitter, 1, 0, path...)
	require.NoError(f.t, err)
	return f.msgs.ReportWithholding(f.ctx, msg)
}

// open opens round 1 with a report by a1.
func (f *fixture) open() uint64 {
	f.t.Helper()
	res, err := f.report(1, 1, 1)
	require.NoError(f.t, err)
	return res.RoundId
}

// voteMsg is the node at path's vote for candidate c in round id (epoch 0).
func (f *fixture) voteMsg(id uint64, c types.Candidate, path ...uint8) *types.MsgEmergencyVote {
	f.t.Helper()
	addr := f.xAddr
	if c.Operator == f.y.Operator {
		addr = f.yAddr
	}
	msg, err := f.subtree.Vote(f.submitter, id, 0, c, addr, path...)
	require.NoError(f.t, err)
	return msg
}

// vote casts the node at path's vote for c in round id.
func (f *fixture) vote(id uint64, c types.Candidate, path ...uint8) (*types.MsgEmergencyVoteResponse, error) {
	f.t.Helper()
	return f.msgs.EmergencyVote(f.ctx, f.voteMsg(id, c, path...))
}

// child returns child 1 as x/validium holds it.
func (f *fixture) child() validiumtypes.Child {
	f.t.Helper()
	c, err := f.validium.GetChild(f.ctx, 1)
	require.NoError(f.t, err)
	return c
}

// round returns a round with its tallies.
func (f *fixture) round(id uint64) *types.QueryRoundResponse {
	f.t.Helper()
	res, err := f.query.Round(f.ctx, &types.QueryRoundRequest{RoundId: id})
	require.NoError(f.t, err)
	return res
}

// tally is candidate c's tally in round id (0 if none).
func (f *fixture) tally(id uint64, c types.Candidate) uint64 {
	f.t.Helper()
	for _, t := range f.round(id).Tallies {
		if t.Candidate.Operator == c.Operator {
			return t.Votes
		}
	}
	return 0
}

// atHeight moves the root clock (p is the root: its block height).
func (f *fixture) atHeight(h int64) { f.ctx = f.ctx.WithBlockHeight(h) }

// vid is the 32-byte vid of a path.
func vid(path ...uint8) []byte { return hash.EncodeElement(commitment.MustPackVid(path)) }
