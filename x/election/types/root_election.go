package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// DecodeRootCandidate checks a root candidate (DESIGN §10): its operator key hash is 32
// canonical, non-zero bytes and its consensus key is an ed25519 key the restarted root's one
// validator can sign with (x/tree ValidateConsensusPubkey, the check the validium-consensus
// upgrade applies). It returns the key hash; anything else is ErrInvalidCandidate.
func DecodeRootCandidate(c RootCandidate) (fr.Element, error) {
	key, err := hash.DecodeElement(c.OperatorKeyHash)
	if err != nil {
		return fr.Element{}, errorsmod.Wrapf(ErrInvalidCandidate, "operator_key_hash: %v", err)
	}
	if key.IsZero() {
		return fr.Element{}, errorsmod.Wrap(ErrInvalidCandidate, "operator_key_hash is zero")
	}
	if err := treetypes.ValidateConsensusPubkey(c.ConsensusPubkey); err != nil {
		return fr.Element{}, errorsmod.Wrapf(ErrInvalidCandidate, "consensus_pubkey: %v", err)
	}
	return key, nil
}

// RootCandidateKey is the store key of a root candidate's tally: its key hash (32 bytes) then
// its consensus key (32 bytes). Both are fixed-size, so no two candidates share a key.
func RootCandidateKey(c RootCandidate) []byte {
	return append(append([]byte{}, c.OperatorKeyHash...), c.ConsensusPubkey...)
}

// RootVoteMessage is the field element a root re-election vote signs: Hash(DomainRootVote, root
// epoch, base root height, base commitment, candidate key hash, consensus key (two 128-bit
// halves)). It binds the epoch being replaced and the base the voter's proof opens from, so a
// vote can never be replayed for another epoch, another base (where its weight could differ) or
// another candidate; it binds no replica-local id, so one signed vote is relayed unchanged to
// every child of the root.
func RootVoteMessage(epoch, baseHeight uint64, base fr.Element, keyHash fr.Element, consensusKey []byte) (fr.Element, error) {
	if len(consensusKey) != 32 {
		return fr.Element{}, errorsmod.Wrapf(ErrInvalidCandidate, "consensus key of %d bytes", len(consensusKey))
	}
	var half [fr.Bytes]byte // 16 zero bytes, then one half: below 2^128, so canonical
	copy(half[16:], consensusKey[:16])
	hi, err := hash.DecodeElement(half[:])
	if err != nil {
		return fr.Element{}, err
	}
	copy(half[16:], consensusKey[16:])
	lo, err := hash.DecodeElement(half[:])
	if err != nil {
		return fr.Element{}, err
	}
	return hash.Hash(DomainRootVote, hash.Uint64(epoch), hash.Uint64(baseHeight), base, keyHash, hi, lo), nil
}

// RootMajority reports whether votes exceed half of b_root − 1, the root's strict descendants
// (DESIGN §10: "more than half of b_root − 1 elects"); the rule of Majority.
func RootMajority(votes, subtree uint64) bool { return Majority(votes, subtree) }
