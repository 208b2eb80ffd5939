package types

import (
	"fmt"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	slushtypes "github.com/slush-tree/slush/types"
)

// Tree shape limits (DESIGN §3).
const (
	// DefaultMaxChildren is the seed's narrow-tree conclusion: three children per node.
	DefaultMaxChildren = 3
	// RootChainID is the conventional chain-id of the root.
	RootChainID = "slush-root"
)

// RootIdentity returns the identity of the tree's root with default limits.
func RootIdentity() TreeIdentity {
	return TreeIdentity{MaxChildren: DefaultMaxChildren, MaxDepth: slushtypes.MaxDepth}
}

// IsRoot reports whether this chain is the root of the tree.
func (id TreeIdentity) IsRoot() bool { return len(id.Path) == 0 }

// Depth is the number of levels between this chain and the root.
func (id TreeIdentity) Depth() uint32 { return uint32(len(id.Path)) }

// TreePath is the identity's path in the shared form (the identity is validated at genesis).
func (id TreeIdentity) TreePath() (slushtypes.Path, error) {
	p, err := slushtypes.PathFromIndices(id.Path)
	if err != nil {
		return nil, errorsmod.Wrap(ErrInvalidIdentity, err.Error())
	}
	return p, nil
}

// OperatorKey is the decoded operator key hash this chain binds into its commitments.
func (id TreeIdentity) OperatorKey() (fr.Element, error) {
	return slushtypes.DecodeOperatorKeyHash(id.OperatorKeyHash)
}

// Validate checks the path, the parent link and the limits.
func (id TreeIdentity) Validate() error {
	if id.MaxChildren == 0 || id.MaxChildren > slushtypes.MaxChildIndex {
		return errorsmod.Wrapf(ErrInvalidIdentity, "max_children must be in 1..%d, got %d", slushtypes.MaxChildIndex, id.MaxChildren)
	}
	if id.MaxDepth == 0 || id.MaxDepth > slushtypes.MaxDepth {
		return errorsmod.Wrapf(ErrInvalidIdentity, "max_depth must be in 1..%d, got %d", slushtypes.MaxDepth, id.MaxDepth)
	}
	if id.Depth() > id.MaxDepth {
		return errorsmod.Wrapf(ErrInvalidIdentity, "path depth %d exceeds max_depth %d", id.Depth(), id.MaxDepth)
	}
	if _, err := id.TreePath(); err != nil {
		return err
	}
	if id.IsRoot() != (id.ParentChainId == "") {
		return errorsmod.Wrap(ErrInvalidIdentity, "the root (empty path) has no parent chain-id and every other chain has one")
	}
	if _, err := id.OperatorKey(); err != nil {
		return errorsmod.Wrap(ErrInvalidIdentity, err.Error())
	}
	if id.Departure != nil {
		if id.IsRoot() {
			return errorsmod.Wrap(ErrInvalidIdentity, "the root has no parent to depart from")
		}
		if err := id.Departure.validate(); err != nil {
			return errorsmod.Wrap(ErrInvalidIdentity, err.Error())
		}
	}
	if id.MovedFrom != nil {
		if _, err := slushtypes.PathFromIndices(id.MovedFrom.Path); err != nil {
			return errorsmod.Wrapf(ErrInvalidIdentity, "moved_from: %v", err)
		}
		if id.MovedFrom.Height <= 0 {
			return errorsmod.Wrapf(ErrInvalidIdentity, "moved_from at height %d", id.MovedFrom.Height)
		}
	}
	return nil
}

// ConventionalChainID is the chain-id the localnet uses for this path: slush-root, slush-1, slush-1-2.
func (id TreeIdentity) ConventionalChainID() string {
	if id.IsRoot() {
		return RootChainID
	}
	parts := make([]string, len(id.Path))
	for i, idx := range id.Path {
		parts[i] = fmt.Sprint(idx)
	}
	return "slush-" + strings.Join(parts, "-")
}
