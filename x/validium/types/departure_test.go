package types_test

import (
	"bytes"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// TestDepartureMarkBindsEveryInput proves the mark changes with the key hash, the destination,
// the operator address and the inbox head, and is never the key hash itself (issue 20: a departing commitment
// names one destination and one registering account).
func TestDepartureMarkBindsEveryInput(t *testing.T) {
	key, dest, head := hash.Uint64(5), commitment.MustPackVid([]uint8{2}), hash.Uint64(9)
	op := bytes.Repeat([]byte{7}, 20)
	base, err := types.DepartureMark(key, dest, op, head)
	require.NoError(t, err)
	require.False(t, base.Equal(&key))
	for name, other := range map[string]func() (fr.Element, error){
		"key": func() (fr.Element, error) { return types.DepartureMark(hash.Uint64(6), dest, op, head) },
		"dest": func() (fr.Element, error) {
			return types.DepartureMark(key, commitment.MustPackVid([]uint8{3}), op, head)
		},
		"operator": func() (fr.Element, error) { return types.DepartureMark(key, dest, bytes.Repeat([]byte{8}, 20), head) },
		"inbox":    func() (fr.Element, error) { return types.DepartureMark(key, dest, op, hash.Uint64(10)) },
		"length":   func() (fr.Element, error) { return types.DepartureMark(key, dest, append([]byte{0}, op...), head) },
	} {
		m, err := other()
		require.NoError(t, err, name)
		require.False(t, m.Equal(&base), name)
	}
	_, err = types.DepartureMark(key, dest, nil, head)
	require.ErrorIs(t, err, types.ErrInvalidDeparture)
	_, err = types.DepartureMark(key, dest, make([]byte, 33), head)
	require.ErrorIs(t, err, types.ErrInvalidDeparture)
}

// TestDepartingUpdateStateless proves a departing update is refused before any state is read
// when its departure is malformed or when it moves anything but its anchor, report and children
// roots.
func TestDepartingUpdateStateless(t *testing.T) {
	zero := hash.EncodeElement(fr.Element{})
	base := func() *types.MsgSubmitUpdate {
		return &types.MsgSubmitUpdate{
			ChildIndex: 1,
			NewCommitment: slushtypes.CommitmentFields{
				Vid: hash.EncodeElement(commitment.MustPackVid([]uint8{1})), LedgerRoot: zero, OutboxRoot: zero, ReceiptRoot: zero,
				ChildrenRoot: zero, FinalizedChildrenRoot: zero, AnchorCommitment: zero, AcceptanceDigest: zero, OperatorKeyHash: zero,
			},
			Departure: &types.Departure{NewParent: []uint32{2}, NewOperator: "cosmos1x"},
		}
	}
	require.NoError(t, base().ValidateStateless())
	for _, tc := range []struct {
		name   string
		mutate func(*types.MsgSubmitUpdate)
		reason string
	}{
		{"index 0 in the destination", func(m *types.MsgSubmitUpdate) { m.Departure.NewParent = []uint32{0} }, "new_parent"},
		{"index 256 in the destination", func(m *types.MsgSubmitUpdate) { m.Departure.NewParent = []uint32{256} }, "new_parent"},
		{"no room below the destination", func(m *types.MsgSubmitUpdate) {
			m.Departure.NewParent = make([]uint32, commitment.MaxPathDepth)
			for i := range m.Departure.NewParent {
				m.Departure.NewParent[i] = 1
			}
		}, "no room"},
		{"no operator", func(m *types.MsgSubmitUpdate) { m.Departure.NewOperator = "" }, "new_operator"},
		{"an endless operator", func(m *types.MsgSubmitUpdate) {
			m.Departure.NewOperator = string(bytes.Repeat([]byte{'a'}, slushtypes.MaxAddressStringLength+1))
		}, "new_operator"},
		{"a routed message", func(m *types.MsgSubmitUpdate) { m.Routed = []slushtypes.RoutedMessage{{}} }, "routed"},
		{"a forwarded message", func(m *types.MsgSubmitUpdate) { m.Forwarded = [][]byte{zero} }, "routed or forwarded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.mutate(m)
			err := m.ValidateStateless()
			require.Error(t, err)
			require.ErrorContains(t, err, tc.reason)
		})
	}
}

// TestArrivalProofValidate proves the stateless bounds of an arrival proof: 1..16 hops, canonical
// preimages, 8 siblings per hop.
func TestArrivalProofValidate(t *testing.T) {
	zero := hash.EncodeElement(fr.Element{})
	fields := slushtypes.CommitmentFields{
		Vid: zero, LedgerRoot: zero, OutboxRoot: zero, ReceiptRoot: zero, ChildrenRoot: zero, FinalizedChildrenRoot: zero,
		AnchorCommitment: zero, AcceptanceDigest: zero, OperatorKeyHash: zero,
	}
	hop := types.FinalizedHop{Commitment: fields, Siblings: make([][]byte, commitment.ChildrenDepth)}
	ok := types.ArrivalProof{RootHeight: 1, Root: fields, Hops: []types.FinalizedHop{hop}}
	require.NoError(t, ok.Validate())

	noHops := ok
	noHops.Hops = nil
	require.ErrorIs(t, noHops.Validate(), types.ErrInvalidArrival)
	tooMany := ok
	tooMany.Hops = make([]types.FinalizedHop, commitment.MaxPathDepth+1)
	require.ErrorIs(t, tooMany.Validate(), types.ErrInvalidArrival)
	shortHop := ok
	shortHop.Hops = []types.FinalizedHop{{Commitment: fields, Siblings: make([][]byte, 7)}}
	require.ErrorIs(t, shortHop.Validate(), types.ErrInvalidArrival)
	badRoot := ok
	badRoot.Root.LedgerRoot = bytes.Repeat([]byte{0xff}, 32)
	require.ErrorIs(t, badRoot.Validate(), types.ErrInvalidField)
}

// TestGenesisValidateArrivals proves each arrival names a canonical non-root vid once and an
// index in 1..255, and a child's departure is a valid one.
func TestGenesisValidateArrivals(t *testing.T) {
	vid := hash.EncodeElement(commitment.MustPackVid([]uint8{1, 2}))
	for _, tc := range []struct {
		name     string
		arrivals []types.Arrival
		ok       bool
	}{
		{"one", []types.Arrival{{OldVid: vid, Index: 1}}, true},
		{"twice", []types.Arrival{{OldVid: vid, Index: 1}, {OldVid: vid, Index: 2}}, false},
		{"the root", []types.Arrival{{OldVid: hash.EncodeElement(fr.Element{}), Index: 1}}, false},
		{"not a vid", []types.Arrival{{OldVid: hash.EncodeElement(hash.Uint64(1 << 40)), Index: 1}}, false},
		{"non-canonical", []types.Arrival{{OldVid: bytes.Repeat([]byte{0xff}, 32), Index: 1}}, false},
		{"index 0", []types.Arrival{{OldVid: vid, Index: 0}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesisState()
			gs.Arrivals = tc.arrivals
			err := gs.Validate()
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}
