package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	slushtypes "github.com/slush-tree/slush/types"
)

// Domains of a departure from a frozen parent (issue 20, docs/PROTOCOL.md "Leaving a frozen
// parent"), after DomainDeparture; frozen.
const (
	// DomainFrozen tags the frozen mark: a frozen child's leaf once a child of it departed.
	DomainFrozen = validiumDomainBase + 2
	// DomainLeaveFrozen tags the message the departing chain's operator key signs.
	DomainLeaveFrozen = validiumDomainBase + 3
)

var _ sdk.HasValidateBasic = (*MsgLeaveFrozenParent)(nil)

// LeaveFrozenGas is charged before a departure from a frozen parent is checked: an EdDSA
// verification and two openings of 8-level SMTs, about 1 ms natively (x/election's price).
const LeaveFrozenGas = 80_000

// FrozenMark is what a frozen child's leaf in this chain's children root commits to once a
// child of it departed: Hash(DomainFrozen, the latest commitment held for it, the root of its
// departures SMT). The leaf so tells every chain that reads this chain's commitment from the
// root's history that the child is frozen and where each departed child of it went.
func FrozenMark(latest, departures fr.Element) fr.Element {
	return hash.Hash(DomainFrozen, latest, departures)
}

// LeaveFrozenMessage is what the departing chain's operator key signs: Hash(DomainLeaveFrozen,
// its vid, the commitment it leaves with, the departure mark) — one destination, one
// registering account, one inbox head, for that state of that chain.
func LeaveFrozenMessage(vid, departed, mark fr.Element) fr.Element {
	return hash.Hash(DomainLeaveFrozen, vid, departed, mark)
}

// DeparturesRoot is the root of a frozen child's departures SMT: leaf i = ChildLeaf(i, mark of
// its child i that departed).
func DeparturesRoot(departures []FrozenDeparture) (fr.Element, error) {
	t, err := departuresTree(departures)
	if err != nil {
		return fr.Element{}, err
	}
	return t.Root()
}

// DepartureOpening is the departures SMT's root and the siblings (leaf level first) of the mark
// of the departed grandchild index: what an arrival proof's FrozenExit carries.
func DepartureOpening(departures []FrozenDeparture, index uint8) (fr.Element, []fr.Element, error) {
	t, err := departuresTree(departures)
	if err != nil {
		return fr.Element{}, nil, err
	}
	root, err := t.Root()
	if err != nil {
		return fr.Element{}, nil, err
	}
	proof, err := t.Prove(index)
	if err != nil {
		return fr.Element{}, nil, err
	}
	return root, proof.Siblings, nil
}

// departuresTree is a frozen child's departures SMT, in memory (at most 255 leaves).
func departuresTree(departures []FrozenDeparture) (*commitment.ChildrenTree, error) {
	t, err := commitment.NewChildrenTree(smt.NewMemStore())
	if err != nil {
		return nil, err
	}
	for _, d := range departures {
		mark, err := hash.DecodeElement(d.Mark)
		if err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidField, "departure %d/%d mark: %v", d.ChildIndex, d.GrandchildIndex, err)
		}
		if err := t.SetChild(uint8(d.GrandchildIndex), mark); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ValidateBasic checks a departure from a frozen parent without state: indices 1..255,
// canonical commitment preimages, 8 canonical siblings, a valid destination and operator, a
// canonical inbox head, a 32-byte key and a signature of the ledger's size.
func (m *MsgLeaveFrozenParent) ValidateBasic() error {
	if err := CheckChildIndex(m.ChildIndex); err != nil {
		return err
	}
	if err := CheckChildIndex(m.GrandchildIndex); err != nil {
		return err
	}
	if _, err := m.Parent.Decode(); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "parent: %v", err)
	}
	if _, err := m.Departed.Decode(); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "departed: %v", err)
	}
	if len(m.Siblings) != commitment.ChildrenDepth {
		return errorsmod.Wrapf(ErrInvalidDeparture, "%d siblings, want %d", len(m.Siblings), commitment.ChildrenDepth)
	}
	for i, s := range m.Siblings {
		if _, err := hash.DecodeElement(s); err != nil {
			return errorsmod.Wrapf(ErrInvalidField, "sibling %d: %v", i, err)
		}
	}
	if err := (Departure{NewParent: m.NewParent, NewOperator: m.NewOperator}).Validate(); err != nil {
		return err
	}
	if _, err := slushtypes.DecodeOperatorKeyHash(m.InboxHead); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "inbox_head: %v", err)
	}
	if len(m.PublicKey) != ledger.PublicKeySize {
		return errorsmod.Wrapf(ErrWrongOperatorKey, "public key of %d bytes, want %d", len(m.PublicKey), ledger.PublicKeySize)
	}
	if len(m.Signature) != ledger.SignatureSize {
		return errorsmod.Wrapf(ErrInvalidDeparture, "signature of %d bytes", len(m.Signature))
	}
	return nil
}

// Validate checks a recorded departure without state (genesis): indices, a destination and
// operator, and canonical commitment, inbox head and mark.
func (d FrozenDeparture) Validate() error {
	if err := CheckChildIndex(d.ChildIndex); err != nil {
		return err
	}
	if err := CheckChildIndex(d.GrandchildIndex); err != nil {
		return err
	}
	if err := (Departure{NewParent: d.NewParent, NewOperator: d.NewOperator}).Validate(); err != nil {
		return err
	}
	if _, err := hash.DecodeElement(d.Commitment); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "departure %d/%d commitment: %v", d.ChildIndex, d.GrandchildIndex, err)
	}
	if _, err := hash.DecodeElement(d.Mark); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "departure %d/%d mark: %v", d.ChildIndex, d.GrandchildIndex, err)
	}
	if _, err := slushtypes.DecodeOperatorKeyHash(d.InboxHead); err != nil {
		return errorsmod.Wrapf(ErrInvalidField, "departure %d/%d inbox_head: %v", d.ChildIndex, d.GrandchildIndex, err)
	}
	return nil
}
