package types_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// TestGenesisValidate proves Validate refuses invalid params and malformed route records (the
// tree identity is x/tree's genesis now, validated there).
func TestGenesisValidate(t *testing.T) {
	route := types.RouteRecord{MessageHash: bytes.Repeat([]byte{0}, 31), Status: slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP}
	route.MessageHash = append(route.MessageHash, 1)
	cases := []struct {
		name     string
		mutate   func(*types.GenesisState)
		wantErr  error
		contains string
	}{
		{"default is valid", func(*types.GenesisState) {}, nil, ""},
		{"zero verification gas", func(gs *types.GenesisState) { gs.Params.VerifyGasFlat = 0 }, types.ErrInvalidParams, "verify_gas_flat"},
		{"invalid bond denom", func(gs *types.GenesisState) { gs.Params.MinChildBond.Denom = "!" }, types.ErrInvalidParams, "min_child_bond"},
		{"zero forced-op deadline", func(gs *types.GenesisState) { gs.Params.ForcedOpDeadline = 0 }, types.ErrInvalidParams, "forced_op_deadline"},
		{"zero batches per update", func(gs *types.GenesisState) { gs.Params.MaxBatchesPerUpdate = 0 }, types.ErrInvalidParams, "max_batches_per_update"},
		{"batches per update above the cap", func(gs *types.GenesisState) {
			gs.Params.MaxBatchesPerUpdate = types.MaxBatchesPerUpdateCap + 1
		}, types.ErrInvalidParams, "max_batches_per_update"},
		{"batches per update at the cap", func(gs *types.GenesisState) { gs.Params.MaxBatchesPerUpdate = types.MaxBatchesPerUpdateCap }, nil, ""},
		{"ledger key hash of 31 bytes", func(gs *types.GenesisState) { gs.Params.LedgerKeyHash = make([]byte, 31) }, types.ErrInvalidParams, "ledger_key_hash"},
		{"transfer key hash of 33 bytes", func(gs *types.GenesisState) { gs.Params.TransferKeyHash = make([]byte, 33) }, types.ErrInvalidParams, "transfer_key_hash"},
		{"pinned ledger keys", func(gs *types.GenesisState) {
			gs.Params.LedgerKeyHash, gs.Params.TransferKeyHash = make([]byte, 32), make([]byte, 32)
		}, nil, ""},
		{"a route record", func(gs *types.GenesisState) { gs.Routes = []types.RouteRecord{route} }, nil, ""},
		{"zero forced-withdrawal fee", func(gs *types.GenesisState) {
			gs.Params.ForcedWithdrawalFee = sdk.NewInt64Coin("stake", 0)
		}, types.ErrInvalidParams, "forced_withdrawal_fee"},
		{"no forced-withdrawal fee", func(gs *types.GenesisState) { gs.Params.ForcedWithdrawalFee = sdk.Coin{} }, types.ErrInvalidParams, "forced_withdrawal_fee"},
		{"a route with a non-canonical hash", func(gs *types.GenesisState) {
			r := route
			r.MessageHash = bytes.Repeat([]byte{0xff}, 32)
			gs.Routes = []types.RouteRecord{r}
		}, types.ErrInvalidGenesis, "route 0"},
		{"a route with a status routes never have", func(gs *types.GenesisState) {
			r := route
			r.Status = slushtypes.MessageStatus_MESSAGE_STATUS_SENT
			gs.Routes = []types.RouteRecord{route, r}
		}, types.ErrInvalidGenesis, "route 1: status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesisState()
			tc.mutate(gs)
			err := gs.Validate()
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			require.ErrorContains(t, err, tc.contains)
		})
	}
}

