package keeper_test

import (
	"fmt"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/x/validium/types"
)

var bondDenom = types.DefaultMinChildBond.Denom

func (s *KeeperTestSuite) operator(i byte) sdk.AccAddress {
	addr := sdk.AccAddress([]byte{'o', 'p', 'e', 'r', 'a', 't', 'o', 'r', i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	s.bank.fund(addr, sdk.NewCoins(sdk.NewCoin(bondDenom, sdkmath.NewInt(100_000_000))))
	return addr
}

func (s *KeeperTestSuite) register(op sdk.AccAddress) (*types.MsgRegisterChildResponse, error) {
	return s.msgs.RegisterChild(s.env.Ctx, &types.MsgRegisterChild{
		Operator: op.String(), VerifyingKey: s.vk, Bond: types.DefaultMinChildBond,
		GenesisLedgerRoot: payload(1), GenesisOutboxRoot: payload(2), GenesisReceiptRoot: payload(3),
	})
}

// TestRegisterChild proves registration escrows the bond, tells x/acceptance, stores an active
// child under the next free index and path, and stops at max_children.
func (s *KeeperTestSuite) TestRegisterChild() {
	op := s.operator(1)
	res, err := s.register(op)
	s.Require().NoError(err)
	s.Require().Equal(uint32(1), res.Index)
	s.Require().Equal([]uint32{1}, res.Path)
	s.Require().Equal(sdk.NewCoins(types.DefaultMinChildBond), s.bank.moduleBalance(types.ModuleName), "bond escrowed")
	s.Require().Equal([]uint32{1}, s.accept.registered)

	child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Equal(types.ChildStatus_CHILD_STATUS_ACTIVE, child.Child.Status)
	s.Require().Equal(op.String(), child.Child.Operator)

	for want := uint32(2); want <= 3; want++ {
		res, err := s.register(s.operator(byte(want)))
		s.Require().NoError(err)
		s.Require().Equal(want, res.Index)
	}
	_, err = s.register(s.operator(9))
	s.Require().ErrorIs(err, types.ErrNoFreeChildIndex, "the narrow tree takes three children")
}

// TestRegisterChildRejections proves every malformed registration fails with its own error and escrows nothing.
func (s *KeeperTestSuite) TestRegisterChildRejections() {
	op := s.operator(1)
	lowBond := sdk.NewCoin(bondDenom, types.DefaultMinChildBond.Amount.SubRaw(1))
	otherDenom := sdk.NewCoin("other", types.DefaultMinChildBond.Amount)
	wrongInputs := verifyingKey(s.T(), types.UpdatePublicInputs+1)
	cases := []struct {
		name    string
		msg     types.MsgRegisterChild
		wantErr error
	}{
		{"bond below minimum", types.MsgRegisterChild{Operator: op.String(), VerifyingKey: s.vk, Bond: lowBond}, types.ErrBondTooLow},
		{"bond in another denom", types.MsgRegisterChild{Operator: op.String(), VerifyingKey: s.vk, Bond: otherDenom}, types.ErrBondTooLow},
		{"garbage verifying key", types.MsgRegisterChild{Operator: op.String(), VerifyingKey: []byte("not a key"), Bond: types.DefaultMinChildBond}, types.ErrInvalidVerifyingKey},
		{"empty verifying key", types.MsgRegisterChild{Operator: op.String(), Bond: types.DefaultMinChildBond}, types.ErrInvalidVerifyingKey},
		{"verifying key with the wrong number of public inputs", types.MsgRegisterChild{Operator: op.String(), VerifyingKey: wrongInputs, Bond: types.DefaultMinChildBond}, types.ErrInvalidVerifyingKey},
		{"bad operator address", types.MsgRegisterChild{Operator: "nope", VerifyingKey: s.vk, Bond: types.DefaultMinChildBond}, types.ErrInvalidAddress},
		{"genesis ledger root above the modulus", types.MsgRegisterChild{Operator: op.String(), VerifyingKey: s.vk, Bond: types.DefaultMinChildBond,
			GenesisLedgerRoot: bytes32(0xff), GenesisOutboxRoot: payload(2)}, types.ErrInvalidField},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			_, err := s.msgs.RegisterChild(s.env.Ctx, &tc.msg)
			s.Require().ErrorIs(err, tc.wantErr)
			s.Require().True(s.bank.moduleBalance(types.ModuleName).IsZero(), "nothing escrowed")
		})
	}
}

