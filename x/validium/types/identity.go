package types

import (
	"fmt"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

// Tree shape limits (DESIGN §3).
const (
	// MaxChildIndex is the largest child index a path may contain (8 bits per level).
	MaxChildIndex = 255
	// MaxTreeDepth is the deepest path the vid encoding can hold.
	MaxTreeDepth = 16
	// DefaultMaxChildren is the seed's narrow-tree conclusion: three children per node.
	DefaultMaxChildren = 3
	// RootChainID is the conventional chain-id of the root.
	RootChainID = "slush-root"
)

// RootIdentity returns the identity of the tree's root with default limits.
func RootIdentity() TreeIdentity {
	return TreeIdentity{MaxChildren: DefaultMaxChildren, MaxDepth: MaxTreeDepth}
}

// IsRoot reports whether this chain is the root of the tree.
func (id TreeIdentity) IsRoot() bool { return len(id.Path) == 0 }

// Depth is the number of levels between this chain and the root.
func (id TreeIdentity) Depth() uint32 { return uint32(len(id.Path)) }

// Validate checks the path, the parent link and the limits.
func (id TreeIdentity) Validate() error {
	if id.MaxChildren == 0 || id.MaxChildren > MaxChildIndex {
		return errorsmod.Wrapf(ErrInvalidIdentity, "max_children must be in 1..%d, got %d", MaxChildIndex, id.MaxChildren)
	}
	if id.MaxDepth == 0 || id.MaxDepth > MaxTreeDepth {
		return errorsmod.Wrapf(ErrInvalidIdentity, "max_depth must be in 1..%d, got %d", MaxTreeDepth, id.MaxDepth)
	}
	if id.Depth() > id.MaxDepth {
		return errorsmod.Wrapf(ErrInvalidIdentity, "path depth %d exceeds max_depth %d", id.Depth(), id.MaxDepth)
	}
	for i, idx := range id.Path {
		if idx == 0 || idx > MaxChildIndex {
			return errorsmod.Wrapf(ErrInvalidIdentity, "path[%d] = %d: child indices are 1..%d", i, idx, MaxChildIndex)
		}
	}
	if id.IsRoot() != (id.ParentChainId == "") {
		return errorsmod.Wrap(ErrInvalidIdentity, "the root (empty path) has no parent chain-id and every other chain has one")
	}
	if _, err := DecodeOperatorKeyHash(id.OperatorKeyHash); err != nil {
		return errorsmod.Wrap(ErrInvalidIdentity, err.Error())
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
