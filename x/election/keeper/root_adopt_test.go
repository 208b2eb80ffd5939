package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/testutil/keepertest"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// elected runs an election on r that elects x (children 1 and 3 vote), the root having
// misbehaved first, so the parent client is frozen.
func (s *rootSetup) elected(t *testing.T, r *replica) {
	t.Helper()
	h1, v1 := s.signer.Encode(t, s.signer.Sign(t, 105, rootHeaderTime(105), []byte("fork-a")))
	h2, v2 := s.signer.Encode(t, s.signer.Sign(t, 105, rootHeaderTime(105), []byte("fork-b")))
	r.at(keepertest.BlockTime, 10)
	_, err := r.treeMsgs.SubmitMisbehaviour(r.ctx, &treetypes.MsgSubmitMisbehaviour{
		Sender: r.submitter, Header1: h1, ValidatorSet1: v1, Header2: h2, ValidatorSet2: v2,
	})
	require.NoError(t, err)
	r.open(s)
	_, err = r.vote(s, s.x, 1)
	require.NoError(t, err)
	res, err := r.vote(s, s.x, 3)
	require.NoError(t, err)
	require.True(t, res.Elected)
}

// adoptMsg is the adoption of epoch 0 with the restarted root's header at height h, signed by
// signer, over a store holding commitment at root height recordHeight.
func (s *rootSetup) adoptMsg(t *testing.T, r *replica, signer *lightclient.Signer, h int64, recordHeight uint64, commitment []byte) *types.MsgAdoptElectedRoot {
	t.Helper()
	appHash, record := newRestartedRoot(t).commit(t, r, recordHeight, commitment)
	header, vals := signer.Encode(t, signer.Sign(t, h, keepertest.BlockTime.Add(-time.Minute), appHash))
	return &types.MsgAdoptElectedRoot{Submitter: r.submitter, Epoch: 0, Header: header, ValidatorSet: vals, Record: record}
}

// TestAdoptElectedRoot proves the election result authorizes what only governance could do
// before (MsgRecoverParentClient): the child's parent client is re-pointed at the restarted root,
// whose header the elected operator's consensus key alone signed and whose own commitment record
// at the base root height is the base commitment; the misbehaviour freeze is lifted, the result
// records the adoption, and the restarted root's next header then syncs as usual.
func TestAdoptElectedRoot(t *testing.T) {
	s := newRootSetup(t)
	r := s.replica(t, 1)
	s.elected(t, r)
	_, frozen, err := r.tree.ParentClientFreeze(r.ctx)
	require.NoError(t, err)
	require.True(t, frozen)
	// the report opened the election for this evidence: EndBlock opens no second one
	require.NoError(t, r.k.EndBlocker(r.ctx))
	_, err = r.query.OpenRootElection(r.ctx, &types.QueryOpenRootElectionRequest{})
	require.Error(t, err, "the freeze's election is decided; none is reopened while it lasts")

	res, err := r.msgs.AdoptElectedRoot(r.ctx, s.adoptMsg(t, r, s.xCons, 91, baseHeight, s.root.RootHash()))
	require.NoError(t, err)
	require.Equal(t, int64(91), res.ParentHeight)
	_, frozen, err = r.tree.ParentClientFreeze(r.ctx)
	require.NoError(t, err)
	require.False(t, frozen, "the freeze is lifted")
	height, _, err := r.tree.TrustedParentHeader(r.ctx)
	require.NoError(t, err)
	require.Equal(t, int64(91), height)
	result, ok := r.result()
	require.True(t, ok)
	require.True(t, result.Adopted)
	require.Equal(t, int64(91), result.AdoptedParentHeight)
	requireTypedEvent(t, r.ctx, &types.EventElectedRootAdopted{
		Epoch: 0, ElectionId: result.ElectionId, ParentHeight: 91, ConsensusPubkey: s.x.ConsensusPubkey, Unfrozen: true,
	})

	// the restarted root's next header (signed by the elected key) and a new record now sync
	restarted := newRestartedRoot(t)
	appHash, record := restarted.commit(t, r, 120, s.root.RootHash())
	header, vals := s.xCons.Encode(t, s.xCons.Sign(t, 92, keepertest.BlockTime.Add(-30*time.Second), appHash))
	_, err = r.treeMsgs.SyncParent(r.ctx, &treetypes.MsgSyncParent{Sender: r.submitter, Header: header, ValidatorSet: vals,
		Records: []treetypes.ParentRecord{record}})
	require.NoError(t, err)

	_, err = r.msgs.AdoptElectedRoot(r.ctx, s.adoptMsg(t, r, s.xCons, 93, baseHeight, s.root.RootHash()))
	require.ErrorIs(t, err, types.ErrRootAdopted, "one adoption per result")
}