// TestRegisterChildAtMaxDepth proves a chain at x/tree's max_depth takes no child.
func (s *KeeperTestSuite) TestRegisterChildAtMaxDepth() {
	id := childIdentity(1, 1)
	id.MaxDepth = 2
	s.setIdentity(id)
	_, err := s.register(s.operator(1))
	s.Require().ErrorIs(err, types.ErrMaxDepth)
	s.Require().Empty(s.accept.registered)

	id.MaxDepth = 3
	s.setIdentity(id)
	res, err := s.register(s.operator(1))
	s.Require().NoError(err, "one level deeper is allowed")
	s.Require().Equal([]uint32{1, 1, 1}, res.Path, "the child's path extends x/tree's")
}

// TestDeregisterChild proves only the operator of a known child without pending forced
// operations may deregister it.
func (s *KeeperTestSuite) TestDeregisterChild() {
	op := s.operator(1)
	_, err := s.register(op)
	s.Require().NoError(err)

	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: s.operator(2).String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrWrongOperator)
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: op.String(), ChildIndex: 2})
	s.Require().ErrorIs(err, types.ErrUnknownChild)

	_, err = s.force(1, 7)
	s.Require().NoError(err)
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: op.String(), ChildIndex: 1})
	s.Require().ErrorIs(err, types.ErrPendingForcedOps)
}

// TestDeregisterReturnsBondAndFreesSlot proves deregistration refunds the bond and frees the index for reuse.
func (s *KeeperTestSuite) TestDeregisterReturnsBondAndFreesSlot() {
	op := s.operator(1)
	before := s.bank.balance(op)
	_, err := s.register(op)
	s.Require().NoError(err)
	_, err = s.msgs.DeregisterChild(s.env.Ctx, &types.MsgDeregisterChild{Operator: op.String(), ChildIndex: 1})
	s.Require().NoError(err)
	s.Require().Equal(before, s.bank.balance(op), "bond returned")
	res, err := s.register(s.operator(2))
	s.Require().NoError(err)
	s.Require().Equal(uint32(1), res.Index, "the freed slot is reused")
}

// payload returns a canonical 32-byte field element.
func payload(v uint64) []byte {
	var e fr.Element
	e.SetUint64(v)
	b := e.Bytes()
	return b[:]
}

// force queues the fake deposit derived from v for a child.
func (s *KeeperTestSuite) force(index uint32, v uint64) (*types.MsgForceOperationResponse, error) {
	return s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{
		Depositor: s.operator(50).String(), ChildIndex: index, Op: payload(v),
	})
}

// TestForceOperation proves forced operations are burnt through x/bridge for the child's vid and
// queued in sequence with a deadline on the root clock; an unknown child or a refused burn queues nothing.
func (s *KeeperTestSuite) TestForceOperation() {
	_, err := s.register(s.operator(1))
	s.Require().NoError(err)
	childVid, err := s.stack.tree.ChildVid(s.env.Ctx, 1)
	s.Require().NoError(err)
	for seq := uint64(1); seq <= 3; seq++ {
		res, err := s.force(1, seq)
		s.Require().NoError(err)
		s.Require().Equal(seq, res.Sequence)
		s.Require().Equal(uint64(s.env.Ctx.BlockHeight())+types.DefaultForcedOpDeadline, res.Deadline)
	}
	cases := []struct {
		name    string
		index   uint32
		op      []byte
		wantErr error
	}{
		{"unknown child", 2, payload(1), types.ErrUnknownChild},
		{"deposit refused by the ledger", 1, []byte("refused"), errDepositRefused},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			_, err := s.msgs.ForceOperation(s.env.Ctx, &types.MsgForceOperation{
				Depositor: s.operator(50).String(), ChildIndex: tc.index, Op: tc.op,
			})
			s.Require().ErrorIs(err, tc.wantErr)
		})
	}
	child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Len(child.ForcedOperations, 3)
	s.Require().Equal([]fr.Element{childVid, childVid, childVid}, s.bridge.burns, "each deposit burnt to child 1")
}

