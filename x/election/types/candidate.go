package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
)

// DecodeCandidate checks a candidate: its operator address decodes (at most MaxAddressLength
// bytes) and its operator key hash is 32 canonical, non-zero bytes (a zero hash would install an
// operator no commitment key can match). It returns the address bytes and the key hash.
func DecodeCandidate(c Candidate, ac address.Codec) ([]byte, fr.Element, error) {
	addr, err := ac.StringToBytes(c.Operator)
	if err != nil {
		return nil, fr.Element{}, errorsmod.Wrapf(ErrInvalidCandidate, "operator: %v", err)
	}
	if len(addr) == 0 || len(addr) > MaxAddressLength {
		return nil, fr.Element{}, errorsmod.Wrapf(ErrInvalidCandidate, "operator address of %d bytes", len(addr))
	}
	key, err := hash.DecodeElement(c.OperatorKeyHash)
	if err != nil {
		return nil, fr.Element{}, errorsmod.Wrapf(ErrInvalidCandidate, "operator_key_hash: %v", err)
	}
	if key.IsZero() {
		return nil, fr.Element{}, errorsmod.Wrap(ErrInvalidCandidate, "operator_key_hash is zero")
	}
	return addr, key, nil
}

// CandidateKey is the store key of a candidate's tally: its key hash (32 bytes) then its address.
func CandidateKey(addr []byte, keyHash fr.Element) []byte {
	return append(hash.EncodeElement(keyHash), addr...)
}
