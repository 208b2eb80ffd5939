package keeper

import "context"

// PruneCommitments exposes pruneCommitments to the external tests.
func (k Keeper) PruneCommitments(ctx context.Context) error { return k.pruneCommitments(ctx) }
