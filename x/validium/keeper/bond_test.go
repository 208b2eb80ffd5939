package keeper_test

import (
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/x/validium/types"
)

// TestPostBond proves the child's operator adds to its bond (escrowed, evented); an operator installed
// with no bond (as after a re-election) starts one from zero.
func (s *KeeperTestSuite) TestPostBond() {
	op := s.operator(1)
	_, err := s.register(op)
	s.Require().NoError(err)
	more := sdk.NewCoin(bondDenom, sdkmath.NewInt(250))
	res, err := s.msgs.PostBond(s.env.Ctx, &types.MsgPostBond{Operator: op.String(), ChildIndex: 1, Amount: more})
	s.Require().NoError(err)
	want := types.DefaultMinChildBond.Add(more)
	s.Require().Equal(want, res.Bond)
	s.Require().Equal(sdk.NewCoins(want), s.bank.moduleBalance(types.ModuleName), "escrowed")
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(want, child.Bond)
	s.Require().Equal("slush.validium.v1.EventBondPosted", s.env.Ctx.EventManager().Events()[len(s.env.Ctx.EventManager().Events())-1].Type)

	elected := s.operator(2)
	child.Operator, child.Bond = elected.String(), sdk.Coin{Denom: bondDenom, Amount: sdkmath.ZeroInt()}
	s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, 1, child))
	res, err = s.msgs.PostBond(s.env.Ctx, &types.MsgPostBond{Operator: elected.String(), ChildIndex: 1, Amount: more})
	s.Require().NoError(err)
	s.Require().Equal(more, res.Bond, "the elected operator's own bond")
}

// TestPostBondRejections proves a bond is posted only by the operator, as a positive amount in the
// bond denom, to a known and not frozen child, from funds the operator has; nothing moves on a refusal.
func (s *KeeperTestSuite) TestPostBondRejections() {
	op, other := s.operator(1), s.operator(2)
	_, err := s.register(op)
	s.Require().NoError(err)
	_, err = s.register(s.operator(3))
	s.Require().NoError(err)
	frozen, err := s.keeper.GetChild(s.env.Ctx, 2)
	s.Require().NoError(err)
	frozen.Status = types.ChildStatus_CHILD_STATUS_FROZEN
	s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, 2, frozen))
	broke := sdk.AccAddress([]byte("broke-operator-addr1"))
	broken, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	amount := sdk.NewCoin(bondDenom, sdkmath.NewInt(10))
	cases := []struct {
		name    string
		msg     types.MsgPostBond
		setup   func()
		wantErr error
	}{
		{"not the operator", types.MsgPostBond{Operator: other.String(), ChildIndex: 1, Amount: amount}, nil, types.ErrWrongOperator},
		{"bad address", types.MsgPostBond{Operator: "nope", ChildIndex: 1, Amount: amount}, nil, types.ErrInvalidAddress},
		{"zero amount", types.MsgPostBond{Operator: op.String(), ChildIndex: 1, Amount: sdk.NewCoin(bondDenom, sdkmath.ZeroInt())}, nil, types.ErrBondTooLow},
		{"negative amount", types.MsgPostBond{Operator: op.String(), ChildIndex: 1, Amount: sdk.Coin{Denom: bondDenom, Amount: sdkmath.NewInt(-5)}}, nil, types.ErrBondTooLow},
		{"another denom", types.MsgPostBond{Operator: op.String(), ChildIndex: 1, Amount: sdk.NewCoin("other", sdkmath.NewInt(10))}, nil, types.ErrBondTooLow},
		{"unknown child", types.MsgPostBond{Operator: op.String(), ChildIndex: 3, Amount: amount}, nil, types.ErrUnknownChild},
		{"frozen child", types.MsgPostBond{Operator: s.operator(3).String(), ChildIndex: 2, Amount: amount}, nil, types.ErrChildFrozen},
		{"operator without funds", types.MsgPostBond{Operator: broke.String(), ChildIndex: 1, Amount: amount}, func() {
			c := broken
			c.Operator = broke.String()
			s.Require().NoError(s.keeper.Children.Set(s.env.Ctx, 1, c))
		}, nil},
	}
	escrowed := s.bank.moduleBalance(types.ModuleName)
	for _, tc := range cases {
		s.Run(tc.name, func() {
			if tc.setup != nil {
				tc.setup()
			}
			_, err := s.msgs.PostBond(s.env.Ctx, &tc.msg)
			s.Require().Error(err)
			if tc.wantErr != nil {
				s.Require().ErrorIs(err, tc.wantErr)
			}
			s.Require().Equal(escrowed, s.bank.moduleBalance(types.ModuleName), "nothing moved")
			child, err := s.keeper.GetChild(s.env.Ctx, 1)
			s.Require().NoError(err)
			s.Require().Equal(types.DefaultMinChildBond, child.Bond)
		})
	}
}
