package types

import (
	"bytes"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// errNotChild marks every reason OpenChild refuses a level that is not a broken field; callers
// wrap the message in their module's own error (a descendant proof, an arrival proof).
var errNotChild = fmt.Errorf("not a child opening")

// OpenChild checks one level of a walk down the tree (DESIGN §3): child's vid is parentPath plus
// one index, and ChildLeaf(index, child's hash) opens root (the parent's children root or its
// finalized children root, as the caller's rule needs) at that index through siblings. It
// returns the child's path; a broken field is ErrInvalidField, anything else a plain error
// naming what does not hold.
func OpenChild(root fr.Element, parentPath []uint8, child commitment.Commitment, siblings [][]byte) ([]uint8, error) {
	path, err := commitment.UnpackVid(child.Vid)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNotChild, err)
	}
	if len(path) != len(parentPath)+1 || !bytes.Equal(path[:len(parentPath)], parentPath) {
		return nil, fmt.Errorf("%w: path %v is not a child of %v", errNotChild, path, parentPath)
	}
	if len(siblings) != commitment.ChildrenDepth {
		return nil, fmt.Errorf("%w: %d siblings, want %d", errNotChild, len(siblings), commitment.ChildrenDepth)
	}
	elems := make([]fr.Element, len(siblings))
	for i, b := range siblings {
		if elems[i], err = hash.DecodeElement(b); err != nil {
			return nil, fmt.Errorf("%w: sibling %d: %v", ErrInvalidField, i, err)
		}
	}
	index := path[len(path)-1]
	proof := smt.Proof{Index: uint64(index), Value: commitment.ChildLeaf(index, child.Hash()), Siblings: elems}
	if err := smt.VerifyProof(root, commitment.ChildrenDepth, proof); err != nil {
		return nil, fmt.Errorf("%w: child %d not in the children root of %v", errNotChild, index, parentPath)
	}
	return path, nil
}
