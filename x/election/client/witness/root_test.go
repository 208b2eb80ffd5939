package witness_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/testutil/lightclient"
	"github.com/slush-tree/slush/x/election/client/witness"
	"github.com/slush-tree/slush/x/election/testutil"
	"github.com/slush-tree/slush/x/election/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// electedRoot is the candidate the root tests vote for.
func electedRoot(t *testing.T) types.RootCandidate {
	t.Helper()
	keyHash, _ := testutil.KeyHash("new root operator")
	return types.RootCandidate{
		OperatorKeyHash: keyHash, ConsensusPubkey: cmted25519.GenPrivKeyFromSecret([]byte("elected root")).PubKey().Bytes(),
	}
}

// TestRootReportAndVoteOnChains runs the descendants' side of a root re-election (DESIGN §10) on
// three real in-process chains root → v = 1 → w = 1-1, reading every proof input through ABCI
// queries: a witness against the root commitment v verified is saved while the root answers (with
// the root's preimage and histogram), survives its file, names the base of v's replica in a real
// report transaction, and w's and v's votes (real transactions) elect the candidate: v, a child
// of the root with weight 2 of b_root − 1 = 2, settles it.
func TestRootReportAndVoteOnChains(t *testing.T) {
	root := apptesting.NewChain(t, treetypes.RootIdentity(), 2)
	v := newNode(t, []uint32{1}, "slush-root")
	w := newNode(t, []uint32{1, 1}, "slush-1")
	for root.App.LastBlockHeight() < 6 {
		root.NextBlock()
	}
	w.commit(t, root, 1)
	accept(t, v.chain, 1, w.keyHash(), w.own.Commitment, 1, w.hist, w.b)
	v.commit(t, root, 2)
	require.Equal(t, uint64(2), v.b)
	accept(t, root, 1, v.keyHash(), v.own.Commitment, 2, v.hist, v.b)
	root.NextBlock()
	base := uint64(root.App.LastBlockHeight())
	rc, err := root.App.TreeKeeper.Commitments.Get(root.Context(), int64(base))
	require.NoError(t, err)
	require.NoError(t, v.chain.App.TreeKeeper.RecordRootCommitment(v.chain.Context(), base, rc.Commitment))
	// misbehaviour opened v's replica without a base (EndBlock does, on a freeze): the report names it
	ctx := v.chain.Context()
	require.NoError(t, v.chain.App.ElectionKeeper.RootElections.Set(ctx, 1, types.RootElection{
		Id: 1, Reason: types.RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR, OpenedHeight: ctx.BlockHeight(),
		DeadlineUnix: ctx.BlockTime().Unix() + 3600, Status: types.RootElectionStatus_ROOT_ELECTION_STATUS_OPEN,
		EvidenceHash: testutil.Element(0xe),
	}))
	require.NoError(t, v.chain.App.ElectionKeeper.OpenRootElection.Set(ctx, 1))
	v.chain.NextBlock()

	bg := context.Background()
	rootQ := witness.QueryChain{Name: root.ChainID, ABCI: root}
	_, err = witness.RootBaseTarget(bg, w.query(), base)
	require.ErrorContains(t, err, "not a child of the root")
	_, err = witness.RootBaseTarget(bg, v.query(), base+100)
	require.ErrorContains(t, err, "has not verified")
	target, err := witness.RootBaseTarget(bg, v.query(), base)
	require.NoError(t, err)
	require.Equal(t, rc.Commitment, target.Commitment)
	ww, err := witness.Build(bg, target, []witness.Level{rootQ, v.query(), w.query()}, true)
	require.NoError(t, err)
	require.Equal(t, []uint8{1, 1}, ww.Prover.Path)
	rootBase, err := witness.BuildRootBase(bg, target, rootQ)
	require.NoError(t, err)
	ww.Root = &rootBase
	_, err = witness.BuildRootBase(bg, target, v.query())
	require.Error(t, err, "only the root holds its preimage")

	// the saved witness is the same witness
	bz, err := ww.MarshalJSON()
	require.NoError(t, err)
	loaded, err := witness.UnmarshalWitness(bz)
	require.NoError(t, err)
	require.Equal(t, rootBase, *loaded.Root)
	require.Equal(t, ww.Histogram, loaded.Histogram)
	tampered := bytes.Replace(bz, []byte(`"root_histogram": [`), []byte(`"root_histogram": [{"height": 1, "count": 1},`), 1)
	_, err = witness.UnmarshalWitness(tampered)
	require.ErrorContains(t, err, "root base", "a root histogram its commitment does not bind")

	report, err := witness.NewRootReport(*loaded.Root, v.chain.Address(1).String())
	require.NoError(t, err)
	deliver(t, v.chain, v.chain.SignTx(1, 0, report))
	election, err := v.query().OpenRootElection(bg)
	require.NoError(t, err)
	require.Equal(t, base, election.BaseRootHeight)
	require.Equal(t, uint64(3), election.Subtree, "b_root counts the root, v and w")

	vt, err := witness.RootElectionTarget(bg, v.query())
	require.NoError(t, err)
	candidate := electedRoot(t)
	_, err = witness.NewRootVote(vt, loaded, candidate, v.key, v.chain.Address(1).String())
	require.ErrorContains(t, err, "commitment carries", "v's key cannot sign w's vote")
	bad := candidate
	bad.ConsensusPubkey = bad.ConsensusPubkey[:31]
	_, err = witness.NewRootVote(vt, loaded, bad, w.key, v.chain.Address(1).String())
	require.ErrorIs(t, err, types.ErrInvalidCandidate)
	voteW, err := witness.NewRootVote(vt, loaded, candidate, w.key, v.chain.Address(1).String())
	require.NoError(t, err)
	deliver(t, v.chain, v.chain.SignTx(1, 1, voteW))
	_, err = v.query().RootResult(bg, 0)
	require.Error(t, err, "w's vote (weight 1, not settled) elects no one")

	wv, err := witness.Build(bg, vt, []witness.Level{rootQ, v.query()}, true)
	require.NoError(t, err)
	voteV, err := witness.NewRootVote(vt, wv, candidate, v.key, v.chain.Address(1).String())
	require.NoError(t, err)
	deliver(t, v.chain, v.chain.SignTx(1, 2, voteV))
	result, err := v.query().RootResult(bg, 0)
	require.NoError(t, err)
	require.Equal(t, candidate, result.Elected)
	require.Equal(t, base, result.BaseRootHeight)
	require.Equal(t, rc.Commitment, result.BaseCommitment)
	require.True(t, result.Settled)
	_, err = witness.RootElectionTarget(bg, v.query())
	require.Error(t, err, "no election is open once it elected")
}

