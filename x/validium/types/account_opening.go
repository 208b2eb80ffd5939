package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	slushtypes "github.com/slush-tree/slush/types"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
)

// Open checks the opening's chain natively — the ledger root of the commitment opens to
// (accounts root, count), and the account record sits at its index (< count) in the accounts
// SMT — and returns the commitment and the account. Every field element must be canonical
// (ErrInvalidField); any other break is ErrInvalidExitProof. The caller checks the commitment
// is the one it expects (DESIGN §8: exits pay from a finalized commitment). accountDepth is the
// depth of the tree's accounts SMT (ledger params, uniform across the tree): the path must have
// exactly that many siblings, so no inner node of the fixed-depth tree (an untagged compression,
// circuits/hash) is ever taken for an account leaf.
func (o AccountOpening) Open(accountDepth int) (commitment.Commitment, ledger.Account, error) {
	c, err := o.Commitment.Decode()
	if err != nil {
		return commitment.Commitment{}, ledger.Account{}, err
	}
	accountsRoot, root, err := o.ledgerRoot()
	if err != nil {
		return commitment.Commitment{}, ledger.Account{}, err
	}
	if !root.Equal(&c.LedgerRoot) {
		return commitment.Commitment{}, ledger.Account{}, errorsmod.Wrap(ErrInvalidExitProof, "ledger root does not open to (accounts root, count, consumed root)")
	}
	if o.AccountIndex >= o.NumAccounts {
		return commitment.Commitment{}, ledger.Account{}, errorsmod.Wrapf(ErrInvalidExitProof, "account %d of %d", o.AccountIndex, o.NumAccounts)
	}
	account, err := o.account()
	if err != nil {
		return commitment.Commitment{}, ledger.Account{}, err
	}
	siblings, err := decodeSiblings(o.Siblings, ledger.MaxAccountDepth)
	if err != nil {
		return commitment.Commitment{}, ledger.Account{}, err
	}
	if len(siblings) != accountDepth {
		return commitment.Commitment{}, ledger.Account{}, errorsmod.Wrapf(ErrInvalidExitProof, "%d siblings, account depth %d", len(siblings), accountDepth)
	}
	proof := smt.Proof{Index: o.AccountIndex, Value: account.Hash(), Siblings: siblings}
	if err := smt.VerifyProof(accountsRoot, len(siblings), proof); err != nil {
		return commitment.Commitment{}, ledger.Account{}, errorsmod.Wrap(ErrInvalidExitProof, err.Error())
	}
	return c, account, nil
}

// ledgerRoot decodes the opening's accounts and consumed roots (canonical, ErrInvalidField) and
// returns the accounts root and the ledger root they and the account count make.
func (o AccountOpening) ledgerRoot() (accountsRoot, ledgerRoot fr.Element, err error) {
	if accountsRoot, err = decodeField("accounts_root", o.AccountsRoot); err != nil {
		return fr.Element{}, fr.Element{}, err
	}
	consumed, err := decodeField("consumed_root", o.ConsumedRoot)
	if err != nil {
		return fr.Element{}, fr.Element{}, err
	}
	return accountsRoot, ledger.LedgerRoot(accountsRoot, o.NumAccounts, consumed), nil
}

// NewAccountOpening opens account index of the ledger st under c, the preimage of a commitment
// whose ledger root is st's (the caller reads st at that commitment's block): the ledger root's
// preimage, the account record and its path. For an index at or beyond the account count it is
// the no-op opening of an unknown account (the ledger root's preimage only), which only a forced
// withdrawal's no-op proof accepts (NoOpReason). Exits ('tx validium exit'), forced withdrawals
// and their no-op proofs carry it; Open and NoOpReason check it.
func NewAccountOpening(st *ledger.State, c slushtypes.CommitmentFields, index uint64) (AccountOpening, error) {
	accountsRoot, err := st.AccountsRoot()
	if err != nil {
		return AccountOpening{}, err
	}
	consumed, err := st.ConsumedRoot()
	if err != nil {
		return AccountOpening{}, err
	}
	o := AccountOpening{Commitment: c, AccountsRoot: hash.EncodeElement(accountsRoot), NumAccounts: st.NumAccounts(),
		ConsumedRoot: hash.EncodeElement(consumed), AccountIndex: index}
	if index >= st.NumAccounts() {
		return o, nil
	}
	a, ok, err := st.Account(index)
	if err != nil {
		return AccountOpening{}, err
	}
	if !ok {
		return AccountOpening{}, errorsmod.Wrapf(ErrInvalidExitProof, "account %d of %d is not in the ledger", index, st.NumAccounts())
	}
	p, err := st.ProveAccount(index)
	if err != nil {
		return AccountOpening{}, err
	}
	o.Owner, o.AssetId, o.Balance, o.Nonce = hash.EncodeElement(a.Owner), hash.EncodeElement(a.Asset), a.Balance, a.Nonce
	o.Siblings = hash.EncodeElements(p.Siblings)
	return o, nil
}

