package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/x/validium/types"
)

// stepCharge is what a child update costs in this block's step budget: the block's cost with it,
// to record once the update is accepted; none when no budget applies.
type stepCharge struct {
	used uint64
	on   bool
}

// checkStepBudget refuses a child update that the parent of this chain could not prove within
// one of its updates (issue 16, docs/PROTOCOL.md "The rate of child updates"): where a budget
// applies (types.ChildStepBudget), the update carries a batch proof — the inner proof of any step
// above —, every batch is one a step above can open (types.CheckBatchEntries), and the child
// updates of this block, with it, cost at most the budget. Stateless but for the block's cost so
// far (the transient store); nothing is written.
func (k Keeper) checkStepBudget(ctx context.Context, params types.Params, msg *types.MsgSubmitUpdate) (stepCharge, error) {
	path, err := k.tree.OwnPath(ctx)
	if err != nil {
		return stepCharge{}, err
	}
	budget, ok := types.ChildStepBudget(params, len(path))
	if !ok {
		return stepCharge{}, nil
	}
	if len(msg.Batches) == 0 {
		return stepCharge{}, errorsmod.Wrapf(types.ErrUpdateWithoutBatch, "child %d: the steps above this chain prove a move over a batch", msg.ChildIndex)
	}
	if err := types.CheckBatchEntries(msg); err != nil {
		return stepCharge{}, err
	}
	used, err := k.BlockSteps.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return stepCharge{}, err
	}
	cost := types.UpdateStepCost(len(msg.Batches), len(msg.Steps))
	if cost > budget || used > budget-cost {
		return stepCharge{}, errorsmod.Wrapf(types.ErrStepBudgetExceeded,
			"child %d: %d batches and %d steps cost %d steps above, this block's child updates cost %d of %d", msg.ChildIndex, len(msg.Batches), len(msg.Steps), cost, used, budget)
	}
	return stepCharge{used: used + cost, on: true}, nil
}

// chargeStepBudget records an accepted update's charge.
func (k Keeper) chargeStepBudget(ctx context.Context, c stepCharge) error {
	if !c.on {
		return nil
	}
	return k.BlockSteps.Set(ctx, c.used)
}
