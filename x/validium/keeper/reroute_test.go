package keeper_test

import (
	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// rerouteHeight is the root's block height in the re-route tests: past rerouteMsg's deadline.
const rerouteHeight = 111

// rerouteMsg is a message from 1-2 to dst with nonce n, past its deadline at rerouteHeight.
func rerouteMsg(n uint64, dst ...uint8) inclusion.Message {
	return inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{1, 2}), DstVid: commitment.MustPackVid(dst), Nonce: n,
		Recipient: hash.Uint64(n), AssetID: hash.Uint64(7), Amount: 10 * n, Deadline: 100}
}

// routeRecord is the record route.go leaves on the root for m routed down to child.
func routeRecord(m inclusion.Message, child uint32, alreadyDelivered bool) types.RouteRecord {
	return types.RouteRecord{
		Message: slushtypes.NewBridgeMessage(m), MessageHash: hash.EncodeElement(m.Hash()), RootHeight: 10, Proof: []byte("proof"),
		Height: 7, Status: slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, ChildIndex: child, AlreadyDelivered: alreadyDelivered,
	}
}

// rerouteRoot is the root at rerouteHeight with its three children registered.
func (s *KeeperTestSuite) rerouteRoot() {
	for i := byte(1); i <= 3; i++ {
		_, err := s.register(s.operator(i))
		s.Require().NoError(err)
	}
	s.env.Ctx = s.env.Ctx.WithBlockHeight(rerouteHeight)
}

// queue is child index's forced-operation queue, in sequence order.
func (s *KeeperTestSuite) queue(index uint32) []types.ForcedOperation {
	var out []types.ForcedOperation
	s.Require().NoError(s.keeper.ForcedOps.Walk(s.env.Ctx, collections.NewPrefixedPairRange[uint32, uint64](index),
		func(_ collections.Pair[uint32, uint64], op types.ForcedOperation) (bool, error) {
			out = append(out, op)
			return false, nil
		}))
	return out
}

// routedOp is the forced operation routeDown queues for m at seq, queued at rerouteHeight.
func routedOp(child uint32, seq uint64, m inclusion.Message, forward bool) types.ForcedOperation {
	return types.ForcedOperation{ChildIndex: child, Sequence: seq, PayloadHash: hash.EncodeElement(m.Hash()),
		Deadline: rerouteHeight + types.DefaultForcedOpDeadline, Message: ledger.EncodeMessage(m), Forward: forward}
}

// TestRerouteAfterRollback proves, on the root after a re-election of child 2 un-consumed
// entries, a message recorded as already delivered to child 2 is queued for it as routeDown would
// queue it (a mint if child 2 is the destination, a forward if it lies below) and its record
// becomes a pending ROUTED_DOWN one; records for another child, records that were queued normally,
// a message still consumed and unknown hashes are left alone; a second call changes nothing
// (DESIGN §7.5, §9).
func (s *KeeperTestSuite) TestRerouteAfterRollback() {
	unknown := hash.EncodeElement(hash.Uint64(999))
	for _, tc := range []struct {
		name       string
		m          inclusion.Message
		record     *types.RouteRecord // nil: the hash was never routed here
		consumed   bool               // child 2 still holds the entry as consumed
		wantQueued []types.ForcedOperation
	}{
		{name: "already delivered to the destination child: mint queued",
			m: rerouteMsg(1, 2), record: ptr(routeRecord(rerouteMsg(1, 2), 2, true)),
			wantQueued: []types.ForcedOperation{routedOp(2, 1, rerouteMsg(1, 2), false)}},
		{name: "already delivered on the way below the child: forward queued",
			m: rerouteMsg(2, 2, 3), record: ptr(routeRecord(rerouteMsg(2, 2, 3), 2, true)),
			wantQueued: []types.ForcedOperation{routedOp(2, 1, rerouteMsg(2, 2, 3), true)}},
		{name: "a record for another child is untouched",
			m: rerouteMsg(3, 3), record: ptr(routeRecord(rerouteMsg(3, 3), 3, true))},
		{name: "a record queued normally is untouched (its operation is requeued with the snapshot)",
			m: rerouteMsg(4, 2), record: ptr(routeRecord(rerouteMsg(4, 2), 2, false))},
		{name: "a message the child still holds as consumed is untouched",
			m: rerouteMsg(5, 2), record: ptr(routeRecord(rerouteMsg(5, 2), 2, true)), consumed: true},
		{name: "an un-consumed entry never routed here needs nothing", m: rerouteMsg(6, 2)},
	} {
		s.Run(tc.name, func() {
			s.SetupTest()
			s.rerouteRoot()
			key := hash.EncodeElement(tc.m.Hash())
			if tc.consumed {
				s.Require().NoError(s.keeper.ConsumedEntries.Set(s.env.Ctx, collections.Join(uint32(2), key)))
			}
			if tc.record != nil {
				s.Require().NoError(s.keeper.Routes.Set(s.env.Ctx, key, *tc.record))
			}

			for call := 0; call < 2; call++ { // the second call finds nothing left to do
				s.Require().NoError(s.keeper.RerouteAfterRollback(s.env.Ctx, 2, [][]byte{unknown, key}))
				s.Require().Equal(tc.wantQueued, s.queue(2), "call %d", call)
				s.Require().Empty(s.queue(3), "call %d", call)
			}
			got, err := s.keeper.Routes.Get(s.env.Ctx, key)
			if tc.record == nil {
				s.Require().ErrorIs(err, collections.ErrNotFound, "no record is made for a message never routed here")
				return
			}
			s.Require().NoError(err)
			want := *tc.record
			if len(tc.wantQueued) > 0 {
				want.AlreadyDelivered = false // a pending ROUTED_DOWN record, as routeDown leaves one
			}
			s.Require().Equal(want, got)
			pending, err := s.query.PendingRoutes(s.env.Ctx, &types.QueryPendingRoutesRequest{})
			s.Require().NoError(err)
			s.Require().Equal(len(tc.wantQueued) > 0 || !tc.record.AlreadyDelivered, len(pending.Routes) == 1,
				"the relayer sees it pending exactly when it is queued")
		})
	}
}

