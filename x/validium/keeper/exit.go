package keeper

import (
	"bytes"
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/x/validium/types"
)

// exit pays out one account of a frozen child (DESIGN §8, the seed's "Trustless exits"): the
// account must be in the ledger root of the child's finalized commitment; each account exits
// once; the balance is minted to the same owner on this chain's ledger.
func (k Keeper) exit(ctx context.Context, msg *types.MsgExit) (uint64, error) {
	child, err := k.GetChild(ctx, msg.ChildIndex)
	if err != nil {
		return 0, err
	}
	if child.Status != types.ChildStatus_CHILD_STATUS_FROZEN {
		return 0, errorsmod.Wrapf(types.ErrChildNotFrozen, "child %d", msg.ChildIndex)
	}
	exited, err := k.Exits.Has(ctx, collections.Join(msg.ChildIndex, msg.AccountIndex))
	if err != nil {
		return 0, err
	}
	if exited {
		return 0, errorsmod.Wrapf(types.ErrAlreadyExited, "child %d account %d", msg.ChildIndex, msg.AccountIndex)
	}
	account, err := k.provenAccount(ctx, msg)
	if err != nil {
		return 0, err
	}
	if account.Balance == 0 {
		return 0, errorsmod.Wrapf(types.ErrNothingToExit, "child %d account %d", msg.ChildIndex, msg.AccountIndex)
	}
	vid, err := k.childVid(ctx, msg.ChildIndex)
	if err != nil {
		return 0, err
	}
	if k.exits == nil {
		return 0, errorsmod.Wrap(types.ErrInvalidExitProof, "this chain has no ledger to pay exits on")
	}
	if err := k.exits.MintExit(ctx, vid, account.Owner, account.Asset, account.Balance, msg.AccountIndex); err != nil {
		return 0, err
	}
	if err := k.Exits.Set(ctx, collections.Join(msg.ChildIndex, msg.AccountIndex)); err != nil {
		return 0, err
	}
	return account.Balance, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventExit{
		ChildIndex: msg.ChildIndex, AccountIndex: msg.AccountIndex, Owner: msg.Owner, Amount: account.Balance,
	})
}

// provenAccount checks the exit's chain of openings: the preimage hashes to the child's
// finalized commitment, names the child, its ledger root opens to (accounts root, count),
// and the account record sits at its index in the accounts SMT.
func (k Keeper) provenAccount(ctx context.Context, msg *types.MsgExit) (ledger.Account, error) {
	finalized, ok, err := k.finalizedCommitment(ctx, msg.ChildIndex)
	if err != nil {
		return ledger.Account{}, err
	}
	if !ok {
		return ledger.Account{}, errorsmod.Wrapf(types.ErrNotFinalized, "child %d", msg.ChildIndex)
	}
	c, err := msg.FinalizedCommitment.Decode()
	if err != nil {
		return ledger.Account{}, err
	}
	if h := c.Hash(); !bytes.Equal(hash.EncodeElement(h), finalized) {
		return ledger.Account{}, errorsmod.Wrap(types.ErrInvalidExitProof, "preimage is not the finalized commitment")
	}
	if err := k.checkVid(ctx, msg.ChildIndex, c.Vid); err != nil {
		return ledger.Account{}, err
	}
	accountsRoot, err := decodeField("accounts_root", msg.AccountsRoot)
	if err != nil {
		return ledger.Account{}, err
	}
	if root := ledger.LedgerRoot(accountsRoot, msg.NumAccounts); !root.Equal(&c.LedgerRoot) {
		return ledger.Account{}, errorsmod.Wrap(types.ErrInvalidExitProof, "ledger root does not open to (accounts root, count)")
	}
	if msg.AccountIndex >= msg.NumAccounts {
		return ledger.Account{}, errorsmod.Wrapf(types.ErrInvalidExitProof, "account %d of %d", msg.AccountIndex, msg.NumAccounts)
	}
	account, err := decodeAccount(msg)
	if err != nil {
		return ledger.Account{}, err
	}
	siblings, err := decodeSiblings(msg.Siblings)
	if err != nil {
		return ledger.Account{}, err
	}
	proof := smt.Proof{Index: msg.AccountIndex, Value: account.Hash(), Siblings: siblings}
	if err := smt.VerifyProof(accountsRoot, len(siblings), proof); err != nil {
		return ledger.Account{}, errorsmod.Wrap(types.ErrInvalidExitProof, err.Error())
	}
	return account, nil
}

// finalizedCommitment asks x/acceptance for the child's finalized commitment.
func (k Keeper) finalizedCommitment(ctx context.Context, index uint32) ([]byte, bool, error) {
	if k.acceptance == nil {
		return nil, false, nil
	}
	return k.acceptance.FinalizedCommitment(ctx, index)
}

// decodeAccount reads the account record with canonical field elements.
func decodeAccount(msg *types.MsgExit) (ledger.Account, error) {
	owner, err := decodeField("owner", msg.Owner)
	if err != nil {
		return ledger.Account{}, err
	}
	asset, err := decodeField("asset_id", msg.AssetId)
	if err != nil {
		return ledger.Account{}, err
	}
	return ledger.Account{Owner: owner, Asset: asset, Balance: msg.Balance, Nonce: msg.Nonce}, nil
}

// decodeSiblings reads an SMT path: canonical elements, at most ledger.MaxAccountDepth of them.
func decodeSiblings(raw [][]byte) ([]fr.Element, error) {
	if len(raw) == 0 || len(raw) > ledger.MaxAccountDepth {
		return nil, errorsmod.Wrapf(types.ErrInvalidExitProof, "%d siblings", len(raw))
	}
	out := make([]fr.Element, len(raw))
	for i, b := range raw {
		e, err := decodeField("sibling", b)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// decodeField decodes one canonical field element or fails with ErrInvalidField.
func decodeField(name string, b []byte) (fr.Element, error) {
	e, err := hash.DecodeElement(b)
	if err != nil {
		return fr.Element{}, errorsmod.Wrapf(types.ErrInvalidField, "%s: %v", name, err)
	}
	return e, nil
}
