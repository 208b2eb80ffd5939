package keeper_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/suite"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/testutil/keepertest"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// KeeperTestSuite is x/validium on a root chain: a real x/tree (the root identity, its clock and
// the root commitments the anchors name), fakes for x/bank, x/ledger and x/bridge, and the
// recording x/acceptance fake unless a test wires the real one (useRealAcceptance).
type KeeperTestSuite struct {
	suite.Suite
	stack   *stack
	env     keepertest.Env
	keeper  keeper.Keeper
	msgs    types.MsgServer
	query   types.QueryServer
	bank    *fakeBank
	accept  *recordingHooks
	bridge  *fakeBridge
	ledger  *fakeLedger
	vk      []byte
	anchors *anchorBook
	logs    *bytes.Buffer // what the keeper logged (JSON lines)
}

func TestKeeperTestSuite(t *testing.T) { suite.Run(t, new(KeeperTestSuite)) }

func (s *KeeperTestSuite) SetupTest() {
	s.stack = newStack(s.T(), stackGenesis{})
	s.env = s.stack.env
	s.bank, s.accept, s.bridge = newFakeBank(), &recordingHooks{}, newFakeBridge()
	s.ledger = &fakeLedger{roots: rootLedgerRoots()}
	s.anchors, s.logs = nil, new(bytes.Buffer)
	s.vk = updateVK(s.T())
	s.build(s.accept)
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, types.DefaultGenesisState()))
}

// build (re)builds the keeper over the suite's stores with the suite's fakes and acceptance.
func (s *KeeperTestSuite) build(acceptance types.AcceptanceKeeper) {
	s.keeper = s.stack.keeper(s.bank, s.ledger, s.bridge, acceptance, log.NewLogger(s.logs, log.OutputJSONOption()))
	s.msgs = keeper.NewMsgServerImpl(&s.keeper)
	s.query = keeper.NewQueryServerImpl(&s.keeper)
}

// useRealAcceptance wires the stack's real x/acceptance keeper (call it before registering children).
func (s *KeeperTestSuite) useRealAcceptance() { s.build(s.stack.acceptance) }

// setIdentity reruns x/tree's genesis with identity.
func (s *KeeperTestSuite) setIdentity(identity *treetypes.TreeIdentity) {
	s.stack.setIdentity(s.env.Ctx, identity, nil)
}

// freshKeeper is an x/validium keeper over a new root stack (fakes below it), for genesis imports.
func (s *KeeperTestSuite) freshKeeper() (sdk.Context, keeper.Keeper) {
	st := newStack(s.T(), stackGenesis{})
	return st.env.Ctx, st.keeper(newFakeBank(), &fakeLedger{}, newFakeBridge(), &recordingHooks{}, log.NewNopLogger())
}

// requireImportsAs imports exported into a fresh keeper and requires the same export back; it
// returns the fresh keeper.
func (s *KeeperTestSuite) requireImportsAs(exported *types.GenesisState) (sdk.Context, keeper.Keeper) {
	ctx, k := s.freshKeeper()
	s.Require().NoError(k.InitGenesis(ctx, exported))
	again, err := k.ExportGenesis(ctx)
	s.Require().NoError(err)
	s.Require().Equal(exported, again)
	return ctx, k
}

// TestParamsSetGet proves params are stored and read back unchanged.
func (s *KeeperTestSuite) TestParamsSetGet() {
	p := types.DefaultParams()
	p.ForcedOpDeadline = 42
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
	got, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(p, got)
}

// TestUpdateParams proves MsgUpdateParams is for the governance authority only and refuses invalid params.
func (s *KeeperTestSuite) TestUpdateParams() {
	valid := types.DefaultParams()
	valid.MinChildBond = sdk.NewCoin("stake", sdkmath.NewInt(7))
	invalid := types.DefaultParams()
	invalid.VerifyGasFlat = 0
	keepertest.TestUpdateParams(s.T(), s.env, keepertest.ParamsModule[types.Params]{
		Valid: valid, Invalid: invalid,
		Update: func(ctx context.Context, authority string, p types.Params) error {
			_, err := s.msgs.UpdateParams(ctx, &types.MsgUpdateParams{Authority: authority, Params: p})
			return err
		},
		Get: func(ctx context.Context) (types.Params, error) {
			res, err := s.query.Params(ctx, &types.QueryParamsRequest{})
			if err != nil {
				return types.Params{}, err
			}
			return res.Params, nil
		},
		ErrSigner: types.ErrInvalidSigner, ErrParams: types.ErrInvalidParams,
	})
}

// TestGenesisRoundTrip proves a genesis with changed params is exported as imported, here and
// into a fresh keeper.
func (s *KeeperTestSuite) TestGenesisRoundTrip() {
	gs := types.DefaultGenesisState()
	gs.Params.ForcedOpDeadline = 7
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, gs))
	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, exported)
	s.requireImportsAs(exported)
}

// TestInitGenesisRejectsInvalid proves InitGenesis refuses invalid params, and a child index
// above the max_children of x/tree's identity (imported first), storing nothing of it.
func (s *KeeperTestSuite) TestInitGenesisRejectsInvalid() {
	child := func(index uint32) types.Child {
		return types.Child{Index: index, Operator: sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(),
			Bond: types.DefaultMinChildBond, Status: types.ChildStatus_CHILD_STATUS_ACTIVE, VerifyingKey: []byte{1}}
	}
	cases := []struct {
		name     string
		identity *treetypes.TreeIdentity
		edit     func(gs *types.GenesisState)
		wantErr  error
	}{
		{"invalid params", nil, func(gs *types.GenesisState) { gs.Params.VerifyGasFlat = 0 }, types.ErrInvalidParams},
		{"a child above the root's three", nil, func(gs *types.GenesisState) {
			gs.Children = []types.Child{child(1), child(4)}
		}, types.ErrInvalidGenesis},
		{"a child above a narrower identity's max_children", &treetypes.TreeIdentity{MaxChildren: 1, MaxDepth: 16},
			func(gs *types.GenesisState) { gs.Children = []types.Child{child(2)} }, types.ErrInvalidGenesis},
		{"children within max_children", nil, func(gs *types.GenesisState) {
			gs.Children = []types.Child{child(1), child(3)}
		}, nil},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.setIdentity(tc.identity)
			gs := types.DefaultGenesisState()
			tc.edit(gs)
			err := s.keeper.InitGenesis(s.env.Ctx, gs)
			if tc.wantErr == nil {
				s.Require().NoError(err)
				return
			}
			s.Require().ErrorIs(err, tc.wantErr)
			for _, c := range gs.Children {
				has, err := s.keeper.Children.Has(s.env.Ctx, c.Index)
				s.Require().NoError(err)
				s.Require().False(has, "no child of a refused genesis is stored")
			}
		})
	}
}

// TestNewKeeperRejectsBadAuthority proves a malformed authority is a wiring bug (a panic).
func (s *KeeperTestSuite) TestNewKeeperRejectsBadAuthority() {
	e := s.env
	s.Require().Panics(func() {
		keeper.NewKeeper(e.Codec, e.StoreService, s.stack.transient, e.AddressCodec, "not-an-address", s.bank, s.stack.tree, s.ledger, s.bridge, s.accept, log.NewNopLogger())
	})
}