// TestRerouteQueueFull proves a full queue neither blocks the switch nor loses the message: the
// rollback's re-route queues it past the bound, while a resubmitted route (MsgRouteMessage,
// anyone's) stays within it, and routes again only while the child no longer holds the message as
// consumed, once.
func (s *KeeperTestSuite) TestRerouteQueueFull() {
	s.rerouteRoot()
	full := uint64(types.MaxPendingForcedOps) + 1 // sequences 1..MaxPendingForcedOps are pending
	s.Require().NoError(s.keeper.NextForcedSeq.Set(s.env.Ctx, 2, full))
	s.Require().ErrorIs(s.keeper.EnqueueRouted(s.env.Ctx, 2, rerouteMsg(9, 2), false), types.ErrForcedQueueFull, "the queue is full")

	m := rerouteMsg(1, 2)
	key := hash.EncodeElement(m.Hash())
	s.Require().NoError(s.keeper.Routes.Set(s.env.Ctx, key, routeRecord(m, 2, true)))
	s.Require().NoError(s.keeper.RerouteAfterRollback(s.env.Ctx, 2, [][]byte{key}), "a full queue does not block the switch")
	s.Require().Equal([]types.ForcedOperation{routedOp(2, full, m, false)}, s.queue(2), "queued past the bound")

	// a resubmitted route is bounded: on a full queue it fails and changes nothing
	m2 := rerouteMsg(2, 2)
	key2 := hash.EncodeElement(m2.Hash())
	s.Require().NoError(s.keeper.Routes.Set(s.env.Ctx, key2, routeRecord(m2, 2, true)))
	route := &types.MsgRouteMessage{Sender: s.operator(60).String(), Routed: slushtypes.RoutedMessage{
		Message: ledger.EncodeMessage(m2), RootHeight: 10, Proof: []byte("proof")}}
	_, err := s.msgs.RouteMessage(s.env.Ctx, route)
	s.Require().ErrorIs(err, types.ErrForcedQueueFull)
	s.Require().True(s.route(m2).AlreadyDelivered, "still recorded as already delivered")
	s.Require().Len(s.queue(2), 1)

	// room again (the child consumed all but the re-routed operation), but the child still holds m2
	s.Require().NoError(s.keeper.ForcedHead.Set(s.env.Ctx, 2, full))
	s.Require().NoError(s.keeper.ConsumedEntries.Set(s.env.Ctx, collections.Join(uint32(2), key2)))
	_, err = s.msgs.RouteMessage(s.env.Ctx, route)
	s.Require().ErrorIs(err, types.ErrAlreadyRouted, "still consumed: routed once")
	s.Require().Len(s.queue(2), 1)

	s.Require().NoError(s.keeper.ConsumedEntries.Remove(s.env.Ctx, collections.Join(uint32(2), key2))) // the rollback un-consumed it
	res, err := s.msgs.RouteMessage(s.env.Ctx, route)
	s.Require().NoError(err)
	s.Require().Equal(slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, res.Status)
	s.Require().Equal([]types.ForcedOperation{routedOp(2, full, m, false), routedOp(2, full+1, m2, false)}, s.queue(2), "within the bound")
	s.Require().False(s.route(m2).AlreadyDelivered)
	_, err = s.msgs.RouteMessage(s.env.Ctx, route)
	s.Require().ErrorIs(err, types.ErrAlreadyRouted, "queued once")
	s.Require().Len(s.queue(2), 2)
	s.Require().Empty(s.bridge.checks, "a route recorded here is not proven again")
}

func ptr[T any](v T) *T { return &v }
