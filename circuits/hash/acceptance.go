package hash

import "github.com/consensys/gnark-crypto/ecc/bn254/fr"

// AcceptanceDigest is the digest an acceptance histogram is committed by (DESIGN §6, the
// commitment's acceptanceDigest): Hash(DomainAcceptance, n, height_1, count_1, …, height_n,
// count_n) over its (height, count) buckets in order. x/acceptance, the subtree step circuits'
// native twins and their leaf report all hash a report this one way.
func AcceptanceDigest(buckets ...[2]uint64) fr.Element {
	elems := make([]fr.Element, 1, 1+2*len(buckets))
	elems[0] = Uint64(uint64(len(buckets)))
	for _, b := range buckets {
		elems = append(elems, Uint64(b[0]), Uint64(b[1]))
	}
	return Hash(DomainAcceptance, elems...)
}
