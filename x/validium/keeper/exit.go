package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/x/validium/types"
)

// exit pays out one account of a frozen child (DESIGN §8, the seed's "Trustless exits"): the
// account must be in the ledger root of the child's finalized commitment; each account exits
// once; the balance is minted to the same owner on this chain's ledger, and the opening is kept:
// this chain's next update carries it up as the proof of that mint (DESIGN §5).
func (k Keeper) exit(ctx context.Context, msg *types.MsgExit) (uint64, error) {
	child, err := k.GetChild(ctx, msg.ChildIndex)
	if err != nil {
		return 0, err
	}
	if err := refuseDeparting(child); err != nil { // its ledger leaves with it: never paid here too
		return 0, err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_FROZEN {
		return 0, errorsmod.Wrapf(types.ErrChildNotFrozen, "child %d", msg.ChildIndex)
	}
	key := collections.Join(msg.ChildIndex, msg.Opening.AccountIndex)
	exited, err := k.Exits.Has(ctx, key)
	if err != nil {
		return 0, err
	}
	if exited {
		return 0, errorsmod.Wrapf(types.ErrAlreadyExited, "child %d account %d", msg.ChildIndex, msg.Opening.AccountIndex)
	}
	account, err := k.provenAccount(ctx, msg.ChildIndex, msg.Opening)
	if err != nil {
		return 0, err
	}
	if account.Balance == 0 {
		return 0, errorsmod.Wrapf(types.ErrNothingToExit, "child %d account %d", msg.ChildIndex, msg.Opening.AccountIndex)
	}
	if err := k.mintExit(ctx, msg.ChildIndex, msg.Opening.AccountIndex, account); err != nil {
		return 0, err
	}
	if err := k.Exits.Set(ctx, key, msg.Opening); err != nil {
		return 0, err
	}
	return account.Balance, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventExit{
		ChildIndex: msg.ChildIndex, AccountIndex: msg.Opening.AccountIndex, Owner: msg.Opening.Owner, Amount: account.Balance,
	})
}

// mintExit credits the exited balance on this chain's ledger (through x/bridge, behind the shared
// nullifier) as the exit message from the child: an exit-source inbox entry.
func (k Keeper) mintExit(ctx context.Context, index uint32, accountIndex uint64, account ledger.Account) error {
	childVid, err := k.tree.ChildVid(ctx, index)
	if err != nil {
		return err
	}
	own, err := k.tree.OwnVid(ctx)
	if err != nil {
		return err
	}
	_, err = k.bridge.Deliver(ctx, ledger.ExitMessage(childVid, own, accountIndex, account), ledger.SourceExit)
	return err
}

// provenAccount checks the exit's opening: it opens the child's finalized commitment (x/acceptance),
// the commitment names the child, and the account sits at its index in its ledger.
func (k Keeper) provenAccount(ctx context.Context, index uint32, o types.AccountOpening) (ledger.Account, error) {
	finalized, ok, err := k.finalizedCommitment(ctx, index)
	if err != nil {
		return ledger.Account{}, err
	}
	if !ok {
		return ledger.Account{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d", index)
	}
	depth, err := k.accountDepth(ctx)
	if err != nil {
		return ledger.Account{}, err
	}
	c, account, err := o.Open(depth)
	if err != nil {
		return ledger.Account{}, err
	}
	if h := c.Hash(); !bytes.Equal(hash.EncodeElement(h), finalized) {
		return ledger.Account{}, errorsmod.Wrap(types.ErrInvalidExitProof, "opening is not of the finalized commitment")
	}
	if err := k.checkVid(ctx, index, c.Vid); err != nil {
		return ledger.Account{}, err
	}
	return account, nil
}

// ExitOpening returns the opening an exit of (child, account) was paid on.
func (k Keeper) ExitOpening(ctx context.Context, index uint32, accountIndex uint64) (types.AccountOpening, error) {
	o, err := k.Exits.Get(ctx, collections.Join(index, accountIndex))
	if errors.Is(err, collections.ErrNotFound) {
		return types.AccountOpening{}, errorsmod.Wrapf(types.ErrUnknownExit, "child %d account %d", index, accountIndex)
	}
	return o, err
}

// finalizedCommitment asks x/acceptance for the child's finalized commitment.
func (k Keeper) finalizedCommitment(ctx context.Context, index uint32) ([]byte, bool, error) {
	return k.acceptance.FinalizedCommitment(ctx, index)
}

// accountDepth is the depth of every accounts SMT in the tree (ledger params are uniform across
// it, PROTOCOL "Parameters"): an exit opening must have exactly this many siblings.
func (k Keeper) accountDepth(ctx context.Context) (int, error) {
	p, err := k.ledger.GetParams(ctx)
	if err != nil {
		return 0, err
	}
	return int(p.AccountDepth), nil
}