// TestGenesisValidateSnapshotEntries proves a snapshot entry (DESIGN §9 rollback) must name a known
// child, a kept snapshot of it and a canonical hash the child consumed, and appear once.
func TestGenesisValidateSnapshotEntries(t *testing.T) {
	commit, other, entry := bytes.Repeat([]byte{0}, 32), bytes.Repeat([]byte{0}, 32), bytes.Repeat([]byte{0}, 32)
	commit[31], other[31], entry[31] = 1, 2, 3
	valid := func() *types.GenesisState {
		gs := types.DefaultGenesisState()
		gs.Children = []types.Child{{
			Index: 1, Operator: sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(), Bond: types.DefaultMinChildBond,
			Status: types.ChildStatus_CHILD_STATUS_ACTIVE, LatestCommitment: commit, VerifyingKey: []byte{1},
		}}
		gs.Snapshots = []types.Child{{Index: 1, LatestCommitment: commit}}
		gs.ConsumedEntries = []types.ConsumedEntry{{ChildIndex: 1, PayloadHash: entry}}
		gs.SnapshotEntries = []types.SnapshotEntry{{ChildIndex: 1, Commitment: commit, PayloadHash: entry}}
		return gs
	}
	cases := []struct {
		name     string
		mutate   func(*types.GenesisState)
		contains string
	}{
		{"valid", func(*types.GenesisState) {}, ""},
		{"unknown child", func(gs *types.GenesisState) { gs.SnapshotEntries[0].ChildIndex = 2 }, "unknown child 2"},
		{"no snapshot for the commitment", func(gs *types.GenesisState) { gs.SnapshotEntries[0].Commitment = other }, "no snapshot"},
		{"hash above the modulus", func(gs *types.GenesisState) {
			gs.SnapshotEntries[0].PayloadHash = bytes.Repeat([]byte{0xff}, 32)
		}, "payload hash"},
		{"short hash", func(gs *types.GenesisState) { gs.SnapshotEntries[0].PayloadHash = entry[1:] }, "payload hash"},
		{"not a consumed entry", func(gs *types.GenesisState) { gs.ConsumedEntries = nil }, "not a consumed entry"},
		{"duplicate", func(gs *types.GenesisState) {
			gs.SnapshotEntries = append(gs.SnapshotEntries, gs.SnapshotEntries[0])
		}, "duplicate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := valid()
			tc.mutate(gs)
			err := gs.Validate()
			if tc.contains == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.contains)
		})
	}
}

// TestGenesisValidateArrivedFrom proves a child's arrived_from (docs/PROTOCOL.md "Re-parenting")
// must be a valid path whose vid has an arrival record at the child's index.
func TestGenesisValidateArrivedFrom(t *testing.T) {
	oldVid, err := slushtypes.Path{1, 2}.Vid()
	require.NoError(t, err)
	valid := func() *types.GenesisState {
		gs := types.DefaultGenesisState()
		gs.Children = []types.Child{{
			Index: 1, Operator: sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(), Bond: types.DefaultMinChildBond,
			Status: types.ChildStatus_CHILD_STATUS_ACTIVE, VerifyingKey: []byte{1}, ArrivedFrom: []uint32{1, 2},
		}}
		gs.Arrivals = []types.Arrival{{OldVid: hash.EncodeElement(oldVid), Index: 1}}
		return gs
	}
	for _, tc := range []struct {
		name     string
		mutate   func(*types.GenesisState)
		contains string
	}{
		{"valid", func(*types.GenesisState) {}, ""},
		{"never moved", func(gs *types.GenesisState) { gs.Children[0].ArrivedFrom = nil }, ""},
		{"index 0", func(gs *types.GenesisState) { gs.Children[0].ArrivedFrom = []uint32{1, 0} }, "child 1 arrived_from"},
		{"index above 255", func(gs *types.GenesisState) { gs.Children[0].ArrivedFrom = []uint32{256} }, "child 1 arrived_from"},
		{"deeper than the maximum", func(gs *types.GenesisState) {
			gs.Children[0].ArrivedFrom = make([]uint32, slushtypes.MaxDepth+1)
		}, "child 1 arrived_from"},
		{"no arrival record", func(gs *types.GenesisState) { gs.Arrivals = nil }, "without an arrival record"},
		{"arrival record of another path", func(gs *types.GenesisState) { gs.Children[0].ArrivedFrom = []uint32{1, 3} }, "without an arrival record"},
		{"arrival record at another index", func(gs *types.GenesisState) { gs.Arrivals[0].Index = 2 }, "without an arrival record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := valid()
			tc.mutate(gs)
			err := gs.Validate()
			if tc.contains == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.contains)
		})
	}
}
