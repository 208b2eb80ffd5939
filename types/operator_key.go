package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
)

// DecodeOperatorKeyHash reads an operator key hash: empty is the zero element (no key), anything
// else must be 32 canonical bytes (DESIGN §3: reject, never reduce).
func DecodeOperatorKeyHash(b []byte) (fr.Element, error) {
	if len(b) == 0 {
		return fr.Element{}, nil
	}
	e, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, errorsmod.Wrapf(ErrInvalidField, "operator_key_hash: %v", err)
	}
	return e, nil
}

// OperatorKeyHash is the operator_key_hash a validium binds into its commitments for the
// operator EdDSA key pub: Hash(DomainOperatorKey, pub.X, pub.Y) (DESIGN §3). Elections and
// departures check signatures against it.
func OperatorKeyHash(pub eddsa.PublicKey) fr.Element {
	return hash.Hash(hash.DomainOperatorKey, pub.A.X, pub.A.Y)
}
