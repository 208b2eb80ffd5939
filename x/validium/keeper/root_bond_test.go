package keeper_test

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"

	"cosmossdk.io/log"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// rootKeyHash is the root operator key hash of the root identities below.
var rootKeyHash = func() []byte { e := fr.NewElement(4242); return hash.EncodeElement(e) }()

// rootUnder makes the suite's chain the root at epoch with rootKeyHash and, if validium, puts it
// under validium consensus (the validium-consensus upgrade, DESIGN §10).
func (s *KeeperTestSuite) rootUnder(epoch uint64, validium bool) {
	id := treetypes.RootIdentity()
	id.Epoch, id.OperatorKeyHash = epoch, rootKeyHash
	s.setIdentity(&id)
	if validium {
		key := cmted25519.GenPrivKeyFromSecret([]byte("root operator")).PubKey().Bytes()
		s.Require().NoError(s.stack.tree.EnterValidiumConsensus(s.env.Ctx, key))
	}
}

// rootBondMsg is a post of amount of the bond denom by owner for epoch and rootKeyHash.
func rootBondMsg(owner sdk.AccAddress, epoch uint64, amount int64) *types.MsgPostRootBond {
	return &types.MsgPostRootBond{Owner: owner.String(), Epoch: epoch, OperatorKeyHash: rootKeyHash,
		Amount: sdk.NewCoin(bondDenom, sdkmath.NewInt(amount))}
}

// TestPostRootBond proves any account posts the root bond of the root's current epoch (escrowed,
// evented, queryable), its owner tops it up by any positive amount, and the bond exports and
// imports unchanged.
func (s *KeeperTestSuite) TestPostRootBond() {
	s.rootUnder(3, true)
	owner := s.operator(1)
	_, err := s.query.RootBond(s.env.Ctx, &types.QueryRootBondRequest{})
	s.Require().Equal(codes.NotFound, status.Code(err), "no bond yet: %v", err)

	min := types.DefaultMinChildBond.Amount.Int64()
	res, err := s.msgs.PostRootBond(s.env.Ctx, rootBondMsg(owner, 3, min))
	s.Require().NoError(err)
	want := types.RootBond{Epoch: 3, OperatorKeyHash: rootKeyHash, Owner: owner.String(), Amount: types.DefaultMinChildBond}
	s.Require().Equal(want, res.Bond)
	s.Require().Equal(sdk.NewCoins(types.DefaultMinChildBond), s.bank.moduleBalance(types.ModuleName), "escrowed")
	events := s.env.Ctx.EventManager().Events()
	s.Require().Equal("slush.validium.v1.EventRootBondPosted", events[len(events)-1].Type)

	res, err = s.msgs.PostRootBond(s.env.Ctx, rootBondMsg(owner, 3, 7))
	s.Require().NoError(err, "a top-up of any positive amount by the owner")
	want.Amount = want.Amount.AddAmount(sdkmath.NewInt(7))
	s.Require().Equal(want, res.Bond)
	got, err := s.query.RootBond(s.env.Ctx, &types.QueryRootBondRequest{})
	s.Require().NoError(err)
	s.Require().Equal(want, got.Bond)
	s.Require().Equal(sdk.NewCoins(want.Amount), s.bank.moduleBalance(types.ModuleName))

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(&want, exported.RootBond)
	ctx, k := s.freshRootKeeper(3, true)
	s.Require().NoError(k.InitGenesis(ctx, exported))
	again, err := k.ExportGenesis(ctx)
	s.Require().NoError(err)
	s.Require().Equal(exported, again, "the root bond round-trips")
}

// freshRootKeeper is an x/validium keeper over a new stack whose x/tree is the root at epoch with
// rootKeyHash, under validium consensus if validium: for genesis imports.
func (s *KeeperTestSuite) freshRootKeeper(epoch uint64, validium bool) (sdk.Context, keeper.Keeper) {
	st := newStack(s.T(), stackGenesis{})
	id := treetypes.RootIdentity()
	id.Epoch, id.OperatorKeyHash = epoch, rootKeyHash
	st.setIdentity(st.env.Ctx, &id, nil)
	if validium {
		key := cmted25519.GenPrivKeyFromSecret([]byte("root operator")).PubKey().Bytes()
		s.Require().NoError(st.tree.EnterValidiumConsensus(st.env.Ctx, key))
	}
	k := st.keeper(newFakeBank(), &fakeLedger{}, newFakeBridge(), &recordingHooks{}, log.NewNopLogger())
	return st.env.Ctx, k
}