// TestForcedOpExpiryFreezes proves a forced operation left past its deadline freezes the child in EndBlock.
func (s *KeeperTestSuite) TestForcedOpExpiryFreezes() {
	_, err := s.register(s.operator(1))
	s.Require().NoError(err)
	res, err := s.force(1, 1)
	s.Require().NoError(err)

	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline))
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	child, err := s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(types.ChildStatus_CHILD_STATUS_ACTIVE, child.Status, "at the deadline itself the child is still in time")

	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline) + 1)
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
	child, err = s.keeper.GetChild(s.env.Ctx, 1)
	s.Require().NoError(err)
	s.Require().Equal(types.ChildStatus_CHILD_STATUS_FROZEN, child.Status)
	s.Require().Equal(res.Deadline+1, child.FrozenAtRootHeight)

	frozen, err := s.query.FrozenChildren(s.env.Ctx, &types.QueryFrozenChildrenRequest{})
	s.Require().NoError(err)
	s.Require().Len(frozen.Children, 1)
	_, err = s.force(1, 2)
	s.Require().ErrorIs(err, types.ErrChildFrozen)
}

// TestTenThousandForcedOpsExpireBounded proves 10,000 operations expiring at one height never make
// one EndBlock do more than max_forced_ops_per_block steps, and never fail.
func (s *KeeperTestSuite) TestTenThousandForcedOpsExpireBounded() {
	_, err := s.register(s.operator(1))
	s.Require().NoError(err)
	_, err = s.register(s.operator(2))
	s.Require().NoError(err)
	var deadline uint64
	for i := uint64(1); i < types.MaxPendingForcedOps; i++ {
		res, err := s.force(1, i)
		s.Require().NoError(err)
		deadline = res.Deadline
	}
	_, err = s.force(1, types.MaxPendingForcedOps)
	s.Require().NoError(err)
	_, err = s.force(1, types.MaxPendingForcedOps+1)
	s.Require().ErrorIs(err, types.ErrForcedQueueFull)
	routed := inclusion.Message{Nonce: 1, Amount: 1, Deadline: 1}
	s.Require().ErrorIs(s.keeper.EnqueueRouted(s.env.Ctx, 1, routed, false), types.ErrForcedQueueFull, "routing is bounded")
	s.Require().NoError(s.keeper.RequeueRouted(s.env.Ctx, 1, routed, false), "a re-election's re-route is not (DESIGN §9)")
	_, err = s.force(2, 1) // another child's operation, same deadline, behind child 1's in the index
	s.Require().NoError(err)

	perBlock := int(types.DefaultMaxForcedOpsPerBlock)
	total := int(types.MaxPendingForcedOps) + 2
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(deadline) + 1)
	lastBlock := total/perBlock + 1
	for block := 1; block <= lastBlock; block++ {
		s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx))
		if block <= 2 || block >= lastBlock-1 { // counting walks the whole index: only at checkpoints
			s.Require().Equal(max(total-block*perBlock, 0), s.countDeadlines(), "block %d", block)
		}
	}
	for _, index := range []uint32{1, 2} {
		child, err := s.keeper.GetChild(s.env.Ctx, index)
		s.Require().NoError(err)
		s.Require().Equal(types.ChildStatus_CHILD_STATUS_FROZEN, child.Status)
	}
}

