package keeper

import (
	"context"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
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
		ledger.ErrWrongDestination, ledger.ErrLedgerFull, ledger.ErrOutboxFull,
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

// applyDeposits funds a fresh ledger at genesis: each deposit is a message from the chain to
// itself, pushed to the inbox and minted by a logged bridge-in, so the first batch proves it.
func (k Keeper) applyDeposits(ctx context.Context, deposits []types.GenesisDeposit) error {
	if len(deposits) == 0 {
		return nil
	}
	state, err := k.OpenLedger(ctx)
	if err != nil {
		return err
	}
	for i, d := range deposits {
		recipient, err := hash.DecodeElement(d.Recipient)
		if err != nil {
			return err
		}
		asset, err := hash.DecodeElement(d.AssetId)
		if err != nil {
			return err
		}
		m := inclusion.Message{SrcVid: state.Vid(), DstVid: state.Vid(), Nonce: uint64(i), Recipient: recipient,
			AssetID: asset, Amount: d.Amount}
		if err := state.PushInbox(m); err != nil {
			return err
		}
		op := ledger.NewBridgeIn(m)
		if err := state.Apply(op); err != nil {
			return fmt.Errorf("genesis deposit %d: %w", i, err)
		}
		if _, err := k.appendLog(ctx, op); err != nil {
			return err
		}
	}
	return nil
}

// MintExit credits an exited balance (x/validium's MsgExit, DESIGN §8) on this chain's ledger:
// a message from the frozen child to this chain, pushed to the inbox and minted by a logged
// bridge-in, so this chain's next batch proves the mint.
func (k Keeper) MintExit(ctx context.Context, srcVid, owner, asset fr.Element, amount, nonce uint64) error {
	state, err := k.OpenLedger(ctx)
	if err != nil {
		return err
	}
	m := inclusion.Message{SrcVid: srcVid, DstVid: state.Vid(), Nonce: nonce, Recipient: owner, AssetID: asset, Amount: amount}
	if err := state.PushInbox(m); err != nil {
		return err
	}
	op := ledger.NewBridgeIn(m)
	if err := state.Apply(op); err != nil {
		return ledgerError(err)
	}
	_, err = k.appendLog(ctx, op)
	return err
}
