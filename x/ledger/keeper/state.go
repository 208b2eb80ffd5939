package keeper

import (
	"context"
	"errors"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/internal/smtstore"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/ledger/types"
)

// GetParams returns the ledger's shape.
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) { return k.Params.Get(ctx) }

// Open opens the chain's ledger over the module store (cheap: counters are read back).
func (k Keeper) Open(ctx context.Context) (*ledger.State, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	vid, err := k.tree.OwnVid(ctx)
	if err != nil {
		return nil, err
	}
	return ledger.NewState(smtstore.New(ctx, k.State), vid, p.Ledger())
}

// Execute decodes a signed operation of the wanted kind, applies it to the ledger at once
// (DESIGN §4: users see balances immediately) and logs it for the prover. It returns the
// operation and its log sequence.
func (k Keeper) Execute(ctx context.Context, opBytes []byte, want ledger.OpKind) (ledger.Op, uint64, error) {
	op, err := types.DecodeOp(opBytes, want)
	if err != nil {
		return ledger.Op{}, 0, err
	}
	if err := k.checkNotDeparting(ctx); err != nil {
		return ledger.Op{}, 0, err
	}
	state, err := k.Open(ctx)
	if err != nil {
		return ledger.Op{}, 0, err
	}
	if err := state.Apply(op); err != nil {
		if err == ledger.ErrBadSignature { // the bare error (not wrapped): the key owns the account, the signature fails
			return ledger.Op{}, 0, wrongChainSignature(state.Vid())
		}
		return ledger.Op{}, 0, ledgerError(err)
	}
	seq, err := k.appendLog(ctx, op)
	return op, seq, err
}

// BurnBridgeOut executes a signed bridge-out (DESIGN §7.1: burn, append the message to the
// outbox) and returns the message it appended.
func (k Keeper) BurnBridgeOut(ctx context.Context, opBytes []byte) (types.Burnt, error) {
	op, seq, err := k.Execute(ctx, opBytes, ledger.OpBridgeOut)
	if err != nil {
		return types.Burnt{}, err
	}
	state, err := k.Open(ctx)
	if err != nil {
		return types.Burnt{}, err
	}
	index := state.Outbox().Size() - 1
	item, err := state.Outbox().Get(index)
	if err != nil {
		return types.Burnt{}, err
	}
	m := inclusion.Message{SrcVid: state.Vid(), DstVid: op.DstVid, Nonce: index, Recipient: op.Recipient,
		AssetID: op.Asset, Amount: op.Amount, Deadline: op.Deadline}
	if h := m.Hash(); !h.Equal(&item) { // the ledger and this record must describe the same message
		return types.Burnt{}, errors.New("ledger: outbox item is not the bridge-out's message")
	}
	return types.Burnt{Op: op, Sequence: seq, Message: m, OutboxIndex: index}, nil
}

// Mint delivers message m to its recipient (DESIGN §7.3): a logged bridge-in of source src (so
// the next batch proves it as that source requires) after pushing m to the inbox; the ledger
// appends its receipt. It returns the receipt hash and index. Deciding that m may be minted
// here at all (nullifier, proof) is the caller's job (x/bridge).
func (k Keeper) Mint(ctx context.Context, m inclusion.Message, src ledger.Source) (fr.Element, uint64, error) {
	if err := k.checkNotDeparting(ctx); err != nil {
		return fr.Element{}, 0, err
	}
	state, err := k.Open(ctx)
	if err != nil {
		return fr.Element{}, 0, err
	}
	if err := state.PushInbox(m, src); err != nil {
		return fr.Element{}, 0, ledgerError(err)
	}
	op := ledger.NewBridgeIn(m, src)
	if err := state.Apply(op); err != nil {
		return fr.Element{}, 0, ledgerError(err)
	}
	if _, err := k.appendLog(ctx, op); err != nil {
		return fr.Element{}, 0, err
	}
	return inclusion.ReceiptFor(m).Hash(), state.Receipts().Size() - 1, nil
}

// CurrentRoots reads the ledger's roots for this chain's commitment (DESIGN §3).
func (k Keeper) CurrentRoots(ctx context.Context) (types.Roots, error) {
	state, err := k.Open(ctx)
	if err != nil {
		return types.Roots{}, err
	}
	r := types.Roots{Vid: state.Vid()}
	if r.Ledger, err = state.Root(); err != nil {
		return types.Roots{}, err
	}
	if r.Outbox, err = state.OutboxRoot(); err != nil {
		return types.Roots{}, err
	}
	if r.Receipts, err = state.ReceiptRoot(); err != nil {
		return types.Roots{}, err
	}
	if r.InboxHead, err = state.InboxHead(state.InboxConsumed()); err != nil {
		return types.Roots{}, err
	}
	r.LogLength, err = k.LogLength.Peek(ctx)
	return r, err
}

// checkNotDeparting refuses every change of the ledger while the chain departs (issue 20,
// docs/PROTOCOL.md "Re-parenting" 4.): operations, claims, forced mints and exit credits alike.
func (k Keeper) checkNotDeparting(ctx context.Context) error {
	departing, err := k.tree.Departing(ctx)
	if err != nil {
		return err
	}
	if departing {
		return errorsmod.Wrap(types.ErrDeparting, "cancel the departure (governance) to change the ledger")
	}
	return nil
}

// ledgerError maps the ledger's rule violations to a registered error; store failures pass through.
func ledgerError(err error) error {
	for _, rule := range []error{
		ledger.ErrBadOp, ledger.ErrBadSignature, ledger.ErrNonce, ledger.ErrInsufficientBalance,
		ledger.ErrAmountRange, ledger.ErrUnknownAccount, ledger.ErrAssetMismatch, ledger.ErrInboxOrder,
		ledger.ErrWrongDestination, ledger.ErrLedgerFull, ledger.ErrOutboxFull, ledger.ErrReceiptsFull,
		ledger.ErrConsumedTwice, ledger.ErrConsumedSlotTaken,
	} {
		if errors.Is(err, rule) {
			return errorsmod.Wrap(types.ErrLedgerRejected, err.Error())
		}
	}
	return err
}

// wrongChainSignature is the refusal of a signature that does not verify although the key owns
// the account, naming its likely cause: the signature covers the chain's vid, and the op was
// signed for another chain (e.g. made with `slushchaind ledger ... --path` of another chain).
func wrongChainSignature(vid fr.Element) error {
	return errorsmod.Wrapf(types.ErrLedgerRejected, "%v: the key owns the account but the signature does not verify for this chain (path %s): "+
		"was the op signed for another chain's --path?", ledger.ErrBadSignature, slushtypes.VidName(vid))
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
		state, err := k.Open(ctx)
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

// CheckSignedHere refuses a signed operation (transfer, bridge-out) whose signature does not
// verify for this chain's vid, naming the chain it was signed for when it is a nearby one
// (types.CheckSignedFor). The ante handler calls it so that such an op fails in CheckTx.
func (k Keeper) CheckSignedHere(ctx context.Context, op ledger.Op) error {
	vid, err := k.tree.OwnVid(ctx)
	if err != nil {
		return err
	}
	own, err := slushtypes.PathOfVid(vid)
	if err != nil {
		return err
	}
	return types.CheckSignedFor(op, own)
}
