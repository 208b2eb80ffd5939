package parentsync_test

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
)

// parentGenesis is the time of the simulated parent chain's block 0; block h is at +h seconds.
var parentGenesis = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// blockTime is the simulated parent's time at height h.
func blockTime(h int64) time.Time { return parentGenesis.Add(time.Duration(h) * time.Second) }

// newPVs returns n deterministic ed25519 private validators named tag-0..tag-(n-1).
func newPVs(tag string, n int) []cmttypes.PrivValidator {
	pvs := make([]cmttypes.PrivValidator, n)
	for i := range pvs {
		key := ed25519.GenPrivKeyFromSecret(fmt.Appendf(nil, "parentsync-%s-%d", tag, i))
		pvs[i] = cmttypes.NewMockPVWithParams(key, false, false)
	}
	return pvs
}

// valSet is the validator set of pvs, each with power.
func valSet(t testing.TB, pvs []cmttypes.PrivValidator, power int64) *cmttypes.ValidatorSet {
	t.Helper()
	vals := make([]*cmttypes.Validator, len(pvs))
	for i, pv := range pvs {
		pk, err := pv.GetPubKey()
		require.NoError(t, err)
		vals[i] = cmttypes.NewValidator(pk, power)
	}
	return cmttypes.NewValidatorSet(vals)
}

// concat returns a new slice of a's then b's validators.
func concat(a, b []cmttypes.PrivValidator) []cmttypes.PrivValidator {
	return append(append([]cmttypes.PrivValidator{}, a...), b...)
}

// makeHeader is a valid parent header at height (time blockTime(height)) naming vals and next.
func makeHeader(chainID string, height int64, vals, next *cmttypes.ValidatorSet, appHash []byte) *cmttypes.Header {
	return &cmttypes.Header{
		Version:            cmtversion.Consensus{Block: version.BlockProtocol, App: 0},
		ChainID:            chainID,
		Height:             height,
		Time:               blockTime(height),
		LastBlockID:        cmttypes.BlockID{Hash: tmhash.Sum([]byte("last")), PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: tmhash.Sum([]byte("parts"))}},
		ValidatorsHash:     vals.Hash(),
		NextValidatorsHash: next.Hash(),
		ConsensusHash:      tmhash.Sum([]byte("consensus")),
		AppHash:            appHash,
		LastResultsHash:    tmhash.Sum([]byte("results")),
		ProposerAddress:    vals.Validators[0].Address,
	}
}

// commitFor signs header with each signer at the given index of a size-validator commit; the
// other slots are absent.
func commitFor(t testing.TB, header *cmttypes.Header, size int, signers map[int]cmttypes.PrivValidator) *cmttypes.Commit {
	t.Helper()
	blockID := cmttypes.BlockID{
		Hash:          header.Hash(),
		PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: tmhash.Sum(header.Hash())},
	}
	sigs := make([]cmttypes.CommitSig, size)
	for i := range sigs {
		sigs[i] = cmttypes.NewCommitSigAbsent()
	}
	for idx := 0; idx < size; idx++ { // in index order: deterministic
		pv, ok := signers[idx]
		if !ok {
			continue
		}
		pk, err := pv.GetPubKey()
		require.NoError(t, err)
		vote := &cmttypes.Vote{
			Type:             cmtproto.PrecommitType,
			Height:           header.Height,
			Round:            1,
			BlockID:          blockID,
			Timestamp:        header.Time,
			ValidatorAddress: pk.Address(),
			ValidatorIndex:   int32(idx),
		}
		pb := vote.ToProto()
		require.NoError(t, pv.SignVote(header.ChainID, pb))
		sigs[idx] = cmttypes.CommitSig{
			BlockIDFlag:      cmttypes.BlockIDFlagCommit,
			ValidatorAddress: pk.Address(),
			Timestamp:        header.Time,
			Signature:        pb.Signature,
		}
	}
	return &cmttypes.Commit{Height: header.Height, Round: 1, BlockID: blockID, Signatures: sigs}
}

// signedBy signs header with those of pvs that are in vals, at their index in vals.
func signedBy(t testing.TB, header *cmttypes.Header, vals *cmttypes.ValidatorSet,
	pvs []cmttypes.PrivValidator,
) *cmttypes.SignedHeader {
	t.Helper()
	signers := map[int]cmttypes.PrivValidator{}
	for _, pv := range pvs {
		pk, err := pv.GetPubKey()
		require.NoError(t, err)
		if idx, _ := vals.GetByAddress(pk.Address()); idx >= 0 {
			signers[int(idx)] = pv
		}
	}
	return &cmttypes.SignedHeader{Header: header, Commit: commitFor(t, header, vals.Size(), signers)}
}
