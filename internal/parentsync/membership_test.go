package parentsync_test

import (
	"bytes"
	"context"
	"testing"

	treetypes "github.com/slush-tree/slush/x/tree/types"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/slush-tree/slush/app/apptesting"
	"github.com/slush-tree/slush/internal/parentsync"
)

// parentApp is a real Slush root app that ran a few blocks, with the app hash each block
// committed (appHashes[h] is what FinalizeBlock(h) returned: the AppHash of header h+1).
type parentApp struct {
	chain     *apptesting.Chain
	appHashes map[int64][]byte
}

// newParentApp runs a root chain for blocks blocks.
func newParentApp(t testing.TB, blocks int) *parentApp {
	t.Helper()
	p := &parentApp{chain: apptesting.NewChain(t, treetypes.RootIdentity(), 1), appHashes: map[int64][]byte{}}
	for range blocks {
		_, appHash := p.chain.NextBlock()
		p.appHashes[p.chain.App.LastBlockHeight()] = appHash
	}
	require.Equal(t, p.appHashes[p.chain.App.LastBlockHeight()], p.chain.App.LastCommitID().Hash)
	return p
}

// commitmentKey is the x/tree store key of the parent's own commitment record at height h:
// the Commitments map's prefix and the collections.Int64Key encoding of h.
func commitmentKey(t testing.TB, h int64) []byte {
	t.Helper()
	key, err := collections.EncodeKeyWithPrefix(treetypes.CommitmentsKey, collections.Int64Key, h)
	require.NoError(t, err)
	return key
}

// commitmentRecord is the key and the proto value of the parent's commitment record for h,
// computed from the keeper's typed record, as a child's keeper would from the claimed record.
func (p *parentApp) commitmentRecord(t testing.TB, h int64) (key, value []byte) {
	t.Helper()
	c, err := p.chain.App.TreeKeeper.Commitments.Get(p.chain.Context(), h)
	require.NoError(t, err, "the parent wrote its commitment for height %d", h)
	value, err = p.chain.App.AppCodec().Marshal(&c)
	require.NoError(t, err)
	return commitmentKey(t, h), value
}

// query is the relayer's ABCI query: store tree, key, at height h, with a proof.
func (p *parentApp) query(t testing.TB, key []byte, h int64) (*cmtcrypto.ProofOps, []byte) {
	t.Helper()
	res, err := p.chain.App.Query(context.Background(), &abci.RequestQuery{
		Path: "/store/" + treetypes.StoreKey + "/key", Data: key, Height: h, Prove: true,
	})
	require.NoError(t, err)
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, h, res.Height)
	require.NotNil(t, res.ProofOps)
	return res.ProofOps, res.Value
}

// cloneOps deep-copies proof ops so a case can edit them.
func cloneOps(ops *cmtcrypto.ProofOps) *cmtcrypto.ProofOps {
	out := &cmtcrypto.ProofOps{}
	for _, op := range ops.Ops {
		out.Ops = append(out.Ops, cmtcrypto.ProofOp{Type: op.Type, Key: bytes.Clone(op.Key), Data: bytes.Clone(op.Data)})
	}
	return out
}