func (s *KeeperTestSuite) countDeadlines() int {
	n := 0
	s.Require().NoError(s.keeper.ForcedDeadlines.Walk(s.env.Ctx, nil, func(_ collections.Triple[uint64, uint32, uint64]) (bool, error) {
		n++
		return false, nil
	}))
	return n
}

// TestGenesisRoundTripWithChildren proves children (one frozen), histories and queues survive an
// export and an import into a fresh keeper: the second export is identical and the queue still works.
func (s *KeeperTestSuite) TestGenesisRoundTripWithChildren() {
	for i := byte(1); i <= 2; i++ {
		_, err := s.register(s.operator(i))
		s.Require().NoError(err)
	}
	for v := uint64(1); v <= 3; v++ {
		_, err := s.force(1, v)
		s.Require().NoError(err)
	}
	res, err := s.force(2, 9)
	s.Require().NoError(err)
	s.Require().NoError(s.keeper.History.Set(s.env.Ctx, collections.Join(uint32(1), uint64(4)), payload(44)))
	s.Require().NoError(s.keeper.History.Set(s.env.Ctx, collections.Join(uint32(1), uint64(6)), payload(66)))
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(res.Deadline) + 1)
	s.Require().NoError(s.keeper.EndBlocker(s.env.Ctx)) // freezes both: their operations expired

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Len(exported.Children, 2)
	s.Require().Len(exported.ForcedOperations, 4)
	s.Require().Len(exported.History, 2)
	s.Require().NoError(exported.Validate())

	s.SetupTest()
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, exported))
	again, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(exported, again)
	pending, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Len(pending.ForcedOperations, 3)
	s.Require().Len(pending.History, 2)

	bad := *exported
	bad.ForcedOperations = append([]types.ForcedOperation{}, exported.ForcedOperations...)
	bad.ForcedOperations[0].Sequence = 99
	s.Require().ErrorIs(bad.Validate(), types.ErrInvalidGenesis)
}

// bytes32 is 32 copies of b (0xff… is above the BN254 modulus).
func bytes32(b byte) []byte {
	out := make([]byte, 32)
	for i := range out {
		out[i] = b
	}
	return out
}

// forcedIndex lists (payload hash, sequence) of child 1's queue from ForcedOps and from the
// ForcedPayloads index, which must always agree.
func (s *KeeperTestSuite) forcedIndex() (ops, index []string) {
	err := s.keeper.ForcedOps.Walk(s.env.Ctx, collections.NewPrefixedPairRange[uint32, uint64](1),
		func(_ collections.Pair[uint32, uint64], op types.ForcedOperation) (bool, error) {
			ops = append(ops, fmt.Sprintf("%X/%d", op.PayloadHash, op.Sequence))
			return false, nil
		})
	s.Require().NoError(err)
	err = s.keeper.ForcedPayloads.Walk(s.env.Ctx, collections.NewPrefixedTripleRange[uint32, []byte, uint64](1),
		func(k collections.Triple[uint32, []byte, uint64]) (bool, error) {
			index = append(index, fmt.Sprintf("%X/%d", k.K2(), k.K3()))
			return false, nil
		})
	s.Require().NoError(err)
	sort.Strings(ops)
	sort.Strings(index)
	return ops, index
}

// TestForcedPayloadIndex proves the payload index follows the queue as operations are queued, and is
// rebuilt from the queue on genesis import.
func (s *KeeperTestSuite) TestForcedPayloadIndex() {
	_, err := s.register(s.operator(1))
	s.Require().NoError(err)
	for v := uint64(1); v <= 3; v++ {
		_, err := s.force(1, v)
		s.Require().NoError(err)
	}
	ops, index := s.forcedIndex()
	s.Require().Len(ops, 3)
	s.Require().Equal(ops, index)

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.SetupTest()
	s.Require().NoError(s.keeper.InitGenesis(s.env.Ctx, exported))
	again, index := s.forcedIndex()
	s.Require().Equal(ops, again)
	s.Require().Equal(ops, index, "rebuilt on import")
}