// TestPostRootBondRejections proves the root bond is posted on the root under validium
// consensus only, for its current epoch and operator, as a positive amount in the bond denom,
// at least the minimum at first, topped up by its owner only, from funds the poster has;
// nothing moves on a refusal.
func (s *KeeperTestSuite) TestPostRootBondRejections() {
	owner, other := s.operator(1), s.operator(2)
	broke := sdk.AccAddress([]byte("broke-root-bond-acc1"))
	min := types.DefaultMinChildBond.Amount.Int64()
	withBond := func() {
		_, err := s.msgs.PostRootBond(s.env.Ctx, rootBondMsg(owner, 0, min))
		s.Require().NoError(err)
	}
	cases := []struct {
		name     string
		identity *treetypes.TreeIdentity // nil: the root at epoch 0 under validium consensus
		validium bool
		setup    func()
		msg      *types.MsgPostRootBond
		wantErr  error
	}{
		{name: "not the root", identity: childIdentity(1), msg: rootBondMsg(owner, 0, min), wantErr: types.ErrRootBondNotRoot},
		{name: "root under x/staking", validium: false, msg: rootBondMsg(owner, 0, min), wantErr: types.ErrRootNotValidiumConsensus},
		{name: "another epoch", validium: true, msg: rootBondMsg(owner, 1, min), wantErr: types.ErrRootBondMismatch},
		{name: "another operator key hash", validium: true, msg: func() *types.MsgPostRootBond {
			m := rootBondMsg(owner, 0, min)
			e := fr.NewElement(9)
			m.OperatorKeyHash = hash.EncodeElement(e)
			return m
		}(), wantErr: types.ErrRootBondMismatch},
		{name: "another denom", validium: true, msg: func() *types.MsgPostRootBond {
			m := rootBondMsg(owner, 0, min)
			m.Amount.Denom = "other"
			return m
		}(), wantErr: types.ErrBondTooLow},
		{name: "below the minimum", validium: true, msg: rootBondMsg(owner, 0, min-1), wantErr: types.ErrBondTooLow},
		{name: "zero amount", validium: true, msg: rootBondMsg(owner, 0, 0), wantErr: types.ErrBondTooLow},
		{name: "negative amount", validium: true, msg: func() *types.MsgPostRootBond {
			m := rootBondMsg(owner, 0, 1)
			m.Amount.Amount = sdkmath.NewInt(-5)
			return m
		}(), wantErr: types.ErrBondTooLow},
		{name: "malformed owner", validium: true, msg: func() *types.MsgPostRootBond {
			m := rootBondMsg(owner, 0, min)
			m.Owner = "nope"
			return m
		}(), wantErr: types.ErrInvalidAddress},
		{name: "a top-up by another account", validium: true, setup: withBond, msg: rootBondMsg(other, 0, 10), wantErr: types.ErrRootBondOwner},
		{name: "a top-up in another denom", validium: true, setup: withBond, msg: func() *types.MsgPostRootBond {
			m := rootBondMsg(owner, 0, 10)
			m.Amount.Denom = "other"
			return m
		}(), wantErr: types.ErrBondTooLow},
		{name: "a poster without funds", validium: true, msg: rootBondMsg(broke, 0, min)},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.operator(1) // funds owner and other on the new bank
			s.operator(2)
			if tc.identity != nil {
				s.setIdentity(tc.identity)
			} else {
				s.rootUnder(0, tc.validium)
			}
			if tc.setup != nil {
				tc.setup()
			}
			before, err := s.keeper.RootBond.Has(s.env.Ctx)
			s.Require().NoError(err)
			escrowed := s.bank.moduleBalance(types.ModuleName)
			_, err = s.msgs.PostRootBond(s.env.Ctx, tc.msg)
			s.Require().Error(err)
			if tc.wantErr != nil {
				s.Require().ErrorIs(err, tc.wantErr)
			}
			s.Require().Equal(escrowed, s.bank.moduleBalance(types.ModuleName), "nothing escrowed")
			after, err := s.keeper.RootBond.Has(s.env.Ctx)
			s.Require().NoError(err)
			s.Require().Equal(before, after)
		})
	}
}

