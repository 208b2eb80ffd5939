package keeper

import "context"

// ParentChainID is the chain-id of this chain's parent as its tree identity names it (empty at
// the root): x/bridge checks a governance-recovered parent light client against it (DESIGN §9).
func (k Keeper) ParentChainID(ctx context.Context) (string, error) {
	id, err := k.Identity.Get(ctx)
	if err != nil {
		return "", err
	}
	return id.ParentChainId, nil
}
