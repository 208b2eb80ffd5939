package types

import errorsmod "cosmossdk.io/errors"

// MaxProvenDepth is the depth (the root is 0) of the deepest chain whose moves the step kinds
// built so far prove to every chain above it under RECURSIVE subtree proofs: a chain at depth 4
// makes its great-grandparent's node child step verify a node step, which no circuit does yet
// (docs/PROTOCOL.md "Trees deeper than three levels"; issue 16). Above it a registration would
// stop the updates of honest chains above, so it is refused where it would appear.
const MaxProvenDepth uint32 = 3

// CheckProvenDepth refuses, under RECURSIVE subtree proofs, a chain registered at depth (root =
// 0) deeper than MaxProvenDepth: the chain that would register it, its parent for a register
// step (kind 5) and its grandparent for a node register step (kind 6) each refuse it, so a
// registration no step above proves never reaches an honest chain's children root.
func CheckProvenDepth(p Params, depth uint32) error {
	if !p.Recursive() || depth <= MaxProvenDepth {
		return nil
	}
	return errorsmod.Wrapf(ErrBeyondProvenDepth, "a chain at depth %d, steps prove chains to depth %d", depth, MaxProvenDepth)
}
