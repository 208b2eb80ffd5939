package keeper

import (
	"context"
	"errors"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/smtstore"
	"github.com/slush-tree/slush/x/bridge/types"
)

// OpenLedger opens the chain's ledger over the module store (cheap: counters are read back).
func (k Keeper) OpenLedger(ctx context.Context) (*ledger.State, error) {
	lp, err := k.LedgerParams.Get(ctx)
	if err != nil {
		return nil, err
	}
	vid, err := k.validium.OwnVid(ctx)
	if err != nil {
		return nil, err
	}
	return ledger.NewState(smtstore.New(ctx, k.LedgerStore), vid, lp.Ledger())
}

// execute decodes a signed operation of the wanted kind, applies it to the ledger at once
// (DESIGN §4: users see balances immediately) and logs it for the prover.
func (k Keeper) execute(ctx context.Context, opBytes []byte, want ledger.OpKind) (ledger.Op, uint64, error) {
	op, err := ledger.DecodeOp(opBytes)
	if err != nil {
		return ledger.Op{}, 0, errorsmod.Wrap(types.ErrInvalidOp, err.Error())
	}
	if op.Kind != want {
		return ledger.Op{}, 0, errorsmod.Wrapf(types.ErrWrongOpKind, "got %s, want %s", op.Kind, want)
	}
	state, err := k.OpenLedger(ctx)
	if err != nil {
		return ledger.Op{}, 0, err
	}
	if err := state.Apply(op); err != nil {
		return ledger.Op{}, 0, ledgerError(err)
	}
	seq, err := k.appendLog(ctx, op)
	return op, seq, err
}

// ledgerError maps the ledger's rule violations to a registered error; store failures pass through.
func ledgerError(err error) error {
	for _, rule := range []error{
		ledger.ErrBadOp, ledger.ErrBadSignature, ledger.ErrNonce, ledger.ErrInsufficientBalance,
		ledger.ErrAmountRange, ledger.ErrUnknownAccount, ledger.ErrAssetMismatch, ledger.ErrInboxOrder,
		ledger.ErrWrongDestination, ledger.ErrLedgerFull, ledger.ErrOutboxFull, ledger.ErrReceiptsFull,
	} {
		if errors.Is(err, rule) {
			return errorsmod.Wrap(types.ErrLedgerRejected, err.Error())
		}
	}
	return err
}

// appendLog records an executed operation at the next sequence.
func (k Keeper) appendLog(ctx context.Context, op ledger.Op) (uint64, error) {
	seq, err := k.LogLength.Next(ctx)
	if err != nil {
		return 0, err
	}
	entry := types.LoggedOp{Sequence: seq, Height: sdk.UnwrapSDKContext(ctx).BlockHeight(), Op: op.Bytes()}
	return seq, k.Log.Set(ctx, seq, entry)
}

// fundGenesis credits the genesis deposits directly to a fresh ledger (DESIGN §4): the ledger
// root this chain registers with its parent then carries the initial supply, which the parent
// accepts at registration, and no unproven mint ever enters the inbox. An imported ledger holds
// them already (only their record is stored).
func (k Keeper) fundGenesis(ctx context.Context, deposits []types.GenesisDeposit, fresh bool) error {
	if fresh && len(deposits) > 0 {
		state, err := k.OpenLedger(ctx)
		if err != nil {
			return err
		}
		if err := types.FundLedger(state, deposits); err != nil {
			return err
		}
	}
	for i, d := range deposits {
		if err := k.GenesisDeposits.Set(ctx, uint64(i), d); err != nil {
			return err
		}
	}
	return nil
}

// MintExit credits an exited balance (x/validium's MsgExit, DESIGN §8) on this chain's ledger: the
// exit message m from the frozen child, an exit-source bridge-in (so this chain's next batch
// proves the mint, and its parent checks the exit's proof).
func (k Keeper) MintExit(ctx context.Context, m inclusion.Message) error {
	_, _, err := k.mint(ctx, m, ledger.SourceExit)
	return err
}
