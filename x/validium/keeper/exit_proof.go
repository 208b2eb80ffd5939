package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/validium/types"
)

// checkExits matches the update's exit-source entries, in order, with its exit proofs: each
// entry must be the exit message its proof justifies under the child's new commitment (DESIGN §5:
// every mint is proven; the ledger proof leaves exits to the parent). Gas is charged per proof
// before any is checked.
func (k Keeper) checkExits(ctx context.Context, index uint32, c commitment.Commitment, entries []inboxEntry, proofs []types.ExitProof) error {
	var exits []inboxEntry
	for _, e := range entries {
		if e.source == ledger.SourceExit {
			exits = append(exits, e)
		}
	}
	if len(exits) != len(proofs) {
		return errorsmod.Wrapf(types.ErrUnprovenEntry, "%d exit entries, %d exit proofs", len(exits), len(proofs))
	}
	if len(proofs) == 0 {
		return nil
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.ExitProofGas*uint64(len(proofs)), "validium exit proofs")
	own, err := k.tree.OwnPath(ctx)
	if err != nil {
		return err
	}
	childPath := own.Child(uint8(index)) // a registered child's index is 1..max_children ≤ 255
	depth, err := k.accountDepth(ctx)
	if err != nil {
		return err
	}
	for i, p := range proofs {
		m, err := p.Verify(c, childPath, depth)
		if err != nil {
			return errorsmod.Wrapf(err, "exit proof %d", i)
		}
		if h := m.Hash(); !h.Equal(&exits[i].hash) {
			return errorsmod.Wrapf(types.ErrUnprovenEntry, "exit entry %d is not the exit its proof justifies", i)
		}
	}
	return nil
}