// TestAdoptElectedRootRejections proves every check of an adoption, each with its error; a
// refused adoption leaves the parent client frozen on the old root and the result unadopted.
func TestAdoptElectedRootRejections(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    []uint32 // the replica's path (default: child 1 of the root)
		noVote  bool     // no election result
		msg     func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot
		wantErr error
	}{
		{name: "no result for the epoch", noVote: true, msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			return s.adoptMsg(t, r, s.xCons, 91, baseHeight, s.root.RootHash())
		}, wantErr: types.ErrNoRootResult},
		{name: "a grandchild of the root", path: []uint32{1, 2}, noVote: true, msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			return s.adoptMsg(t, r, s.xCons, 91, baseHeight, s.root.RootHash())
		}, wantErr: types.ErrNotRootChild},
		{name: "the header hands over to another set", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			handover := *s.xCons
			handover.NextValidatorsHash = s.signer.Vals.Hash()
			return s.adoptMsg(t, r, &handover, 91, baseHeight, s.root.RootHash())
		}, wantErr: treetypes.ErrNotElectedParent},
		{name: "another epoch", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			m := s.adoptMsg(t, r, s.xCons, 91, baseHeight, s.root.RootHash())
			m.Epoch = 1
			return m
		}, wantErr: types.ErrNoRootResult},
		{name: "signed by another key", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			return s.adoptMsg(t, r, lightclient.NewSignerWithSeed(t, treetypes.RootChainID, "usurper", 1), 91, baseHeight, s.root.RootHash())
		}, wantErr: treetypes.ErrNotElectedParent},
		{name: "the elected key among others", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			two := lightclient.NewSignerWithSeed(t, treetypes.RootChainID, "candidate-x", 2) // candidate-x-0 is x's key
			return s.adoptMsg(t, r, two, 91, baseHeight, s.root.RootHash())
		}, wantErr: treetypes.ErrNotElectedParent},
		{name: "the old root's validators", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			return s.adoptMsg(t, r, s.signer, 91, baseHeight, s.root.RootHash())
		}, wantErr: treetypes.ErrNotElectedParent},
		{name: "a forged commit", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			appHash, record := newRestartedRoot(t).commit(t, r, baseHeight, s.root.RootHash())
			sh := s.xCons.Sign(t, 91, keepertest.BlockTime.Add(-time.Minute), appHash)
			sh.Commit.Signatures[0].Signature[0] ^= 1
			header, vals := s.xCons.Encode(t, sh)
			return &types.MsgAdoptElectedRoot{Submitter: r.submitter, Header: header, ValidatorSet: vals, Record: record}
		}, wantErr: treetypes.ErrInvalidHeader},
		{name: "another chain", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			other := lightclient.NewSignerWithSeed(t, "slush-other", "candidate-x", 1)
			return s.adoptMsg(t, r, other, 91, baseHeight, s.root.RootHash())
		}, wantErr: treetypes.ErrWrongParentChain},
		{name: "a header from the future", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			appHash, record := newRestartedRoot(t).commit(t, r, baseHeight, s.root.RootHash())
			header, vals := s.xCons.Encode(t, s.xCons.Sign(t, 91, keepertest.BlockTime.Add(time.Hour), appHash))
			return &types.MsgAdoptElectedRoot{Submitter: r.submitter, Header: header, ValidatorSet: vals, Record: record}
		}, wantErr: treetypes.ErrParentClientNotCurrent},
		{name: "the record is at another root height", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			return s.adoptMsg(t, r, s.xCons, 91, baseHeight+1, s.root.RootHash())
		}, wantErr: treetypes.ErrNotElectionBase},
		{name: "the restarted root holds another commitment at the base", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			other, err := newRootSetupTree(99)
			require.NoError(t, err)
			return s.adoptMsg(t, r, s.xCons, 91, baseHeight, other)
		}, wantErr: treetypes.ErrNotElectionBase},
		{name: "the record is not proven under the header", msg: func(t *testing.T, s *rootSetup, r *replica) *types.MsgAdoptElectedRoot {
			m := s.adoptMsg(t, r, s.xCons, 91, baseHeight, s.root.RootHash())
			p := newRestartedRoot(t) // another store: its proof opens another app hash
			p.commit(t, r, 7, s.root.RootHash())
			_, m.Record = p.commit(t, r, baseHeight, s.root.RootHash())
			return m
		}, wantErr: treetypes.ErrInvalidRecordProof},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newRootSetup(t)
			path := tc.path
			if path == nil {
				path = []uint32{1}
			}
			r := s.replica(t, path...)
			if tc.noVote {
				r.at(keepertest.BlockTime, 10)
			} else {
				s.elected(t, r)
			}
			beforeHeight, _, err := r.tree.TrustedParentHeader(r.ctx)
			require.NoError(t, err)
			_, err = r.msgs.AdoptElectedRoot(r.ctx, tc.msg(t, s, r))
			require.ErrorIs(t, err, tc.wantErr)
			afterHeight, _, err := r.tree.TrustedParentHeader(r.ctx)
			require.NoError(t, err)
			require.Equal(t, beforeHeight, afterHeight, "the client still trusts the old root")
			if result, ok := r.result(); ok {
				require.False(t, result.Adopted)
				_, frozen, err := r.tree.ParentClientFreeze(r.ctx)
				require.NoError(t, err)
				require.True(t, frozen, "still frozen")
			}
		})
	}
}

// newRootSetupTree is the root commitment of another tree of the same shape.
func newRootSetupTree(seed uint64) ([]byte, error) {
	other, err := testutil.NewTree(nil, rootShape, baseHeight, seed)
	if err != nil {
		return nil, err
	}
	return other.RootHash(), nil
}
