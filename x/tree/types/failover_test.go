package types_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/tree/types"
)

// commitmentOf is a distinct canonical commitment per n.
func commitmentOf(n uint64) []byte { return hash.EncodeElement(hash.Uint64(n)) }

// exportedChild is child 2 of slush-1 at epoch 3, with own commitments A at 5, B at 6 and 7, C at 8.
func exportedChild() types.GenesisState {
	return types.GenesisState{
		Identity: types.TreeIdentity{
			Path: []uint32{1, 2}, ParentChainId: "slush-1", MaxChildren: 3, MaxDepth: 16, Epoch: 3,
			OperatorKeyHash: commitmentOf(100),
		},
		Commitments: []types.OwnCommitment{
			{Height: 5, Commitment: commitmentOf(1)}, {Height: 6, Commitment: commitmentOf(2)},
			{Height: 7, Commitment: commitmentOf(2)}, {Height: 8, Commitment: commitmentOf(3)},
		},
	}
}

// TestExportedChild: only a child's export taken at its newest own commitment restarts it.
func TestExportedChild(t *testing.T) {
	root := exportedChild()
	root.Identity = types.RootIdentity()
	empty := exportedChild()
	empty.Commitments = nil
	unordered := exportedChild()
	unordered.Commitments = append([]types.OwnCommitment{unordered.Commitments[3]}, unordered.Commitments[:3]...)
	for _, tc := range []struct {
		name    string
		gs      types.GenesisState
		initial int64
		err     string
	}{
		{"restart after the newest", exportedChild(), 9, ""},
		{"the newest is found in any order", unordered, 9, ""},
		{"a root", root, 9, "root chain"},
		{"no own commitment", empty, 9, "holds no own commitment"},
		{"exported later than the newest", exportedChild(), 10, "starts at height 10 but its newest own commitment is of height 8: export with --height 8"},
		{"exported earlier than the newest", exportedChild(), 8, "export with --height 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			index, newest, err := tc.gs.ExportedChild(tc.initial)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, uint32(2), index)
			require.Equal(t, types.OwnCommitment{Height: 8, Commitment: commitmentOf(3)}, newest)
		})
	}
}

// TestCheckParent: p must be the chain the identity names as its parent.
func TestCheckParent(t *testing.T) {
	id := exportedChild().Identity
	require.NoError(t, id.CheckParent("slush-1"))
	require.ErrorContains(t, id.CheckParent("slush-2"), `p serves chain "slush-2"; the export's parent is "slush-1"`)
}

// TestCheckParentCommitment: p must hold the export's newest commitment, and a mismatch names
// the export height p's commitment calls for.
func TestCheckParentCommitment(t *testing.T) {
	gs := exportedChild()
	newest := gs.Commitments[3]
	for _, tc := range []struct {
		name string
		p    []byte
		err  string
	}{
		{"the newest", commitmentOf(3), ""},
		{"of one height", commitmentOf(1), "that commitment was made at height 5: export with --height 5"},
		{"of several heights", commitmentOf(2), "made at height 6 and stood through height 7: export with --height 6 (or any height up to 7)"},
		{"not in the export", bytes.Repeat([]byte{1}, 32), "export at the height of commitment 0101"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := gs.CheckParentCommitment(newest, tc.p)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, "is not p's commitment of child 2")
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestReelected: the identity takes p's higher epoch and elected key hash, and nothing else.
func TestReelected(t *testing.T) {
	id := exportedChild().Identity
	elected := commitmentOf(200)
	next, err := id.Reelected(4, elected)
	require.NoError(t, err)
	want := id
	want.Epoch, want.OperatorKeyHash = 4, elected
	require.Equal(t, want, next)
	require.Equal(t, commitmentOf(100), id.OperatorKeyHash, "the old identity is untouched")
	next.Path[0] = 9
	require.Equal(t, uint32(1), id.Path[0], "the new identity shares no slice with the old")

	root := types.RootIdentity()
	for _, tc := range []struct {
		name    string
		id      types.TreeIdentity
		epoch   uint64
		keyHash []byte
		err     string
	}{
		{"same epoch", id, 3, elected, "p's epoch of child 2 is 3, the export's is 3: p elected no new operator"},
		{"older epoch", id, 2, elected, "p elected no new operator"},
		{"non-canonical key hash", id, 4, bytes.Repeat([]byte{0xff}, 32), "p's operator key hash of child 2"},
		{"short key hash", id, 4, elected[1:], "p's operator key hash of child 2"},
		{"a root", root, 1, elected, "root chain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.id.Reelected(tc.epoch, tc.keyHash)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestArrived: a chain that arrived at q takes q's path plus its index and q's chain-id, loses
// any prepared departure, keeps its epoch and key hash; a root or a bad new path is refused.
func TestArrived(t *testing.T) {
	id := exportedChild().Identity
	id.Departure = &types.Departure{NewParent: []uint32{3}, NewOperator: "someone"}
	shallow := id
	shallow.MaxDepth = 2
	next, err := id.Arrived([]uint32{2}, 3, "slush-2")
	require.NoError(t, err)
	want := exportedChild().Identity
	want.Path, want.ParentChainId = []uint32{2, 3}, "slush-2"
	require.Equal(t, want, next)
	require.Equal(t, []uint32{1, 2}, id.Path, "the identity is not modified")
	under, err := id.Arrived(nil, 4, "slush-root")
	require.NoError(t, err)
	require.Equal(t, []uint32{4}, under.Path, "a child of the root")
	for _, tc := range []struct {
		name    string
		id      types.TreeIdentity
		parent  []uint32
		index   uint32
		chainID string
		err     string
	}{
		{"a root", types.RootIdentity(), []uint32{2}, 3, "slush-2", "a root has no parent to leave"},
		{"index 0", id, []uint32{2}, 0, "slush-2", "new path"},
		{"index above 255", id, []uint32{2}, 256, "slush-2", "new path"},
		{"its own place", id, []uint32{1}, 2, "slush-1", "already at 1-2"},
		{"no chain-id", id, []uint32{2}, 3, "", "chain-id is empty"},
		{"deeper than max_depth", shallow, []uint32{2, 1}, 3, "slush-2-1", "exceeds max_depth 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.id.Arrived(tc.parent, tc.index, tc.chainID)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// TestCheckArrivedClient: q's client must be a canonical state of q, current at the genesis time
// under the export's parent sync params.
func TestCheckArrivedClient(t *testing.T) {
	gs := exportedChild()
	gs.ParentSync = types.DefaultParentSyncParams()
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	q := lightclient.NewSigner(t, "slush-2", 1)
	state, err := gs.CheckArrivedClient(q.Trusted(t, 50, now.Add(-time.Minute), []byte("app")), "slush-2", now)
	require.NoError(t, err)
	require.Equal(t, int64(50), state.Height)
	for _, tc := range []struct {
		name   string
		client []byte
		err    error
	}{
		{"empty", nil, types.ErrInvalidParentClient},
		{"malformed", []byte("junk"), types.ErrInvalidParentClient},
		{"of another chain", lightclient.NewSigner(t, "slush-3", 1).Trusted(t, 50, now.Add(-time.Minute), []byte("app")), types.ErrWrongParentChain},
		{"expired", q.Trusted(t, 50, now.Add(-15*24*time.Hour), []byte("app")), types.ErrParentClientNotCurrent},
		{"from the future", q.Trusted(t, 50, now.Add(time.Hour), []byte("app")), types.ErrParentClientNotCurrent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gs.CheckArrivedClient(tc.client, "slush-2", now)
			require.ErrorIs(t, err, tc.err)
		})
	}
}
