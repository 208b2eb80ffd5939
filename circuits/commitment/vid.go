package commitment

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// MaxPathDepth is the maximal depth of a validium in the tree.
const MaxPathDepth = 16

// ErrInvalidPath is returned for a path with a zero index or more than MaxPathDepth levels.
var ErrInvalidPath = errors.New("commitment: invalid validium path")

// ErrInvalidVid is returned for a field element that is not a canonical vid packing.
var ErrInvalidVid = errors.New("commitment: invalid vid")

// ValidatePath checks that every index is in 1..255 and depth <= MaxPathDepth.
func ValidatePath(path []uint8) error {
	if len(path) > MaxPathDepth {
		return fmt.Errorf("%w: depth %d > %d", ErrInvalidPath, len(path), MaxPathDepth)
	}
	for i, x := range path {
		if x == 0 {
			return fmt.Errorf("%w: index 0 at level %d", ErrInvalidPath, i)
		}
	}
	return nil
}

// PackVid packs a path into a field element: byte 0 (least significant) is
// the depth, byte k (1 <= k <= depth) is path[k-1]; all higher bytes are 0.
// The root (empty path) has vid 0.
func PackVid(path []uint8) (fr.Element, error) {
	if err := ValidatePath(path); err != nil {
		return fr.Element{}, err
	}
	var v big.Int
	for k := len(path); k >= 1; k-- {
		v.Lsh(&v, 8)
		v.Or(&v, big.NewInt(int64(path[k-1])))
	}
	v.Lsh(&v, 8)
	v.Or(&v, big.NewInt(int64(len(path))))
	var e fr.Element
	e.SetBigInt(&v) // < 2^136: no reduction
	return e, nil
}

// MustPackVid is PackVid for paths known to be valid; it panics otherwise.
func MustPackVid(path []uint8) fr.Element {
	v, err := PackVid(path)
	if err != nil {
		panic(err)
	}
	return v
}

// UnpackVid inverts PackVid, rejecting every element that is not exactly
// the packing of a valid path.
func UnpackVid(vid fr.Element) ([]uint8, error) {
	var v big.Int
	vid.BigInt(&v)
	if v.BitLen() > 8*(MaxPathDepth+1) {
		return nil, fmt.Errorf("%w: too large", ErrInvalidVid)
	}
	b := v.Bytes() // big-endian, no leading zeros
	le := make([]byte, MaxPathDepth+1)
	for i := range b {
		le[len(b)-1-i] = b[i]
	}
	depth := int(le[0])
	if depth > MaxPathDepth {
		return nil, fmt.Errorf("%w: depth %d", ErrInvalidVid, depth)
	}
	path := make([]uint8, depth)
	for k := 1; k <= depth; k++ {
		if le[k] == 0 {
			return nil, fmt.Errorf("%w: zero index at level %d", ErrInvalidVid, k-1)
		}
		path[k-1] = le[k]
	}
	for k := depth + 1; k <= MaxPathDepth; k++ {
		if le[k] != 0 {
			return nil, fmt.Errorf("%w: bytes beyond depth", ErrInvalidVid)
		}
	}
	return path, nil
}

// CommonAncestor returns the longest common prefix of two paths.
func CommonAncestor(a, b []uint8) []uint8 {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return append([]uint8{}, a[:n]...)
}

// ChainID returns the chain-id convention of DESIGN §3: "slush-root" for the
// root, "slush-1-2" for path [1, 2].
func ChainID(path []uint8) string {
	if len(path) == 0 {
		return "slush-root"
	}
	s := "slush"
	for _, x := range path {
		s += fmt.Sprintf("-%d", x)
	}
	return s
}
