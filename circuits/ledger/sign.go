package ledger

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	"github.com/slush-tree/slush/circuits/hash"
)

// SignatureSize is the length of a compressed EdDSA signature (R ‖ S).
const SignatureSize = 2 * fr.Bytes

// PublicKeySize is the length of a compressed EdDSA public key.
const PublicKeySize = fr.Bytes

// DecodePublicKey reads a compressed public key canonically: exactly PublicKeySize bytes that
// re-encode to themselves (gnark-crypto reduces the y-coordinate mod r, so without that check
// one key has several encodings), a point on the curve, in the prime-order subgroup and not the
// identity. Every decoder of a public key (ledger ops, election messages) goes through it.
func DecodePublicKey(b []byte) (eddsa.PublicKey, error) {
	var pub eddsa.PublicKey
	if len(b) != PublicKeySize {
		return eddsa.PublicKey{}, fmt.Errorf("public key of %d bytes, want %d", len(b), PublicKeySize)
	}
	if _, err := pub.A.SetBytes(b); err != nil {
		return eddsa.PublicKey{}, err
	}
	if !pub.A.IsOnCurve() || !pub.A.IsInSubGroup() || pub.A.IsZero() {
		return eddsa.PublicKey{}, fmt.Errorf("public key is not a non-identity point of the prime-order subgroup")
	}
	if enc := pub.A.Bytes(); !bytes.Equal(enc[:], b) {
		return eddsa.PublicKey{}, fmt.Errorf("public key: non-canonical encoding")
	}
	return pub, nil
}

// challengeHasher is the native EdDSA challenge hash H(R.X, R.Y, A.X, A.Y, M)
// = Hash(DomainChallenge, ...), fed by gnark-crypto's eddsa as 32-byte
// canonical big-endian chunks. ChallengeHasher is its in-circuit twin.
type challengeHasher struct{ buf []byte }

// Write buffers p.
func (h *challengeHasher) Write(p []byte) (int, error) {
	h.buf = append(h.buf, p...)
	return len(p), nil
}

// Sum panics on input that is not a sequence of canonical elements: eddsa only
// writes canonical coordinates and we only sign canonical encodings.
func (h *challengeHasher) Sum(b []byte) []byte {
	in, err := hash.DecodeElements(h.buf)
	if err != nil {
		panic(fmt.Sprintf("ledger: challenge hash input: %v", err))
	}
	d := hash.Hash(DomainChallenge, in...)
	return append(b, hash.EncodeElement(d)...)
}

// Reset empties the buffer.
func (h *challengeHasher) Reset() { h.buf = h.buf[:0] }

// Size is the digest length.
func (h *challengeHasher) Size() int { return hash.ElementSize }

// BlockSize is the input chunk length (one field element).
func (h *challengeHasher) BlockSize() int { return hash.ElementSize }

// KeyFromSeed derives a deterministic EdDSA (BabyJubJub) key from seed. For
// tests and fixtures: the key is as secret as the seed.
func KeyFromSeed(seed []byte) *eddsa.PrivateKey {
	h := sha256.Sum256(append([]byte("slush ledger key v1\x00"), seed...))
	k, err := eddsa.GenerateKey(bytes.NewReader(h[:]))
	if err != nil {
		panic(err) // a 32-byte reader never fails
	}
	return k
}

// SignElement signs the field element msg (its canonical 32-byte encoding).
func SignElement(key *eddsa.PrivateKey, msg fr.Element) ([]byte, error) {
	return key.Sign(hash.EncodeElement(msg), &challengeHasher{})
}

// VerifyElement checks sig over msg under pk; any failure (malformed
// signature, key not in the prime-order subgroup, wrong signature) is
// ErrBadSignature. It accepts a subset of what the circuit accepts.
func VerifyElement(pk eddsa.PublicKey, msg fr.Element, sig []byte) error {
	if len(sig) != SignatureSize {
		return fmt.Errorf("%w: %d bytes", ErrBadSignature, len(sig))
	}
	ok, err := pk.Verify(sig, hash.EncodeElement(msg), &challengeHasher{})
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

// dummy is the signer that fills the signature inputs of unsigned slots
// (NoOp, BridgeIn); the circuit ignores the result there.
var dummy = sync.OnceValues(func() (eddsa.PublicKey, eddsa.Signature) {
	k := KeyFromSeed([]byte("unsigned slot"))
	b, err := SignElement(k, fr.Element{})
	if err != nil {
		panic(err)
	}
	var s eddsa.Signature
	if _, err := s.SetBytes(b); err != nil {
		panic(err)
	}
	return k.PublicKey, s
})

// KeyOrder returns the order of BabyJubJub's prime-order subgroup (signature
// scalars S must be below it).
func KeyOrder() *big.Int {
	o := twistededwards.GetEdwardsCurve().Order
	return new(big.Int).Set(&o)
}
