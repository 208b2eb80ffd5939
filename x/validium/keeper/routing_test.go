package keeper_test

import (
	"context"
	"errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/validium/keeper"
	"github.com/slush-tree/slush/x/validium/types"
)

// recordingRouter is the Router mock: it records what updates carry up, or refuses.
type recordingRouter struct {
	routed []uint32 // the child index of every routed message handed over
	refuse error
}

func (r *recordingRouter) RouteFromChild(_ context.Context, index uint32, _ types.RoutedMessage) (bool, error) {
	if r.refuse != nil {
		return false, r.refuse
	}
	r.routed = append(r.routed, index)
	return true, nil
}

// routedTo is a message from 2 to the given child of this (root) chain's child 1, routed (not
// sent by this chain: the child can only mint it from its forced queue).
func routedTo(c *childLedger, nonce uint64) inclusion.Message {
	m := c.message("carol", 9)
	m.SrcVid, m.Nonce = hash.Uint64(2), nonce
	return m
}

// TestRoutedForcedOps: routed messages queued for a child are consumed by a mint (the child is
// the destination) or by forwarding (the destination is below), in any order (DESIGN §7.5).
func (s *KeeperTestSuite) TestRoutedForcedOps() {
	c := s.setupUpdates()
	deposit, err := s.force(1, 4242) // a forced deposit the child has not minted yet
	s.Require().NoError(err)
	mint := routedTo(c, 1)
	s.Require().NoError(s.keeper.EnqueueRouted(s.env.Ctx, 1, mint, false))
	through := routedTo(c, 2)
	s.Require().NoError(s.keeper.EnqueueRouted(s.env.Ctx, 1, through, true))

	msg := s.update(c, 1, nil, 5, mint)
	msg.Forwarded = [][]byte{hash.EncodeElement(through.Hash())}
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(2), res.ForcedConsumed, "both routed operations, past the older deposit")

	child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	s.Require().Len(child.ForcedOperations, 1)
	s.Require().Equal(deposit.Sequence, child.ForcedOperations[0].Sequence, "the deposit still waits")
	consumed, err := s.keeper.ChildConsumed(s.env.Ctx, 1, hash.EncodeElement(mint.Hash()))
	s.Require().NoError(err)
	s.Require().True(consumed, "a later route of the same message is known delivered")
	consumed, err = s.keeper.ChildConsumed(s.env.Ctx, 1, hash.EncodeElement(through.Hash()))
	s.Require().NoError(err)
	s.Require().False(consumed, "forwarding is not minting")

	exported, err := s.keeper.ExportGenesis(s.env.Ctx)
	s.Require().NoError(err)
	s.Require().Len(exported.ConsumedEntries, 1)
	s.Require().Len(exported.Snapshots, 1, "the re-election rollback point survives export")
	s.Require().Len(exported.SnapshotOperations, 2)
	s.Require().NoError(exported.Validate())
	env := keepertest.New(s.T(), types.StoreKey, types.RegisterInterfaces)
	k2 := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority, newFakeBank())
	s.Require().NoError(k2.InitGenesis(env.Ctx, exported))
	again, err := k2.ExportGenesis(env.Ctx)
	s.Require().NoError(err)
	s.Require().Equal(exported, again)
	rootBefore, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	rootAfter, err := k2.ChildrenRoot(env.Ctx)
	s.Require().NoError(err)
	s.Require().True(rootBefore.Equal(&rootAfter), "the children SMT is rebuilt on import")
}

// TestRoutedForwardNotConsumed: a forward operation must be listed in forwarded; minting its
// message does not count, and past its deadline the update is refused.
func (s *KeeperTestSuite) TestRoutedForwardNotConsumed() {
	c := s.setupUpdates()
	through := routedTo(c, 2)
	s.Require().NoError(s.keeper.EnqueueRouted(s.env.Ctx, 1, through, true))
	child, err := s.query.Child(s.env.Ctx, &types.QueryChildRequest{Index: 1})
	s.Require().NoError(err)
	deadline := child.ForcedOperations[0].Deadline
	s.env.Ctx = s.env.Ctx.WithBlockHeight(int64(deadline) + 1)
	s.anchors.declare(deadline)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, s.update(c, 1, nil, deadline, through))
	s.Require().ErrorIs(err, types.ErrForcedOpExpired)
}

// TestUpdateCarriesRoutedMessages: routed messages an update carries go to the router; a
// refusal rejects the whole update; malformed routing fields are refused before any proof work.
func (s *KeeperTestSuite) TestUpdateCarriesRoutedMessages() {
	c := s.setupUpdates()
	msg := s.update(c, 1, nil, 5)
	msg.Routed = []types.RoutedMessage{{Message: []byte("m"), RootHeight: 3, Proof: []byte("p")}}

	_, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().ErrorIs(err, types.ErrInvalidRoute, "no router wired")

	router := &recordingRouter{refuse: errors.New("bad inclusion proof")}
	s.keeper.SetRouter(router)
	txCtx, _ := s.env.Ctx.CacheContext() // a failed transaction's writes are discarded
	_, err = s.msgs.SubmitUpdate(txCtx, msg)
	s.Require().ErrorContains(err, "bad inclusion proof")

	tooMany := cloneUpdate(msg)
	tooMany.Routed = make([]types.RoutedMessage, types.MaxRoutedPerUpdate+1)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, tooMany)
	s.Require().ErrorIs(err, types.ErrInvalidRoute)
	badForward := cloneUpdate(msg)
	badForward.Forwarded = [][]byte{{1, 2, 3}}
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, badForward)
	s.Require().ErrorIs(err, types.ErrInvalidField)

	router.refuse = nil
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.Routed)
	s.Require().Equal([]uint32{1}, router.routed)
}

// TestUpdateOperatorAndEpoch: the commitment must carry the child's operator key and epoch
// (DESIGN §9: after a re-election, updates made for the old epoch are refused).
func (s *KeeperTestSuite) TestUpdateOperatorAndEpoch() {
	c := s.setupUpdates()
	msg := s.update(c, 1, nil, 5)
	wrongEpoch := cloneUpdate(msg)
	wrongEpoch.NewCommitment.Epoch = 1
	_, err := s.msgs.SubmitUpdate(s.env.Ctx, wrongEpoch)
	s.Require().ErrorIs(err, types.ErrWrongEpoch)
	wrongKey := cloneUpdate(msg)
	wrongKey.NewCommitment.OperatorKeyHash = payload(6)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, wrongKey)
	s.Require().ErrorIs(err, types.ErrWrongOperatorKey)
	_, err = s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
}
