package keeper_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/x/bridge/keeper"
	"github.com/slush-tree/slush/x/bridge/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// fullQueueTree is a fakeTree whose children's forced-operation queues are full: only the
// unbounded RequeueRouted of a rollback gets in.
type fullQueueTree struct{ fakeTree }

func (fullQueueTree) EnqueueRouted(context.Context, uint32, inclusion.Message, bool) error {
	return validiumtypes.ErrForcedQueueFull
}

// rerouteMsg is a message from 1-2 to dst with nonce n, past its deadline.
func rerouteMsg(n uint64, dst ...uint8) inclusion.Message {
	return inclusion.Message{SrcVid: commitment.MustPackVid([]uint8{1, 2}), DstVid: commitment.MustPackVid(dst), Nonce: n,
		Recipient: hash.Uint64(n), AssetID: asset, Amount: 10 * n, Deadline: 100}
}

// routeRecord is the record route.go leaves on the root for m routed down to child.
func routeRecord(m inclusion.Message, child uint32, alreadyDelivered bool) types.RouteRecord {
	return types.RouteRecord{
		Message: types.BridgeMessage{
			SrcVid: hash.EncodeElement(m.SrcVid), DstVid: hash.EncodeElement(m.DstVid), Nonce: m.Nonce,
			Recipient: hash.EncodeElement(m.Recipient), AssetId: hash.EncodeElement(m.AssetID), Amount: m.Amount, Deadline: m.Deadline,
		},
		MessageHash: hash.EncodeElement(m.Hash()), RootHeight: 10, Proof: []byte("proof"), Height: 7,
		Status: types.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, ChildIndex: child, AlreadyDelivered: alreadyDelivered,
	}
}

// TestRerouteAfterRollback: on the root, after a re-election of child 2 un-consumed entries, a
// message recorded as already delivered to child 2 is queued for it as routeDown would queue it
// (mint if child 2 is the destination, forward if it lies below) and its record becomes a pending
// ROUTED_DOWN one; records for another child, records that were queued normally, a message still
// consumed and unknown hashes are left alone; a second call changes nothing (DESIGN §7.5, §9).
func TestRerouteAfterRollback(t *testing.T) {
	unknown := hash.EncodeElement(hash.Uint64(999))
	for _, tc := range []struct {
		name       string
		m          inclusion.Message
		record     *types.RouteRecord // nil: the hash was never routed here
		consumed   bool               // child 2 still holds the entry as consumed
		wantQueued []queuedRoute
	}{
		{name: "already delivered to the destination child: mint queued",
			m: rerouteMsg(1, 2), record: ptr(routeRecord(rerouteMsg(1, 2), 2, true)),
			wantQueued: []queuedRoute{{child: 2, msg: rerouteMsg(1, 2), unbounded: true}}},
		{name: "already delivered on the way below the child: forward queued",
			m: rerouteMsg(2, 2, 5), record: ptr(routeRecord(rerouteMsg(2, 2, 5), 2, true)),
			wantQueued: []queuedRoute{{child: 2, msg: rerouteMsg(2, 2, 5), forward: true, unbounded: true}}},
		{name: "a record for another child is untouched",
			m: rerouteMsg(3, 3), record: ptr(routeRecord(rerouteMsg(3, 3), 3, true))},
		{name: "a record queued normally is untouched (x/validium requeues its operation)",
			m: rerouteMsg(4, 2), record: ptr(routeRecord(rerouteMsg(4, 2), 2, false))},
		{name: "a message the child still holds as consumed is untouched",
			m: rerouteMsg(5, 2), record: ptr(routeRecord(rerouteMsg(5, 2), 2, true)), consumed: true},
		{name: "an un-consumed entry never routed here needs nothing", m: rerouteMsg(6, 2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var queued []queuedRoute
			consumed := map[string]bool{}
			key := hash.EncodeElement(tc.m.Hash())
			if tc.consumed {
				consumed[fmt.Sprintf("%d/%X", 2, key)] = true
			}
			env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
			k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority,
				fakeTree{root: true, rootHeight: afterDeadline, routes: &queued, consumed: consumed}, fakeAcceptance{}, log.NewNopLogger())
			require.NoError(t, k.InitGenesis(env.Ctx, types.DefaultGenesisState()))
			if tc.record != nil {
				require.NoError(t, k.Routes.Set(env.Ctx, key, *tc.record))
			}

			for call := 0; call < 2; call++ { // the second call finds nothing left to do
				require.NoError(t, k.RerouteAfterRollback(env.Ctx, 2, [][]byte{unknown, key}))
				require.Equal(t, tc.wantQueued, queued, "call %d", call)
			}
			got, err := k.Routes.Get(env.Ctx, key)
			if tc.record == nil {
				require.Error(t, err, "no record is made for a message never routed here")
				return
			}
			require.NoError(t, err)
			want := *tc.record
			if len(tc.wantQueued) > 0 {
				want.AlreadyDelivered = false // a pending ROUTED_DOWN record, as routeDown leaves one
			}
			require.Equal(t, want, got)
			pending, err := keeper.NewQueryServerImpl(&k).PendingMessages(env.Ctx, &types.QueryPendingMessagesRequest{})
			require.NoError(t, err)
			require.Equal(t, len(tc.wantQueued) > 0 || !tc.record.AlreadyDelivered, len(pending.Routes) == 1,
				"the relayer sees it pending exactly when it is queued")
		})
	}
}