// fakeRoot is a restarted root's node answering from memory.
type fakeRoot struct {
	t      *testing.T
	height int64
	signer *lightclient.Signer
	value  []byte
	err    error
}

func (f fakeRoot) Height(context.Context) (int64, error) { return f.height, f.err }

func (f fakeRoot) SignedHeader(_ context.Context, h int64) (*cmttypes.SignedHeader, error) {
	return f.signer.Sign(f.t, h, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), bytes.Repeat([]byte{7}, 32)), nil
}

func (f fakeRoot) ValidatorSet(context.Context, int64) (*cmttypes.ValidatorSet, error) {
	return f.signer.Vals, nil
}

func (f fakeRoot) StoreProof(_ context.Context, store string, _ []byte, _ int64) ([]byte, []byte, error) {
	if store != treetypes.StoreKey {
		return nil, nil, errors.New("another store")
	}
	return f.value, nil, nil
}

// TestNewAdoptRoot: the adoption carries the restarted root's latest header and validator set and
// its base record; a set that is not the elected key alone, a root without the record, or one
// too young is refused before anything is sent (the replica checks the signature and the proof).
func TestNewAdoptRoot(t *testing.T) {
	elected := lightclient.NewSignerWithSeed(t, "slush-root", "elected", 1)
	other := lightclient.NewSignerWithSeed(t, "slush-root", "old", 1)
	result := types.RootElectionResult{
		Epoch: 0, BaseRootHeight: 40, BaseCommitment: testutil.Element(9),
		Elected: types.RootCandidate{OperatorKeyHash: testutil.Element(5), ConsensusPubkey: elected.Vals.Validators[0].PubKey.Bytes()},
	}
	for _, tc := range []struct {
		name string
		root fakeRoot
		want string
	}{
		{"adopted", fakeRoot{height: 50, signer: elected, value: []byte{1}}, ""},
		{"not the elected key", fakeRoot{height: 50, signer: other, value: []byte{1}}, "not the elected consensus key"},
		{"no base record", fakeRoot{height: 50, signer: elected}, "holds no commitment at the base root height 40"},
		{"too young", fakeRoot{height: 1, signer: elected, value: []byte{1}}, "wait for its second block"},
		{"unreachable", fakeRoot{signer: elected, err: errors.New("connection refused")}, "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.root.t = t
			msg, err := witness.NewAdoptRoot(context.Background(), result, tc.root, "slush1submitter")
			if tc.want != "" {
				require.ErrorContains(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, uint64(0), msg.Epoch)
			require.Equal(t, uint64(40), msg.Record.RootHeight)
			header, vals := elected.Encode(t, elected.Sign(t, 50, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), bytes.Repeat([]byte{7}, 32)))
			require.Equal(t, header, msg.Header)
			require.Equal(t, vals, msg.ValidatorSet)
		})
	}
}