// account reads the account record with canonical field elements.
func (o AccountOpening) account() (ledger.Account, error) {
	owner, err := decodeField("owner", o.Owner)
	if err != nil {
		return ledger.Account{}, err
	}
	asset, err := decodeField("asset_id", o.AssetId)
	if err != nil {
		return ledger.Account{}, err
	}
	return ledger.Account{Owner: owner, Asset: asset, Balance: o.Balance, Nonce: o.Nonce}, nil
}

// decodeSiblings reads an SMT path of 1..maxDepth canonical elements (ErrInvalidExitProof for
// a wrong length, ErrInvalidField for a non-canonical element).
func decodeSiblings(raw [][]byte, maxDepth int) ([]fr.Element, error) {
	if len(raw) == 0 || len(raw) > maxDepth {
		return nil, errorsmod.Wrapf(ErrInvalidExitProof, "%d siblings", len(raw))
	}
	return decodeFields("sibling", raw)
}

// decodeFields decodes canonical field elements (ErrInvalidField names the first bad one); the
// caller bounds how many.
func decodeFields(name string, raw [][]byte) ([]fr.Element, error) {
	out := make([]fr.Element, len(raw))
	for i, b := range raw {
		e, err := decodeField(name, b)
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
		return fr.Element{}, errorsmod.Wrapf(ErrInvalidField, "%s: %v", name, err)
	}
	return e, nil
}

// ExitProofGas is charged per exit proof an update carries, before it is checked: about forty
// Poseidon hashes natively (the grandchild's commitment, its finalized-children path and the
// account's ledger path).
const ExitProofGas = 100_000

// Decode reads the proof as a node ledger exit step opens it (subtree.ExitOpening, its batch
// slot unset): the exited child's commitment and its path as carried, the account and its path
// in an accounts SMT of accountDepth, each field canonical and the account checked in the opened
// ledger (AccountOpening.Open). The relayer proves a grandchild's exits from it.
func (p ExitProof) Decode(accountDepth int) (subtree.ExitOpening, error) {
	if p.ChildIndex == 0 || p.ChildIndex > slushtypes.MaxChildIndex {
		return subtree.ExitOpening{}, errorsmod.Wrapf(ErrInvalidExitProof, "child index %d", p.ChildIndex)
	}
	child, account, err := p.Opening.Open(accountDepth)
	if err != nil {
		return subtree.ExitOpening{}, err
	}
	o := subtree.ExitOpening{ChildIndex: uint8(p.ChildIndex), Child: child, NumAccounts: p.Opening.NumAccounts,
		AccountIndex: p.Opening.AccountIndex, Account: account}
	if o.AccountsRoot, err = decodeField("accounts_root", p.Opening.AccountsRoot); err != nil {
		return subtree.ExitOpening{}, err
	}
	if o.ConsumedRoot, err = decodeField("consumed_root", p.Opening.ConsumedRoot); err != nil {
		return subtree.ExitOpening{}, err
	}
	if o.AccountSiblings, err = decodeFields("sibling", p.Opening.Siblings); err != nil {
		return subtree.ExitOpening{}, err
	}
	if o.Siblings, err = decodeSiblings(p.FinalizedSiblings, commitment.ChildrenDepth); err != nil {
		return subtree.ExitOpening{}, err
	}
	return o, nil
}

// Verify checks an exit proof against the commitment of the chain that paid the exit (the
// updating child, whose path is parentPath): the opened commitment is a child of it, in its
// finalized children (only a finalized state can be exited from, DESIGN §8), and the account
// sits in that commitment's ledger (an accounts SMT of accountDepth). It returns the exit message
// the proof justifies.
func (p ExitProof) Verify(parent commitment.Commitment, parentPath []uint8, accountDepth int) (inclusion.Message, error) {
	if p.ChildIndex == 0 || p.ChildIndex > slushtypes.MaxChildIndex {
		return inclusion.Message{}, errorsmod.Wrapf(ErrInvalidExitProof, "child index %d", p.ChildIndex)
	}
	exited, account, err := p.Opening.Open(accountDepth)
	if err != nil {
		return inclusion.Message{}, err
	}
	vid, err := slushtypes.Path(parentPath).Child(uint8(p.ChildIndex)).Vid()
	if err != nil {
		return inclusion.Message{}, errorsmod.Wrap(ErrInvalidExitProof, err.Error())
	}
	if !exited.Vid.Equal(&vid) {
		return inclusion.Message{}, errorsmod.Wrapf(ErrInvalidExitProof, "opened commitment is not of child %d", p.ChildIndex)
	}
	siblings, err := decodeSiblings(p.FinalizedSiblings, commitment.ChildrenDepth)
	if err != nil {
		return inclusion.Message{}, err
	}
	leaf := smt.Proof{Index: uint64(p.ChildIndex), Value: commitment.ChildLeaf(uint8(p.ChildIndex), exited.Hash()), Siblings: siblings}
	if len(siblings) != commitment.ChildrenDepth || smt.VerifyProof(parent.FinalizedChildrenRoot, commitment.ChildrenDepth, leaf) != nil {
		return inclusion.Message{}, errorsmod.Wrapf(ErrInvalidExitProof, "child %d's commitment is not in the finalized children root", p.ChildIndex)
	}
	return ledger.ExitMessage(vid, parent.Vid, p.Opening.AccountIndex, account), nil
}
