package keeper

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/tree/types"
)

// GetIdentity returns this chain's tree identity (fixed at genesis).
func (k Keeper) GetIdentity(ctx context.Context) (types.TreeIdentity, error) {
	return k.Identity.Get(ctx)
}

// IsRoot reports whether this chain is the root of the tree (its path is empty).
func (k Keeper) IsRoot(ctx context.Context) (bool, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return false, err
	}
	return id.IsRoot(), nil
}

// OwnPath is this chain's tree path (empty at the root).
func (k Keeper) OwnPath(ctx context.Context) (slushtypes.Path, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return nil, err
	}
	return id.TreePath()
}

// OwnVid is this chain's own vid (its path packed, DESIGN §3).
func (k Keeper) OwnVid(ctx context.Context) (fr.Element, error) {
	path, err := k.OwnPath(ctx)
	if err != nil {
		return fr.Element{}, err
	}
	return path.Vid()
}

// ChildVid is the vid of this chain's child index (this chain's path plus the index, DESIGN §3).
func (k Keeper) ChildVid(ctx context.Context, index uint32) (fr.Element, error) {
	path, err := k.OwnPath(ctx)
	if err != nil {
		return fr.Element{}, err
	}
	child, err := slushtypes.PathFromIndices(append(path.Indices(), index))
	if err != nil {
		return fr.Element{}, err
	}
	return child.Vid()
}

// OwnOperator is the operator key hash and epoch this chain binds into its own commitments
// (DESIGN §3, §9).
func (k Keeper) OwnOperator(ctx context.Context) (fr.Element, uint64, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return fr.Element{}, 0, err
	}
	key, err := id.OperatorKey()
	return key, id.Epoch, err
}