// TestRerouteQueueFull: a full queue neither blocks the switch nor loses the message: the
// rollback queues it past the bound (RequeueRouted), while a resubmitted route (MsgRouteMessage,
// anyone's) stays within it, and routes only while the child no longer holds the message as
// consumed, once.
func TestRerouteQueueFull(t *testing.T) {
	m := rerouteMsg(1, 2)
	key := hash.EncodeElement(m.Hash())
	env := keepertest.New(t, types.StoreKey, types.RegisterInterfaces)
	var queued []queuedRoute
	full := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority,
		fullQueueTree{fakeTree{root: true, rootHeight: afterDeadline, routes: &queued}}, fakeAcceptance{}, log.NewNopLogger())
	require.NoError(t, full.InitGenesis(env.Ctx, types.DefaultGenesisState()))
	require.NoError(t, full.Routes.Set(env.Ctx, key, routeRecord(m, 2, true)))
	require.NoError(t, full.RerouteAfterRollback(env.Ctx, 2, [][]byte{key}), "a full queue does not block the switch")
	require.Equal(t, []queuedRoute{{child: 2, msg: m, unbounded: true}}, queued, "queued past the bound")

	// a resubmitted route is bounded: on a full queue it fails and changes nothing
	m2 := rerouteMsg(2, 2)
	key2 := hash.EncodeElement(m2.Hash())
	require.NoError(t, full.Routes.Set(env.Ctx, key2, routeRecord(m2, 2, true)))
	route := &types.MsgRouteMessage{Sender: env.OtherAddress(t), Routed: validiumtypes.RoutedMessage{
		Message: ledger.EncodeMessage(m2), RootHeight: 10, Proof: []byte("proof")}}
	_, err := keeper.NewMsgServerImpl(&full).RouteMessage(env.Ctx, route)
	require.ErrorIs(t, err, validiumtypes.ErrForcedQueueFull)
	got, err := full.Routes.Get(env.Ctx, key2)
	require.NoError(t, err)
	require.True(t, got.AlreadyDelivered, "still recorded as already delivered")

	queued = nil
	consumed := map[string]bool{fmt.Sprintf("%d/%X", 2, key2): true}
	k := keeper.NewKeeper(env.Codec, env.StoreService, env.AddressCodec, env.Authority,
		fakeTree{root: true, rootHeight: afterDeadline, routes: &queued, consumed: consumed}, fakeAcceptance{}, log.NewNopLogger())
	msgs := keeper.NewMsgServerImpl(&k)
	_, err = msgs.RouteMessage(env.Ctx, route)
	require.ErrorIs(t, err, types.ErrAlreadyRouted, "still consumed: routed once")
	require.Empty(t, queued)

	delete(consumed, fmt.Sprintf("%d/%X", 2, key2)) // the rollback un-consumed it
	res, err := msgs.RouteMessage(env.Ctx, route)
	require.NoError(t, err)
	require.Equal(t, types.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN, res.Status)
	require.Equal(t, []queuedRoute{{child: 2, msg: m2}}, queued, "within the bound")
	_, err = msgs.RouteMessage(env.Ctx, route)
	require.ErrorIs(t, err, types.ErrAlreadyRouted, "queued once")
	require.Len(t, queued, 1)
}

func ptr[T any](v T) *T { return &v }