func TestVerifyMembershipRealProof(t *testing.T) {
	p := newParentApp(t, 5)
	const h = 4
	key, value := p.commitmentRecord(t, h)
	proof, stored := p.query(t, key, h)
	require.Equal(t, value, stored, "the record the keeper computes is the stored value")
	require.NoError(t, parentsync.VerifyMembership(p.appHashes[h], proof, treetypes.StoreKey, key, value))

	size := 0
	for _, op := range proof.Ops {
		size += len(op.Type) + len(op.Key) + len(op.Data)
	}
	t.Logf("real proof: %d ops, %d bytes (bound %d)", len(proof.Ops), size, parentsync.MaxProofBytes)

	_, otherValue := p.commitmentRecord(t, h-1)
	otherKey, _ := p.commitmentRecord(t, h-1)
	forgedKey := cloneOps(proof) // the op claims the other key; its ICS23 proof is still for key
	forgedKey.Ops[0].Key = otherKey
	truncated := cloneOps(proof)
	truncated.Ops[0].Data = truncated.Ops[0].Data[:len(truncated.Ops[0].Data)/2]
	oneOp := cloneOps(proof)
	oneOp.Ops = oneOp.Ops[:1]
	swapped := cloneOps(proof)
	swapped.Ops[0], swapped.Ops[1] = swapped.Ops[1], swapped.Ops[0]
	oversized := cloneOps(proof)
	oversized.Ops[0].Data = append(oversized.Ops[0].Data, make([]byte, parentsync.MaxProofBytes)...)
	threeOps := cloneOps(proof)
	threeOps.Ops = append(threeOps.Ops, threeOps.Ops[1])
	otherStore := cloneOps(proof)
	otherStore.Ops[1].Key = []byte("bank")
	flippedValue := append([]byte{}, value...)
	flippedValue[len(flippedValue)-1] ^= 1

	cases := []struct {
		name     string
		appHash  []byte
		proof    *cmtcrypto.ProofOps
		storeKey string
		key      []byte
		value    []byte
		wantErr  error
	}{
		{"valid", p.appHashes[h], proof, treetypes.StoreKey, key, value, nil},
		{"wrong value (another height's record)", p.appHashes[h], proof, treetypes.StoreKey, key, otherValue,
			parentsync.ErrProofMismatch},
		{"one bit of the value flipped", p.appHashes[h], proof, treetypes.StoreKey, key, flippedValue,
			parentsync.ErrProofMismatch},
		{"empty value", p.appHashes[h], proof, treetypes.StoreKey, key, nil, parentsync.ErrInvalidPath},
		{"wrong key", p.appHashes[h], proof, treetypes.StoreKey, otherKey, value, parentsync.ErrKeyMismatch},
		{"op relabelled with another key", p.appHashes[h], forgedKey, treetypes.StoreKey, otherKey, value,
			parentsync.ErrProofMismatch},
		{"wrong store key", p.appHashes[h], proof, "bank", key, value, parentsync.ErrKeyMismatch},
		{"multistore op relabelled with another store", p.appHashes[h], otherStore, "bank", key, value,
			parentsync.ErrProofMismatch},
		{"app hash of the previous block", p.appHashes[h-1], proof, treetypes.StoreKey, key, value,
			parentsync.ErrAppHashMismatch},
		{"app hash of the next block", p.appHashes[h+1], proof, treetypes.StoreKey, key, value,
			parentsync.ErrAppHashMismatch},
		{"empty app hash", nil, proof, treetypes.StoreKey, key, value, parentsync.ErrAppHashMismatch},
		{"truncated op data", p.appHashes[h], truncated, treetypes.StoreKey, key, value, parentsync.ErrMalformedProof},
		{"multistore op dropped", p.appHashes[h], oneOp, treetypes.StoreKey, key, value, parentsync.ErrMalformedProof},
		{"ops swapped", p.appHashes[h], swapped, treetypes.StoreKey, key, value, parentsync.ErrMalformedProof},
		{"nil proof", p.appHashes[h], nil, treetypes.StoreKey, key, value, parentsync.ErrMalformedProof},
		{"oversized op", p.appHashes[h], oversized, treetypes.StoreKey, key, value, parentsync.ErrProofTooLarge},
		{"three ops", p.appHashes[h], threeOps, treetypes.StoreKey, key, value, parentsync.ErrProofTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() {
				err = parentsync.VerifyMembership(tc.appHash, tc.proof, tc.storeKey, tc.key, tc.value)
			})
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

// TestProofHeightSemantics pins which app hash a query at height h proves against: the one
// block h committed (header h+1's AppHash), which holds the record block h wrote; the state
// block h-1 committed does not hold it yet.
func TestProofHeightSemantics(t *testing.T) {
	p := newParentApp(t, 6)
	for h := int64(3); h <= 5; h++ {
		key, value := p.commitmentRecord(t, h)
		proof, _ := p.query(t, key, h)
		require.NoError(t, parentsync.VerifyMembership(p.appHashes[h], proof, treetypes.StoreKey, key, value))
		for _, other := range []int64{h - 1, h + 1} {
			require.ErrorIs(t, parentsync.VerifyMembership(p.appHashes[other], proof, treetypes.StoreKey, key, value),
				parentsync.ErrAppHashMismatch)
		}
		_, before := p.query(t, key, h-1)
		require.Nil(t, before, "block %d's record is not in the state block %d committed", h, h-1)
	}
}

func TestVerifyNonMembershipRealProof(t *testing.T) {
	p := newParentApp(t, 4)
	const h = 3
	missing := commitmentKey(t, 0) // never written; its neighbours are LogLength and commitment 1
	absent, value := p.query(t, missing, h)
	require.Nil(t, value)
	require.NoError(t, parentsync.VerifyNonMembership(p.appHashes[h], absent, treetypes.StoreKey, missing))

	key, recValue := p.commitmentRecord(t, h)
	present, _ := p.query(t, key, h)
	require.ErrorIs(t, parentsync.VerifyNonMembership(p.appHashes[h], present, treetypes.StoreKey, key),
		parentsync.ErrMalformedProof, "an existence proof is not an absence proof")
	require.ErrorIs(t, parentsync.VerifyMembership(p.appHashes[h], absent, treetypes.StoreKey, missing, recValue),
		parentsync.ErrMalformedProof, "an absence proof is not an existence proof")
	require.ErrorIs(t, parentsync.VerifyNonMembership(p.appHashes[h-1], absent, treetypes.StoreKey, missing),
		parentsync.ErrAppHashMismatch)

	// The absence proof of one key says nothing about a key that exists (its neighbours differ).
	relabelled := cloneOps(absent)
	relabelled.Ops[0].Key = key
	require.ErrorIs(t, parentsync.VerifyNonMembership(p.appHashes[h], relabelled, treetypes.StoreKey, key),
		parentsync.ErrProofMismatch)

	// The absence of a future height's record is provable: in x/tree's store the key after the
	// last commitment is a CommitmentHeights entry (prefix 4), a leaf with a value. (ICS23 cannot
	// prove a neighbour leaf with an empty value: when x/bridge held the commitments, the next key
	// was its empty-valued InclusionParams item and this absence was unprovable.)
	future := commitmentKey(t, 1_000_000)
	absentFuture, _ := p.query(t, future, h)
	require.NoError(t, parentsync.VerifyNonMembership(p.appHashes[h], absentFuture, treetypes.StoreKey, future))
}

// TestProofMutationsNeverPass flips every bit of a real proof's op data and truncates it at
// every length: nothing panics and nothing verifies.
func TestProofMutationsNeverPass(t *testing.T) {
	p := newParentApp(t, 3)
	const h = 2
	key, value := p.commitmentRecord(t, h)
	proof, _ := p.query(t, key, h)
	bz, err := proof.Marshal()
	require.NoError(t, err)
	decoded, err := parentsync.DecodeProofOps(bz)
	require.NoError(t, err)
	require.NoError(t, parentsync.VerifyMembership(p.appHashes[h], decoded, treetypes.StoreKey, key, value))

	check := func(mutated []byte, what string) {
		require.NotPanics(t, func() {
			ops, err := parentsync.DecodeProofOps(mutated)
			if err == nil {
				err = parentsync.VerifyMembership(p.appHashes[h], ops, treetypes.StoreKey, key, value)
			}
			require.Error(t, err, what)
		})
	}
	for i := range bz {
		for bit := 0; bit < 8; bit++ {
			mutated := append([]byte{}, bz...)
			mutated[i] ^= 1 << bit
			check(mutated, "bit flip")
		}
		check(bz[:i], "truncation")
	}
	_, err = parentsync.DecodeProofOps(make([]byte, parentsync.MaxProofBytes+1024))
	require.ErrorIs(t, err, parentsync.ErrProofTooLarge)
}
