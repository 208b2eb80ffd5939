package inclusion

import (
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// Hop is one step down the tree: Record is child Index of the previous record.
type Hop struct {
	// Index is the child index (1..255) in the parent's children SMT.
	Index uint8
	// Record is the child's commitment record.
	Record commitment.Commitment
	// Siblings is the finalized-children-SMT path of Index in the parent (ChildrenDepth elements).
	Siblings []fr.Element
}

// Witness is the full native input of an inclusion proof.
type Witness struct {
	// Root is the root validium's commitment record.
	Root commitment.Commitment
	// Hops lead from the root down to the source validium (empty: the root itself).
	Hops []Hop
	// Leaf is the item's preimage.
	Leaf Leaf
	// Acc proves Leaf.Hash() in the source's outbox (message) or receipt tree (receipt).
	Acc smt.AccumulatorProof
}

// Statement is the public part of an inclusion proof.
type Statement struct {
	// RootCommitment is the root commitment hash.
	RootCommitment fr.Element
	// RootHeight is the root height of that commitment.
	RootHeight uint64
	// LeafHash is the message or receipt hash.
	LeafHash fr.Element
	// DstVid is the item's destination.
	DstVid fr.Element
	// Kind is message or receipt.
	Kind Kind
}

// ErrInvalidWitness is returned when a witness does not satisfy the relation.
var ErrInvalidWitness = errors.New("inclusion: invalid witness")

// Statement returns the public statement the witness proves.
func (w Witness) Statement() Statement {
	return Statement{
		RootCommitment: w.Root.Hash(),
		RootHeight:     w.Root.AnchorHeight,
		LeafHash:       w.Leaf.Hash(),
		DstVid:         w.Leaf.DstVid,
		Kind:           w.Leaf.Kind,
	}
}

// Source returns the record of the validium holding the item.
func (w Witness) Source() commitment.Commitment {
	if len(w.Hops) == 0 {
		return w.Root
	}
	return w.Hops[len(w.Hops)-1].Record
}

// Check verifies natively everything the circuit enforces.
func (w Witness) Check(maxDepth int) error {
	if len(w.Hops) > maxDepth {
		return fmt.Errorf("%w: %d hops > max depth %d", ErrInvalidWitness, len(w.Hops), maxDepth)
	}
	if err := w.Leaf.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidWitness, err)
	}
	if !w.Root.Vid.IsZero() {
		return fmt.Errorf("%w: root vid is not 0", ErrInvalidWitness)
	}
	parent := w.Root
	path := make([]uint8, 0, len(w.Hops))
	for j, h := range w.Hops {
		path = append(path, h.Index)
		vid, err := commitment.PackVid(path)
		if err != nil {
			return fmt.Errorf("%w: hop %d: %v", ErrInvalidWitness, j+1, err)
		}
		if h.Record.Vid != vid {
			return fmt.Errorf("%w: hop %d: record vid does not match its path", ErrInvalidWitness, j+1)
		}
		p := smt.Proof{Index: uint64(h.Index), Value: commitment.ChildLeaf(h.Index, h.Record.Hash()), Siblings: h.Siblings}
		if err := smt.VerifyProof(parent.FinalizedChildrenRoot, commitment.ChildrenDepth, p); err != nil {
			return fmt.Errorf("%w: hop %d: not in the parent's finalized children root: %v", ErrInvalidWitness, j+1, err)
		}
		parent = h.Record
	}
	src := w.Source()
	if w.Leaf.SrcVid != src.Vid {
		return fmt.Errorf("%w: leaf source vid is not the holding validium", ErrInvalidWitness)
	}
	if w.Acc.Item != w.Leaf.Hash() {
		return fmt.Errorf("%w: accumulator item is not the leaf hash", ErrInvalidWitness)
	}
	accRoot := src.OutboxRoot
	if w.Leaf.Kind == KindReceipt {
		accRoot = src.ReceiptRoot
	}
	if err := smt.VerifyAccumulatorProof(accRoot, AccumulatorDepth, w.Acc); err != nil {
		return fmt.Errorf("%w: accumulator: %v", ErrInvalidWitness, err)
	}
	return nil
}

// Assign checks the witness natively and returns the full circuit assignment
// for a circuit built with New(maxDepth).
func (w Witness) Assign(maxDepth int) (*Circuit, error) {
	if err := w.Check(maxDepth); err != nil {
		return nil, err
	}
	return w.AssignUnchecked(maxDepth), nil
}

