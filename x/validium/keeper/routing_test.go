package keeper_test

import (
	"errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// routedTo is a message from 2 to the given child of this (root) chain's child 1, routed (not
// sent by this chain: the child can only mint it from its forced queue).
func routedTo(c *childLedger, nonce uint64) inclusion.Message {
	m := c.message("carol", 9)
	m.SrcVid, m.Nonce = hash.Uint64(2), nonce
	return m
}

// TestRoutedForcedOps proves routed messages queued for a child are consumed by a mint (the child is
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
	ctx2, k2 := s.requireImportsAs(exported)
	rootBefore, err := s.keeper.ChildrenRoot(s.env.Ctx)
	s.Require().NoError(err)
	rootAfter, err := k2.ChildrenRoot(ctx2)
	s.Require().NoError(err)
	s.Require().True(rootBefore.Equal(&rootAfter), "the children SMT is rebuilt on import")
}

// TestRoutedForwardNotConsumed proves a forward operation must be listed in forwarded; minting its
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

// errBadInclusion is the fake x/bridge's refusal of an inclusion proof.
var errBadInclusion = errors.New("fake bridge: bad inclusion proof")

// TestUpdateCarriesRoutedMessages proves the routed messages an update carries are routed by this
// chain (DESIGN §7.5): each is checked by x/bridge's inclusion verifier and, at its destination,
// delivered through x/bridge; a refused proof, a malformed or unexpired message or one from
// outside the child's subtree rejects the whole update; malformed routing fields are refused; a
// message carried again is not new.
func (s *KeeperTestSuite) TestUpdateCarriesRoutedMessages() {
	c := s.setupUpdates()
	own, err := s.stack.tree.OwnVid(s.env.Ctx)
	s.Require().NoError(err)
	// a message child 1 sent to this (root) chain, past its deadline (3 < root height 10)
	up := inclusion.Message{SrcVid: c.vid, DstVid: own, Nonce: 1, Recipient: hash.Uint64(5), AssetID: hash.Uint64(7), Amount: 9, Deadline: 3}
	withMessage := func(m inclusion.Message) func(*types.MsgSubmitUpdate) {
		return func(u *types.MsgSubmitUpdate) { u.Routed[0].Message = ledger.EncodeMessage(m) }
	}
	fromOther, unexpired := up, up
	fromOther.SrcVid = commitment.MustPackVid([]uint8{2})
	unexpired.Deadline = 10
	msg := s.update(c, 1, nil, 5)
	msg.Routed = []slushtypes.RoutedMessage{{Message: ledger.EncodeMessage(up), RootHeight: 5, Proof: []byte("proof")}}

	cases := []struct {
		name      string
		edit      func(m *types.MsgSubmitUpdate)
		verifyErr error
		wantErr   error
	}{
		{"x/bridge refuses the inclusion proof", nil, errBadInclusion, errBadInclusion},
		{"a malformed message", func(m *types.MsgSubmitUpdate) { m.Routed[0].Message = []byte("m") }, nil, types.ErrInvalidRoute},
		{"a message from outside the child's subtree", withMessage(fromOther), nil, types.ErrInvalidRoute},
		{"a message not past its deadline", withMessage(unexpired), nil, types.ErrNotExpired},
		{"too many routed messages", func(m *types.MsgSubmitUpdate) {
			m.Routed = make([]slushtypes.RoutedMessage, types.MaxRoutedPerUpdate+1)
		}, nil, types.ErrInvalidRoute},
		{"a forwarded hash that is no field element", func(m *types.MsgSubmitUpdate) { m.Forwarded = [][]byte{{1, 2, 3}} }, nil, types.ErrInvalidField},
	}
	for _, tc := range cases {
		s.Run(tc.name, func() {
			s.bridge.verifyErr = tc.verifyErr
			defer func() { s.bridge.verifyErr = nil }()
			u := cloneUpdate(msg)
			u.Routed = append([]slushtypes.RoutedMessage(nil), msg.Routed...)
			if tc.edit != nil {
				tc.edit(u)
			}
			txCtx, _ := s.env.Ctx.CacheContext() // a failed transaction's writes are discarded
			_, err := s.msgs.SubmitUpdate(txCtx, u)
			s.Require().ErrorIs(err, tc.wantErr)
			s.Require().Empty(s.bridge.routed, "nothing delivered")
		})
	}

	s.bridge.checks = nil
	res, err := s.msgs.SubmitUpdate(s.env.Ctx, msg)
	s.Require().NoError(err)
	s.Require().Equal(uint64(1), res.Routed)
	s.Require().Equal([]inclusionCheck{{rootHeight: 5, kind: inclusion.KindMessage, leaf: up.Hash(), dst: own, proof: []byte("proof")}},
		s.bridge.checks, "x/bridge checked the message's inclusion under the root height it names")
	s.Require().Equal([]inclusion.Message{up}, s.bridge.routed, "delivered here, its destination")
	route, err := s.query.Route(s.env.Ctx, &types.QueryRouteRequest{MessageHash: hash.EncodeElement(up.Hash())})
	s.Require().NoError(err)
	s.Require().Equal(slushtypes.MessageStatus_MESSAGE_STATUS_DELIVERED, route.Route.Status)

	again := s.update(c, 1, res.Commitment, 6)
	again.Routed = msg.Routed
	res, err = s.msgs.SubmitUpdate(s.env.Ctx, again)
	s.Require().NoError(err, "carried again: the update still goes through")
	s.Require().Zero(res.Routed, "nothing new")
	s.Require().Len(s.bridge.routed, 1, "delivered once")
}

// TestUpdateOperatorAndEpoch proves the commitment must carry the child's operator key and epoch
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
