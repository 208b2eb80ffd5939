package types

import (
	"bytes"
	"crypto/ed25519"

	"filippo.io/edwards25519"

	errorsmod "cosmossdk.io/errors"
)

// ValidateConsensusPubkey checks that key is an ed25519 public key CometBFT can take as the
// root's one validator (DESIGN §10): 32 bytes, the canonical encoding of a point on the curve
// (edwards25519.SetBytes also takes y ≥ p, so two byte strings could name one key), not of small
// order (such a key signs nothing anyone could not forge).
func ValidateConsensusPubkey(key []byte) error {
	if len(key) != ed25519.PublicKeySize {
		return errorsmod.Wrapf(ErrInvalidConsensusKey, "%d bytes, want %d", len(key), ed25519.PublicKeySize)
	}
	p, err := new(edwards25519.Point).SetBytes(key)
	if err != nil {
		return errorsmod.Wrap(ErrInvalidConsensusKey, "not an ed25519 curve point")
	}
	if !bytes.Equal(p.Bytes(), key) {
		return errorsmod.Wrap(ErrInvalidConsensusKey, "a non-canonical encoding of an ed25519 point")
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return errorsmod.Wrap(ErrInvalidConsensusKey, "a small-order ed25519 point")
	}
	return nil
}

// Validate checks a stored ValidiumConsensus: a valid operator key and a positive upgrade height.
func (vc ValidiumConsensus) Validate() error {
	if err := ValidateConsensusPubkey(vc.OperatorConsensusPubkey); err != nil {
		return err
	}
	if vc.SinceHeight <= 0 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "validium consensus since height %d", vc.SinceHeight)
	}
	return nil
}
