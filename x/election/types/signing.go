package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/twistededwards/eddsa"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
)

// Election-private domain tags. Like the ledger's they live above 2^40, so they never collide
// with the small sequential tags of package hash; they are frozen.
const (
	electionDomainBase hash.Domain = 0x454c45 << 40 // "ELE"
	// DomainVote tags the message an emergency vote signs.
	DomainVote = electionDomainBase + 1
	// DomainReport tags the message a withholding report signs.
	DomainReport = electionDomainBase + 2
	// DomainRootVote tags the message a root re-election vote signs (DESIGN §10).
	DomainRootVote = electionDomainBase + 3
)

// PublicKeySize is the length of a compressed BabyJubJub public key.
const PublicKeySize = ledger.PublicKeySize

// MaxAddressLength is the longest account address a candidate may have (SDK addresses are 20
// or 32 bytes); the vote message packs it into two 128-bit halves.
const MaxAddressLength = slushtypes.MaxAddressLength

// OperatorKeyHash is the operator_key_hash a validium binds into its commitments for the
// operator EdDSA key pub: Hash(DomainOperatorKey, pub.X, pub.Y). Election votes and reports are
// signed with that key (DESIGN §3, §9).
func OperatorKeyHash(pub eddsa.PublicKey) fr.Element { return slushtypes.OperatorKeyHash(pub) }

// DecodePublicKey reads an operator's compressed public key canonically (ledger.DecodePublicKey:
// exactly 32 bytes, its own encoding, a non-identity point of the prime-order subgroup), else
// ErrWrongKey.
func DecodePublicKey(b []byte) (eddsa.PublicKey, error) {
	pub, err := ledger.DecodePublicKey(b)
	if err != nil {
		return eddsa.PublicKey{}, errorsmod.Wrap(ErrWrongKey, err.Error())
	}
	return pub, nil
}

// VoteMessage is the field element an emergency vote signs: Hash(DomainVote, round id, child
// vid, child epoch, candidate address (length, high, low half), candidate key hash). It binds
// the round, so a vote can never be replayed in another round, for another child or epoch, or
// for another candidate.
func VoteMessage(roundID uint64, childVid fr.Element, epoch uint64, operator []byte, keyHash fr.Element) (fr.Element, error) {
	n, hi, lo, err := addressElements(operator)
	if err != nil {
		return fr.Element{}, err
	}
	return hash.Hash(DomainVote, hash.Uint64(roundID), childVid, hash.Uint64(epoch), n, hi, lo, keyHash), nil
}

// ReportMessage is the field element a withholding report signs: Hash(DomainReport, child vid,
// child epoch, child's finalized commitment). A report can only be replayed to reopen a round
// about the same finalized state of the same operator epoch.
func ReportMessage(childVid fr.Element, epoch uint64, finalized fr.Element) fr.Element {
	return hash.Hash(DomainReport, childVid, hash.Uint64(epoch), finalized)
}

// VerifySignature checks an operator-key signature over msg (ErrInvalidSignature otherwise).
func VerifySignature(pub eddsa.PublicKey, msg fr.Element, sig []byte) error {
	if err := ledger.VerifyElement(pub, msg, sig); err != nil {
		return errorsmod.Wrap(ErrInvalidSignature, err.Error())
	}
	return nil
}

// SignMessage signs msg with an operator key (clients and tests).
func SignMessage(key *eddsa.PrivateKey, msg fr.Element) ([]byte, error) {
	return ledger.SignElement(key, msg)
}

// addressElements is slushtypes.AddressElements with a bad length as ErrInvalidCandidate.
func addressElements(addr []byte) (n, hi, lo fr.Element, err error) {
	if n, hi, lo, err = slushtypes.AddressElements(addr); err != nil {
		return n, hi, lo, errorsmod.Wrap(ErrInvalidCandidate, err.Error())
	}
	return n, hi, lo, nil
}
