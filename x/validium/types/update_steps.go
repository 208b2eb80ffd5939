package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/subtree"
)

// StepPublicInputs is the public input count of a step proof: one hashed statement
// (subtree.StepPublic.Statement).
const StepPublicInputs = 1

// MaxStepsPerUpdateCap bounds params.max_steps_per_update: each step is one verification.
const MaxStepsPerUpdateCap = 64

// MaxProvenLeavesPerGrandchild bounds the proven commitments a parent keeps per grandchild until
// one of them is finalized (a leaf child's commitment finalizes at its next update, so an honest
// child holds about two).
const MaxProvenLeavesPerGrandchild = 64

// validateSteps checks the update's step proofs and finalized moves on their own (issue 16):
// bounded counts, known kinds, grandchild indices 1..255, canonical fields, paths of the
// children SMT's depth and proofs of the proof size.
func (m *MsgSubmitUpdate) validateSteps() error {
	if len(m.Steps) > MaxStepsPerUpdateCap {
		return errorsmod.Wrapf(ErrTooManySteps, "%d > %d", len(m.Steps), MaxStepsPerUpdateCap)
	}
	for i, s := range m.Steps {
		if err := s.validate(); err != nil {
			return errorsmod.Wrapf(err, "step %d", i)
		}
	}
	if len(m.FinalizedMoves) > MaxStepsPerUpdateCap {
		return errorsmod.Wrapf(ErrTooManySteps, "%d finalized moves > %d", len(m.FinalizedMoves), MaxStepsPerUpdateCap)
	}
	for i, f := range m.FinalizedMoves {
		if _, err := f.Decode(); err != nil {
			return errorsmod.Wrapf(err, "finalized move %d", i)
		}
	}
	return nil
}

// validate checks one step on its own.
func (s SubtreeStep) validate() error {
	if s.Kind != subtree.KindLeaf && s.Kind != subtree.KindLeafFirst {
		return errorsmod.Wrapf(ErrInvalidStep, "kind %d: only leaf steps (1, 2) exist", s.Kind)
	}
	if err := CheckChildIndex(s.Index); err != nil {
		return errorsmod.Wrap(ErrInvalidStep, err.Error())
	}
	if _, err := decodeField("root_after", s.RootAfter); err != nil {
		return err
	}
	if _, err := decodeField("leaf", s.Leaf); err != nil {
		return err
	}
	if len(s.Proof) != prover.CommittedProofSize { // a step circuit's proofs carry one commitment
		return errorsmod.Wrapf(ErrInvalidProof, "step proof of %d bytes, want %d", len(s.Proof), prover.CommittedProofSize)
	}
	return nil
}

// FinalizedMove is a decoded FinalizedLeafMove.
type FinalizedMove struct {
	// Index is the grandchild's index.
	Index uint8
	// Previous is the commitment hash the leaf held; HadPrevious is false for an empty leaf.
	Previous    fr.Element
	HadPrevious bool
	// Commitment is the newly finalized commitment hash.
	Commitment fr.Element
	// Siblings is the leaf's path in the finalized children SMT.
	Siblings []fr.Element
}

// Decode reads the move: index 1..255, canonical hashes, a path of commitment.ChildrenDepth.
func (f FinalizedLeafMove) Decode() (FinalizedMove, error) {
	if err := CheckChildIndex(f.Index); err != nil {
		return FinalizedMove{}, errorsmod.Wrap(ErrInvalidStep, err.Error())
	}
	out := FinalizedMove{Index: uint8(f.Index), HadPrevious: len(f.Previous) > 0}
	var err error
	if out.HadPrevious {
		if out.Previous, err = decodeField("previous", f.Previous); err != nil {
			return FinalizedMove{}, err
		}
	}
	if out.Commitment, err = decodeField("commitment", f.Commitment); err != nil {
		return FinalizedMove{}, err
	}
	if len(f.Siblings) != commitment.ChildrenDepth {
		return FinalizedMove{}, errorsmod.Wrapf(ErrInvalidStep, "%d siblings, want %d", len(f.Siblings), commitment.ChildrenDepth)
	}
	out.Siblings = make([]fr.Element, len(f.Siblings))
	for i, b := range f.Siblings {
		if out.Siblings[i], err = decodeField("sibling", b); err != nil {
			return FinalizedMove{}, err
		}
	}
	return out, nil
}