// TestPostRootBondValidateBasic proves the stateless checks: an owner address, a canonical
// non-zero operator key hash, a positive amount.
func (s *KeeperTestSuite) TestPostRootBondValidateBasic() {
	owner := s.operator(1)
	nonCanonical := make([]byte, 32)
	for i := range nonCanonical {
		nonCanonical[i] = 0xff
	}
	cases := []struct {
		name string
		edit func(m *types.MsgPostRootBond)
		want error
	}{
		{"valid", func(*types.MsgPostRootBond) {}, nil},
		{"malformed owner", func(m *types.MsgPostRootBond) { m.Owner = "nope" }, types.ErrInvalidAddress},
		{"short key hash", func(m *types.MsgPostRootBond) { m.OperatorKeyHash = rootKeyHash[:31] }, types.ErrInvalidField},
		{"non-canonical key hash", func(m *types.MsgPostRootBond) { m.OperatorKeyHash = nonCanonical }, types.ErrInvalidField},
		{"zero key hash", func(m *types.MsgPostRootBond) { m.OperatorKeyHash = make([]byte, 32) }, types.ErrInvalidField},
		{"zero amount", func(m *types.MsgPostRootBond) { m.Amount.Amount = sdkmath.ZeroInt() }, types.ErrBondTooLow},
		{"invalid denom", func(m *types.MsgPostRootBond) { m.Amount.Denom = "!" }, types.ErrBondTooLow},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			m := rootBondMsg(owner, 0, 10)
			tc.edit(m)
			err := m.ValidateBasic()
			if tc.want == nil {
				s.Require().NoError(err)
				return
			}
			s.Require().ErrorIs(err, tc.want)
		})
	}
}

// TestRootBondGenesisRejectsInvalid proves a genesis root bond is refused when malformed
// (Validate) or not the current root epoch's under validium consensus (InitGenesis): an old
// epoch's bond carried into a restarted root is refused, so the restart must slash it.
func (s *KeeperTestSuite) TestRootBondGenesisRejectsInvalid() {
	owner := s.operator(1)
	valid := types.RootBond{Epoch: 2, OperatorKeyHash: rootKeyHash, Owner: owner.String(), Amount: types.DefaultMinChildBond}
	cases := []struct {
		name     string
		epoch    uint64
		validium bool
		child    bool
		edit     func(b *types.RootBond)
	}{
		{name: "malformed owner", epoch: 2, validium: true, edit: func(b *types.RootBond) { b.Owner = "nope" }},
		{name: "zero key hash", epoch: 2, validium: true, edit: func(b *types.RootBond) { b.OperatorKeyHash = make([]byte, 32) }},
		{name: "zero amount", epoch: 2, validium: true, edit: func(b *types.RootBond) { b.Amount.Amount = sdkmath.ZeroInt() }},
		{name: "an old epoch's bond", epoch: 3, validium: true},
		{name: "another operator's bond", epoch: 2, validium: true, edit: func(b *types.RootBond) {
			e := fr.NewElement(9)
			b.OperatorKeyHash = hash.EncodeElement(e)
		}},
		{name: "root under x/staking", epoch: 2},
		{name: "not the root", epoch: 2, validium: true, child: true},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			bond := valid
			if tc.edit != nil {
				tc.edit(&bond)
			}
			gs := types.DefaultGenesisState()
			gs.RootBond = &bond
			ctx, k := s.freshRootKeeper(tc.epoch, tc.validium)
			if tc.child {
				st := newStack(s.T(), stackGenesis{identity: childIdentity(1)})
				ctx, k = st.env.Ctx, st.keeper(newFakeBank(), &fakeLedger{}, newFakeBridge(), &recordingHooks{}, log.NewNopLogger())
			}
			err := k.InitGenesis(ctx, gs)
			s.Require().ErrorIs(err, types.ErrInvalidGenesis)
			has, err := k.RootBond.Has(ctx)
			s.Require().NoError(err)
			s.Require().False(has)
		})
	}
	ctx, k := s.freshRootKeeper(2, true)
	gs := types.DefaultGenesisState()
	gs.RootBond = &valid
	s.Require().NoError(gs.Validate())
	s.Require().NoError(k.InitGenesis(ctx, gs), "the current epoch's bond")
}
