// Package lightclient signs synthetic parent headers for tests: a fixed set of mock validators
// signs a header over a real app hash, so MsgSyncParent can be exercised between in-process
// apps (which have no CometBFT consensus of their own).
package lightclient

import (
	"fmt"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/tmhash"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtversion "github.com/cometbft/cometbft/proto/tendermint/version"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cometbft/cometbft/version"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/internal/parentsync"
)

// Signer is a parent chain's validator set with its private keys.
type Signer struct {
	ChainID string
	PVs     []cmttypes.PrivValidator
	Vals    *cmttypes.ValidatorSet
	// NextValidatorsHash, if set, is the next validator set a signed header names (default: Vals).
	NextValidatorsHash []byte
}

// NewSigner returns n deterministic validators (power 10 each) for chainID.
func NewSigner(t testing.TB, chainID string, n int) *Signer {
	return NewSignerWithSeed(t, chainID, chainID, n)
}

// NewSignerWithSeed is NewSigner with keys derived from seed: another seed, other validators.
func NewSignerWithSeed(t testing.TB, chainID, seed string, n int) *Signer {
	s := &Signer{ChainID: chainID}
	vals := make([]*cmttypes.Validator, n)
	for i := range n {
		pv := cmttypes.NewMockPVWithParams(ed25519.GenPrivKeyFromSecret(fmt.Appendf(nil, "%s-%d", seed, i)), false, false)
		pk, err := pv.GetPubKey()
		require.NoError(t, err)
		s.PVs = append(s.PVs, pv)
		vals[i] = cmttypes.NewValidator(pk, 10)
	}
	s.Vals = cmttypes.NewValidatorSet(vals)
	return s
}

// Sign returns the header at height and time with appHash, signed by every validator.
func (s *Signer) Sign(t testing.TB, height int64, at time.Time, appHash []byte) *cmttypes.SignedHeader {
	next := s.Vals.Hash()
	if s.NextValidatorsHash != nil {
		next = s.NextValidatorsHash
	}
	h := &cmttypes.Header{
		Version: cmtversion.Consensus{Block: version.BlockProtocol}, ChainID: s.ChainID, Height: height, Time: at,
		LastBlockID:    cmttypes.BlockID{Hash: tmhash.Sum([]byte("last")), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: tmhash.Sum([]byte("parts"))}},
		ValidatorsHash: s.Vals.Hash(), NextValidatorsHash: next, ConsensusHash: tmhash.Sum([]byte("consensus")),
		AppHash: appHash, LastResultsHash: tmhash.Sum([]byte("results")), ProposerAddress: s.Vals.Validators[0].Address,
	}
	blockID := cmttypes.BlockID{Hash: h.Hash(), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: tmhash.Sum(h.Hash())}}
	sigs := make([]cmttypes.CommitSig, s.Vals.Size())
	for _, pv := range s.PVs {
		pk, err := pv.GetPubKey()
		require.NoError(t, err)
		idx, _ := s.Vals.GetByAddress(pk.Address())
		vote := &cmttypes.Vote{Type: cmtproto.PrecommitType, Height: height, Round: 1, BlockID: blockID, Timestamp: at,
			ValidatorAddress: pk.Address(), ValidatorIndex: idx}
		pb := vote.ToProto()
		require.NoError(t, pv.SignVote(s.ChainID, pb))
		sigs[idx] = cmttypes.CommitSig{BlockIDFlag: cmttypes.BlockIDFlagCommit, ValidatorAddress: pk.Address(), Timestamp: at, Signature: pb.Signature}
	}
	return &cmttypes.SignedHeader{Header: h, Commit: &cmttypes.Commit{Height: height, Round: 1, BlockID: blockID, Signatures: sigs}}
}

// Trusted is the genesis parent-client bytes for a header signed at height and time.
func (s *Signer) Trusted(t testing.TB, height int64, at time.Time, appHash []byte) []byte {
	st, err := parentsync.NewTrustedState(s.Sign(t, height, at, appHash), s.Vals)
	require.NoError(t, err)
	bz, err := st.Marshal()
	require.NoError(t, err)
	return bz
}

// Encode returns the wire bytes of a signed header and of this signer's validator set.
func (s *Signer) Encode(t testing.TB, sh *cmttypes.SignedHeader) (header, vals []byte) {
	hp := sh.ToProto()
	header, err := hp.Marshal()
	require.NoError(t, err)
	vp, err := s.Vals.ToProto()
	require.NoError(t, err)
	vals, err = vp.Marshal()
	require.NoError(t, err)
	return header, vals
}
