package types

import (
	"math"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/prover"
	"github.com/slush-tree/slush/circuits/subtree"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
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

// validate checks one step on its own: a known kind, the node kinds with their grandchild's
// commitment and report (NodeReport), the leaf kinds without (their report is fixed), the forced
// kinds with their parent outbox and growth proof (ForcedOutbox) and no other kind with them.
func (s SubtreeStep) validate() error {
	if subtree.IsForcedKind(uint64(s.Kind)) {
		if _, _, err := s.ForcedOutbox(); err != nil {
			return err
		}
	} else if len(s.ParentOutbox) > 0 || s.OutboxGrowth != nil {
		return errorsmod.Wrapf(ErrInvalidStep, "kind %d opens no forced deposit: it carries no parent outbox", s.Kind)
	}
	switch s.Kind {
	case subtree.KindLeaf, subtree.KindLeafFirst, subtree.KindLeafForced:
		if s.Commitment != nil || len(s.Report) > 0 {
			return errorsmod.Wrapf(ErrInvalidStep, "kind %d: a leaf step fixes its report; it carries no commitment or report", s.Kind)
		}
	case subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeLedgerForced, subtree.KindNodeChildForced, subtree.KindNodeLedgerExit:
		if _, _, err := s.NodeReport(); err != nil {
			return err
		}
	default: // the native kinds are decoded below (validateNative)
		if !s.IsNative() {
			return errorsmod.Wrapf(ErrInvalidStep, "kind %d: steps are leaf (1), leaf first (2), node ledger (3), node child (4), register (5), node register (6), unregister (7), node unregister (8), leaf forced (9), node ledger forced (10), node child forced (11) or node ledger exit (12)", s.Kind)
		}
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
	if s.IsNative() {
		return s.validateNative()
	}
	if len(s.Siblings) > 0 || s.Previous != nil || len(s.PreviousReport) > 0 || s.InnerIndex != 0 || len(s.InnerSiblings) > 0 {
		return errorsmod.Wrapf(ErrInvalidStep, "kind %d is proven: it carries no path, previous commitment or inner child", s.Kind)
	}
	if len(s.Proof) != prover.CommittedProofSize { // a step circuit's proofs carry one commitment
		return errorsmod.Wrapf(ErrInvalidProof, "step proof of %d bytes, want %d", len(s.Proof), prover.CommittedProofSize)
	}
	return nil
}

// IsNode reports whether the step moves a grandchild that has children (kinds 3, 4, 10, 11 and 12).
func (s SubtreeStep) IsNode() bool {
	switch s.Kind {
	case subtree.KindNodeLedger, subtree.KindNodeChild, subtree.KindNodeLedgerForced, subtree.KindNodeChildForced, subtree.KindNodeLedgerExit:
		return true
	}
	return false
}

// NodeReport decodes a node step's grandchild commitment and report (issue 16): the commitment
// hashes to the step's leaf and is anchored at the step's anchor height; the report is
// canonical (1..MaxReportedBuckets buckets, heights strictly ascending, no zero count, the
// newest at the anchor: what the node step circuit proves, circuits/subtree CheckNodeReport) and
// is the preimage of the commitment's acceptance digest. What the report counts is the step
// proof's to show; the parent bounds its child's report by it (DESIGN §6 on proven states).
func (s SubtreeStep) NodeReport() (commitment.Commitment, acceptancetypes.Histogram, error) {
	if s.Commitment == nil {
		return commitment.Commitment{}, nil, errorsmod.Wrapf(ErrInvalidStep, "kind %d: a node step carries its grandchild's commitment", s.Kind)
	}
	c, err := s.Commitment.Decode()
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	leaf, err := decodeField("leaf", s.Leaf)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	if h := c.Hash(); !h.Equal(&leaf) {
		return commitment.Commitment{}, nil, errorsmod.Wrap(ErrInvalidStep, "the step's commitment does not hash to its leaf")
	}
	if c.AnchorHeight != s.AnchorHeight {
		return commitment.Commitment{}, nil, errorsmod.Wrapf(ErrInvalidStep, "commitment anchored at %d, the step at %d", c.AnchorHeight, s.AnchorHeight)
	}
	report, err := CheckReport(s.Report, c.AnchorHeight)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	if d := report.Digest(); !d.Equal(&c.AcceptanceDigest) {
		return commitment.Commitment{}, nil, errorsmod.Wrap(ErrInvalidStep, "the report is not the preimage of the commitment's acceptance digest")
	}
	return c, report, nil
}

// CheckReport reads a proven grandchild report: 1..MaxReportedBuckets buckets in canonical form
// (acceptance Histogram.Validate), the newest at anchor (a chain's report ends at its own update).
func CheckReport(buckets []acceptancetypes.HistogramBucket, anchor uint64) (acceptancetypes.Histogram, error) {
	if len(buckets) == 0 || len(buckets) > MaxReportedBuckets {
		return nil, errorsmod.Wrapf(ErrInvalidStep, "report of %d buckets, want 1..%d", len(buckets), MaxReportedBuckets)
	}
	h := acceptancetypes.HistogramFromProto(buckets)
	if err := h.Validate(math.MaxUint64); err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidStep, "report: %v", err)
	}
	if last := h[len(h)-1].Height; last != anchor {
		return nil, errorsmod.Wrapf(ErrInvalidStep, "report's newest bucket at %d, the commitment's anchor is %d", last, anchor)
	}
	return h, nil
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
	if out.Siblings, err = decodePath("siblings", f.Siblings); err != nil {
		return FinalizedMove{}, err
	}
	return out, nil
}
