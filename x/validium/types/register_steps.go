package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/subtree"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
)

// IsNative reports whether the step is one the parent checks without a proof: a registered
// grandchild's genesis leaf inserted (kind 5) or removed (kind 7), or a grandchild's registered
// child inserted (kind 6) or removed (kind 8) (issue 16, docs/PROTOCOL.md "Registered
// descendants count").
func (s SubtreeStep) IsNative() bool {
	switch s.Kind {
	case subtree.KindRegister, subtree.KindNodeRegister, subtree.KindUnregister, subtree.KindNodeUnregister:
		return true
	}
	return false
}

// IsRemoval reports whether the step removes the grandchild's leaf (kind 7): the leaf after it
// is empty.
func (s SubtreeStep) IsRemoval() bool { return s.Kind == subtree.KindUnregister }

// ProvenSteps is how many of steps carry a proof (the native kinds are checked without one).
func ProvenSteps(steps []SubtreeStep) int {
	n := 0
	for _, s := range steps {
		if !s.IsNative() {
			n++
		}
	}
	return n
}

// RegisterStep is a decoded native step.
type RegisterStep struct {
	// Siblings is the moved leaf's path in the updating child's children SMT.
	Siblings []fr.Element
	// Genesis is the genesis commitment of the chain registered (kinds 5, 6) or removed (kinds
	// 7, 8): the grandchild's (kinds 5, 7), or the grandchild's child's (kinds 6, 8).
	Genesis commitment.Commitment
	// Previous and PreviousReport are, for kinds 6 and 8, the grandchild's commitment before
	// the step and its report.
	Previous       commitment.Commitment
	PreviousReport acceptancetypes.Histogram
	// InnerIndex and InnerSiblings are, for kinds 6 and 8, the grandchild's child's index and
	// its leaf's path in the grandchild's children SMT (empty for kind 6, its genesis for 8).
	InnerIndex    uint8
	InnerSiblings []fr.Element
}

// validateNative checks a native step on its own: no proof, no report, the registered chain's
// genesis commitment (no anchor, epoch 0) and a children-SMT path; kind 5's genesis hashes to the
// leaf, kind 7's leaf is empty; kinds 6 and 8 with the grandchild's previous commitment and its
// report (canonical, the digest's preimage), the inner index and path (the parent computes the
// new commitment).
func (s SubtreeStep) validateNative() error {
	if len(s.Proof) > 0 {
		return errorsmod.Wrapf(ErrInvalidStep, "kind %d is checked natively: it carries no proof", s.Kind)
	}
	_, err := s.Native()
	return err
}

// Native decodes a native step (validateNative's checks).
func (s SubtreeStep) Native() (RegisterStep, error) {
	var out RegisterStep
	var err error
	if out.Siblings, err = decodePath("siblings", s.Siblings); err != nil {
		return RegisterStep{}, err
	}
	leaf, err := decodeField("leaf", s.Leaf)
	if err != nil {
		return RegisterStep{}, err
	}
	if s.Commitment == nil || len(s.Report) > 0 {
		return RegisterStep{}, errorsmod.Wrapf(ErrInvalidStep, "kind %d carries the registered child's genesis commitment and no report", s.Kind)
	}
	if out.Genesis, err = s.Commitment.Decode(); err != nil {
		return RegisterStep{}, err
	}
	if out.Genesis.AnchorHeight != 0 || out.Genesis.Epoch != 0 {
		return RegisterStep{}, errorsmod.Wrap(ErrInvalidStep, "a genesis commitment has no anchor and epoch 0")
	}
	switch s.Kind {
	case subtree.KindRegister, subtree.KindUnregister:
		if s.Previous != nil || len(s.PreviousReport) > 0 || s.InnerIndex != 0 || len(s.InnerSiblings) > 0 {
			return RegisterStep{}, errorsmod.Wrapf(ErrInvalidStep, "kind %d carries the genesis commitment and a path only", s.Kind)
		}
		want := out.Genesis.Hash() // kind 5 leaves the genesis leaf, kind 7 an empty one
		if s.Kind == subtree.KindUnregister {
			want = fr.Element{}
		}
		if !want.Equal(&leaf) {
			return RegisterStep{}, errorsmod.Wrapf(ErrInvalidStep, "kind %d: the step's leaf is not the one the move leaves (the genesis commitment's hash for 5, empty for 7)", s.Kind)
		}
		if s.AnchorHeight != 0 {
			return RegisterStep{}, errorsmod.Wrap(ErrInvalidStep, "a genesis leaf has no anchor")
		}
	case subtree.KindNodeRegister, subtree.KindNodeUnregister:
		if s.Previous == nil {
			return RegisterStep{}, errorsmod.Wrapf(ErrInvalidStep, "kind %d carries the grandchild's previous commitment", s.Kind)
		}
		if out.Previous, err = s.Previous.Decode(); err != nil {
			return RegisterStep{}, err
		}
		if s.AnchorHeight != out.Previous.AnchorHeight {
			return RegisterStep{}, errorsmod.Wrapf(ErrInvalidStep, "kind %d keeps the anchor %d, the step names %d", s.Kind, out.Previous.AnchorHeight, s.AnchorHeight)
		}
		if out.PreviousReport, err = CheckReport(s.PreviousReport, out.Previous.AnchorHeight); err != nil {
			return RegisterStep{}, err
		}
		if d := out.PreviousReport.Digest(); !d.Equal(&out.Previous.AcceptanceDigest) {
			return RegisterStep{}, errorsmod.Wrap(ErrInvalidStep, "previous_report is not the preimage of the previous commitment's acceptance digest")
		}
		if err := CheckChildIndex(s.InnerIndex); err != nil {
			return RegisterStep{}, errorsmod.Wrapf(ErrInvalidStep, "inner_index: %v", err)
		}
		out.InnerIndex = uint8(s.InnerIndex)
		if out.InnerSiblings, err = decodePath("inner_siblings", s.InnerSiblings); err != nil {
			return RegisterStep{}, err
		}
	default:
		return RegisterStep{}, errorsmod.Wrapf(ErrInvalidStep, "kind %d is not a native step", s.Kind)
	}
	return out, nil
}

// decodePath reads a children-SMT path: exactly commitment.ChildrenDepth canonical hashes.
func decodePath(name string, raw [][]byte) ([]fr.Element, error) {
	if len(raw) != commitment.ChildrenDepth {
		return nil, errorsmod.Wrapf(ErrInvalidStep, "%d %s, want %d", len(raw), name, commitment.ChildrenDepth)
	}
	return decodeFields(name, raw)
}

// ReportOf is an acceptance histogram as the circuits' report.
func ReportOf(h acceptancetypes.Histogram) subtree.Report {
	r := make(subtree.Report, len(h))
	for i, b := range h {
		r[i] = subtree.Bucket{Height: b.Height, Count: b.Count}
	}
	return r
}

// HistogramOf is a circuits' report as an acceptance histogram.
func HistogramOf(r subtree.Report) acceptancetypes.Histogram {
	h := make(acceptancetypes.Histogram, len(r))
	for i, b := range r {
		h[i] = acceptancetypes.Bucket{Height: b.Height, Count: b.Count}
	}
	return h
}

// NativeStepGas is charged per native step before it is checked: a few dozen Poseidon hashes
// (the genesis commitment, two children-SMT paths, the report digests).
const NativeStepGas = 60_000
