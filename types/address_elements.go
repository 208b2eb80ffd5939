package types

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/hash"
)

// MaxAddressLength is the longest account address a signed or committed message may name (SDK
// addresses are 20 or 32 bytes); AddressElements packs it into two 128-bit halves.
const MaxAddressLength = 32

// MaxAddressStringLength bounds the bech32 form of an account address a message names before
// the keeper decodes it (a 32-byte account with a long prefix fits easily): departures name one.
const MaxAddressStringLength = 128

// AddressElements packs an account address of 1..32 bytes as (length, high 16 bytes, low 16
// bytes) of its left-zero-padded form: three elements below 2^128, so no reduction and no
// ambiguity. Election votes and departure marks hash an address this way.
func AddressElements(addr []byte) (n, hi, lo fr.Element, err error) {
	if len(addr) == 0 || len(addr) > MaxAddressLength {
		return n, hi, lo, fmt.Errorf("address of %d bytes, want 1..%d", len(addr), MaxAddressLength)
	}
	var padded [MaxAddressLength]byte
	copy(padded[MaxAddressLength-len(addr):], addr)
	n.SetUint64(uint64(len(addr)))
	var half [fr.Bytes]byte // 16 zero bytes, then one half: below 2^128, so canonical
	copy(half[16:], padded[:16])
	if hi, err = hash.DecodeElement(half[:]); err != nil {
		return n, hi, lo, err
	}
	copy(half[16:], padded[16:])
	lo, err = hash.DecodeElement(half[:])
	return n, hi, lo, err
}
