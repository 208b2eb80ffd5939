package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/smt"
)

// maxOutboxDepth bounds an outbox growth path statelessly (smt accumulators are at most 62 deep;
// the tree's outbox depth is checked when the step is verified).
const maxOutboxDepth = 62

// ForcedOutbox decodes a forced step's (kinds 9 and 10) parent outbox root and the proof that it is
// an earlier state of the updating child's new outbox (docs/PROTOCOL.md "Forced deposits into
// grandchildren"): canonical elements, sizes 1 <= earlier <= later, a path of 1..62 siblings.
func (s SubtreeStep) ForcedOutbox() (fr.Element, smt.AccumulatorGrowth, error) {
	outbox, err := decodeField("parent_outbox", s.ParentOutbox)
	if err != nil {
		return fr.Element{}, smt.AccumulatorGrowth{}, err
	}
	g := s.OutboxGrowth
	if g == nil {
		return fr.Element{}, smt.AccumulatorGrowth{}, errorsmod.Wrap(ErrInvalidStep, "a forced step carries its outbox growth proof")
	}
	if g.EarlierSize == 0 || g.EarlierSize > g.LaterSize {
		return fr.Element{}, smt.AccumulatorGrowth{}, errorsmod.Wrapf(ErrInvalidStep, "outbox growth from %d to %d items", g.EarlierSize, g.LaterSize)
	}
	if len(g.Siblings) == 0 || len(g.Siblings) > maxOutboxDepth {
		return fr.Element{}, smt.AccumulatorGrowth{}, errorsmod.Wrapf(ErrInvalidStep, "outbox growth path of %d siblings", len(g.Siblings))
	}
	last, err := decodeField("outbox_growth.last", g.Last)
	if err != nil {
		return fr.Element{}, smt.AccumulatorGrowth{}, err
	}
	siblings, err := decodeFields("outbox_growth.siblings", g.Siblings)
	if err != nil {
		return fr.Element{}, smt.AccumulatorGrowth{}, err
	}
	return outbox, smt.AccumulatorGrowth{EarlierSize: g.EarlierSize, LaterSize: g.LaterSize, Last: last, Siblings: siblings}, nil
}
