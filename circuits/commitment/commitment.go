// Package commitment defines the validium commitment record of DESIGN §3,
// its native hash and in-circuit gadget, the children-SMT leaf, and the vid
// packing of tree paths.
package commitment

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// NumFields is the number of field elements hashed into a commitment.
const NumFields = 11

// ChildrenDepth is the depth of a children SMT (keyed by child index < 256).
const ChildrenDepth = 8

// Commitment is the state commitment of one validium. Its hash is
// Hash(DomainCommitment, Vid, LedgerRoot, OutboxRoot, ReceiptRoot,
// ChildrenRoot, FinalizedChildrenRoot, AnchorHeight, AnchorCommitment,
// AcceptanceDigest, OperatorKeyHash, Epoch), in exactly this order.
//
// ChildrenRoot binds the children's latest accepted commitments (what the
// election's descendant proofs walk); FinalizedChildrenRoot binds their
// finalized ones (what bridge inclusion proofs walk, DESIGN §7.2: a message
// counts only once the state that burnt it is final along its whole path).
//
// For the root validium, AnchorHeight is the root's own block height at which
// the commitment is made and AnchorCommitment the previous root commitment;
// the inclusion circuit binds its public root height to this field.
type Commitment struct {
	// Vid is the packed tree path of the validium (PackVid).
	Vid fr.Element
	// LedgerRoot is the root of the own-state ledger (accounts SMT).
	LedgerRoot fr.Element
	// OutboxRoot is the accumulator root of outgoing bridge messages.
	OutboxRoot fr.Element
	// ReceiptRoot is the accumulator root of receipts for claimed messages.
	ReceiptRoot fr.Element
	// ChildrenRoot is the children SMT root (ChildLeaf values keyed by child index).
	ChildrenRoot fr.Element
	// FinalizedChildrenRoot is the SMT root of the children's finalized commitments
	// (ChildLeaf values keyed by child index; a child without one has no leaf).
	FinalizedChildrenRoot fr.Element
	// AnchorHeight is the root height this commitment is anchored to.
	AnchorHeight uint64
	// AnchorCommitment is the root commitment at AnchorHeight.
	AnchorCommitment fr.Element
	// AcceptanceDigest is the digest of the acceptance histogram.
	AcceptanceDigest fr.Element
	// OperatorKeyHash is the hash of the current operator key.
	OperatorKeyHash fr.Element
	// Epoch is the operator epoch (bumped by re-election).
	Epoch uint64
}

// Elements returns the hashed fields in order.
func (c Commitment) Elements() [NumFields]fr.Element {
	return [NumFields]fr.Element{
		c.Vid, c.LedgerRoot, c.OutboxRoot, c.ReceiptRoot, c.ChildrenRoot, c.FinalizedChildrenRoot,
		hash.Uint64(c.AnchorHeight), c.AnchorCommitment, c.AcceptanceDigest,
		c.OperatorKeyHash, hash.Uint64(c.Epoch),
	}
}

// Hash returns the commitment hash.
func (c Commitment) Hash() fr.Element {
	e := c.Elements()
	return hash.Hash(hash.DomainCommitment, e[:]...)
}

// Var is the in-circuit commitment record.
type Var struct {
	Vid, LedgerRoot, OutboxRoot, ReceiptRoot         frontend.Variable
	ChildrenRoot, FinalizedChildrenRoot              frontend.Variable
	AnchorHeight, AnchorCommitment, AcceptanceDigest frontend.Variable
	OperatorKeyHash, Epoch                           frontend.Variable
}

// Assign returns the circuit assignment of c.
func Assign(c Commitment) Var {
	return Var{
		Vid: c.Vid, LedgerRoot: c.LedgerRoot, OutboxRoot: c.OutboxRoot,
		ReceiptRoot: c.ReceiptRoot, ChildrenRoot: c.ChildrenRoot, FinalizedChildrenRoot: c.FinalizedChildrenRoot,
		AnchorHeight: c.AnchorHeight, AnchorCommitment: c.AnchorCommitment,
		AcceptanceDigest: c.AcceptanceDigest, OperatorKeyHash: c.OperatorKeyHash,
		Epoch: c.Epoch,
	}
}

// Zero returns an all-zero assignment (used for padding).
func Zero() Var {
	return Var{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
}

// HashGadget is the in-circuit Commitment.Hash. AnchorHeight and Epoch are
// hashed as field elements; callers that rely on them being 64-bit integers
// range-check them (RangeCheckGadget).
func (c Var) HashGadget(api frontend.API) frontend.Variable {
	return hash.HashGadget(api, hash.DomainCommitment,
		c.Vid, c.LedgerRoot, c.OutboxRoot, c.ReceiptRoot, c.ChildrenRoot, c.FinalizedChildrenRoot,
		c.AnchorHeight, c.AnchorCommitment, c.AcceptanceDigest, c.OperatorKeyHash, c.Epoch)
}

// RangeCheckGadget asserts AnchorHeight and Epoch fit in 64 bits.
func (c Var) RangeCheckGadget(api frontend.API) {
	api.ToBinary(c.AnchorHeight, 64)
	api.ToBinary(c.Epoch, 64)
}

// ChildLeaf is the children-SMT value of a child: Hash(DomainChild, index, commitmentHash).
func ChildLeaf(index uint8, commitmentHash fr.Element) fr.Element {
	return hash.Hash(hash.DomainChild, hash.Uint64(uint64(index)), commitmentHash)
}

// ChildLeafGadget is the in-circuit ChildLeaf.
func ChildLeafGadget(api frontend.API, index, commitmentHash frontend.Variable) frontend.Variable {
	return hash.HashGadget(api, hash.DomainChild, index, commitmentHash)
}

// ChildrenTree is a children SMT: child index -> ChildLeaf(index, commitment hash).
type ChildrenTree struct {
	t *smt.Tree
}

// NewChildrenTree opens a children SMT over store.
func NewChildrenTree(store smt.Store) (*ChildrenTree, error) {
	t, err := smt.New(store, ChildrenDepth)
	if err != nil {
		return nil, err
	}
	return &ChildrenTree{t: t}, nil
}

// SetChild records child index's latest commitment hash; a zero hash empties the slot, as an
// SMT move reads it (subtree.MoveLeaf: no commitment hashes to zero).
func (c *ChildrenTree) SetChild(index uint8, commitmentHash fr.Element) error {
	if index == 0 {
		return ErrInvalidPath
	}
	if commitmentHash.IsZero() {
		return c.RemoveChild(index)
	}
	return c.t.Set(uint64(index), ChildLeaf(index, commitmentHash))
}

// RemoveChild deletes child index.
func (c *ChildrenTree) RemoveChild(index uint8) error { return c.t.Delete(uint64(index)) }

// Root returns the children root.
func (c *ChildrenTree) Root() (fr.Element, error) { return c.t.Root() }

// Prove returns the SMT proof of child index.
func (c *ChildrenTree) Prove(index uint8) (smt.Proof, error) { return c.t.Prove(uint64(index)) }

// EmptyChildrenRoot is the children root of a validium without children.
func EmptyChildrenRoot() fr.Element { return smt.EmptyRoot(ChildrenDepth) }
