package keeper_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/suite"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/testutil/keepertest"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

type KeeperTestSuite struct {
	suite.Suite
	env     keepertest.Env
	keeper  keeper.Keeper
	msgs    types.MsgServer
	query   types.QueryServer
	bank    *fakeBank
	accept  *recordingHooks
	deposit *fakeDepositor
	vk      []byte
	anchors *anchorBook
}

// recordingHooks records what x/acceptance is told.
type recordingHooks struct {
	registered []uint32
	removed    []uint32
	updates    []uint64 // root heights of the updates
	finalized  []byte   // the child commitment reported as finalized (nil: none)
	maxBuckets int      // the report bound it answers (0: types.MaxReportedBuckets)
	removeErr  error    // what OnChildRemoved fails with (nil: nothing)
}

func (r *recordingHooks) OnChildRegistered(_ context.Context, index uint32) error {
	r.registered = append(r.registered, index)
	return nil
}

// FinalizedCommitment reports the commitment a test marked final.
func (r *recordingHooks) FinalizedCommitment(_ context.Context, _ uint32) ([]byte, bool, error) {
	return r.finalized, r.finalized != nil, nil
}

func (r *recordingHooks) OnChildUpdate(_ context.Context, _ uint32, height uint64, _ []byte,
	_ acceptancetypes.Histogram, _ uint64,
) error {
	r.updates = append(r.updates, height)
	return nil
}

// MaxReportBuckets is the bound a test set, or the module default.
func (r *recordingHooks) MaxReportBuckets(context.Context) (int, error) {
	if r.maxBuckets == 0 {
		return types.MaxReportedBuckets, nil
	}
	return r.maxBuckets, nil
}

// OnChildRemoved records a deregistered child (or fails as a test asked).
func (r *recordingHooks) OnChildRemoved(_ context.Context, index uint32) error {
	if r.removeErr != nil {
		return r.removeErr
	}
	r.removed = append(r.removed, index)
	return nil
}

// sharedVK is one real verifying key with the update circuit's number of public inputs.
var sharedVK []byte

func TestKeeperTestSuite(t *testing.T) { suite.Run(t, new(KeeperTestSuite)) }

func (s *KeeperTestSuite) SetupTest() {
	s.env = keepertest.New(s.T(), types.StoreKey, types.RegisterInterfaces)
	s.bank, s.accept = newFakeBank(), &recordingHooks{}
	s.keeper = keeper.NewKeeper(s.env.Codec, s.env.StoreService, s.env.AddressCodec, s.env.Authority, s.bank)
	s.keeper.SetAcceptanceHooks(s.accept)
	s.deposit = newFakeDepositor()
	s.keeper.SetForcedDepositor(s.deposit)
	if sharedVK == nil {
		sharedVK = verifyingKey(s.T(), types.UpdatePublicInputs)
	}
	s.vk = sharedVK
	s.msgs = keeper.NewMsgServerImpl(&s.keeper)
	s.query = keeper.NewQueryServerImpl(&s.keeper)
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, types.DefaultGenesisState()))
}

func (s *KeeperTestSuite) TestParamsSetGet() {
	p := types.DefaultParams()
	p.ForcedOpDeadline = 42
	s.Require().NoError(s.keeper.Params.Set(s.env.Ctx, p))
	got, err := s.keeper.Params.Get(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(p, got)
}

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

func (s *KeeperTestSuite) TestTreeIdentityQueryAndGenesisRoundTrip() {
	gs := types.DefaultGenesisState()
	gs.Identity = types.TreeIdentity{Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16}
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, gs))

	res, err := s.query.TreeIdentity(s.env.Ctx, &types.QueryTreeIdentityRequest{})
	s.Require().NoError(err)
	s.Require().Equal(gs.Identity, res.Identity)
	s.Require().Equal("slush-1-2", res.ConventionalChainId)
	s.Require().Equal(uint32(2), res.Depth)

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(gs, exported)
}

func (s *KeeperTestSuite) TestInitGenesisRejectsInvalid() {
	gs := types.DefaultGenesisState()
	gs.Identity.MaxChildren = 0
	s.Require().ErrorIs(s.keeper.InitGenesis(s.env.Ctx, gs), types.ErrInvalidIdentity)
}