// AssignUnchecked builds the assignment without native checks (tests use it
// to feed invalid witnesses to the circuit). It pads unused hops with zeros.
func (w Witness) AssignUnchecked(maxDepth int) *Circuit {
	c := &Circuit{Path: w.AssignPath(maxDepth)}
	st := w.Statement()
	st.assignPublic(c)
	c.SrcVid = w.Leaf.SrcVid
	for i := range c.Body {
		c.Body[i] = w.Leaf.Body[i]
	}
	return c
}

// AssignPath is the in-circuit Path of the witness (unused hops padded with zeros), without
// native checks: the part of the assignment the ledger circuit's claim sections share.
func (w Witness) AssignPath(maxDepth int) Path {
	p := NewPath(maxDepth)
	p.AccIndex = w.Acc.Index
	p.AccSize = w.Acc.Size
	for i := range p.AccSiblings {
		p.AccSiblings[i] = elemOrZero(w.Acc.Siblings, i)
	}
	p.Records[0] = commitment.Assign(w.Root)
	for j := 1; j <= maxDepth; j++ {
		if j <= len(w.Hops) {
			h := w.Hops[j-1]
			p.Records[j] = commitment.Assign(h.Record)
			p.Active[j-1] = 1
			p.ChildIndex[j-1] = h.Index
			for i := range p.ChildSiblings[j-1] {
				p.ChildSiblings[j-1][i] = elemOrZero(h.Siblings, i)
			}
		} else {
			p.Records[j] = commitment.Zero()
			p.Active[j-1] = 0
			p.ChildIndex[j-1] = 0
			for i := range p.ChildSiblings[j-1] {
				p.ChildSiblings[j-1][i] = 0
			}
		}
	}
	return p
}

// PaddingPath is the assignment of an unused path (enabled = 0): all zeros, with an
// accumulator of size 1 so the index range check holds.
func PaddingPath(maxDepth int) Path {
	p := Witness{Root: commitment.Commitment{}, Acc: smt.AccumulatorProof{Size: 1}}.AssignPath(maxDepth)
	return p
}

func elemOrZero(s []fr.Element, i int) frontend.Variable {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func (s Statement) assignPublic(c *Circuit) {
	c.RootCommitment = s.RootCommitment
	c.RootHeight = s.RootHeight
	c.LeafHash = s.LeafHash
	c.DstVid = s.DstVid
	c.Kind = uint64(s.Kind)
}

// PublicAssignment returns a circuit assignment holding only the public inputs
// (for witness.Public / verification).
func (s Statement) PublicAssignment(maxDepth int) *Circuit {
	c := New(maxDepth)
	s.assignPublic(c)
	return c
}

// PublicInputs returns the public inputs in circuit order.
func (s Statement) PublicInputs() []fr.Element {
	return []fr.Element{s.RootCommitment, hash.Uint64(s.RootHeight), s.LeafHash, s.DstVid, hash.Uint64(uint64(s.Kind))}
}

// StatementSize is the length of an encoded Statement.
const StatementSize = NbPublicInputs * hash.ElementSize

// Bytes encodes the statement as its public inputs, 32 bytes each.
func (s Statement) Bytes() []byte {
	out := make([]byte, 0, StatementSize)
	for _, e := range s.PublicInputs() {
		out = append(out, hash.EncodeElement(e)...)
	}
	return out
}

// StatementFromPublicInputs validates public inputs (RootHeight < 2^64,
// Kind in {0, 1}) and returns the statement.
func StatementFromPublicInputs(in []fr.Element) (Statement, error) {
	if len(in) != NbPublicInputs {
		return Statement{}, fmt.Errorf("inclusion: %d public inputs, want %d", len(in), NbPublicInputs)
	}
	if !in[1].IsUint64() {
		return Statement{}, errors.New("inclusion: root height does not fit in 64 bits")
	}
	if !in[4].IsUint64() || in[4].Uint64() > uint64(KindReceipt) {
		return Statement{}, errors.New("inclusion: kind must be 0 or 1")
	}
	return Statement{RootCommitment: in[0], RootHeight: in[1].Uint64(), LeafHash: in[2], DstVid: in[3], Kind: Kind(in[4].Uint64())}, nil
}

// ParseStatement decodes Bytes, rejecting wrong lengths and non-canonical elements.
func ParseStatement(b []byte) (Statement, error) {
	if len(b) != StatementSize {
		return Statement{}, fmt.Errorf("inclusion: statement of %d bytes, want %d", len(b), StatementSize)
	}
	in, err := hash.DecodeElements(b)
	if err != nil {
		return Statement{}, err
	}
	return StatementFromPublicInputs(in)
}
