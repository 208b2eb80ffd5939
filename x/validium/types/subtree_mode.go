package types

// SubtreeProofsLabel says, wherever it is on, that this chain runs the attested subtree mode,
// which proves less than the protocol requires (issue 16): a parent verifies its children's own
// ledgers only, and the children roots, acceptance reports and election weights of chains that
// have children are their operators' word. The chain logs it at its first block, `localnet.sh
// status` and the demo summary print it.
const SubtreeProofsLabel = "subtree proofs: ATTESTED - children roots, acceptance reports and election weights of chains with children are their operators' word (the recursive mode proves them in trees of depth up to 3: demo.sh --full-validity [--deep]; issue 16, see docs/THREAT-MODEL.md)"

// SubtreeProofsRecursiveLabel says what the RECURSIVE mode proves today and what it still
// cannot: grandchildren are proven by leaf and node step proofs, steps over node steps (deeper
// trees) are not built (issue 16).
const SubtreeProofsRecursiveLabel = "subtree proofs: RECURSIVE - a child's children roots move only by verified leaf and node steps, its finalized children are proven commitments, its report is bounded by its children's proven reports and its subtree size counts every registered descendant; no chain deeper than 3 is registered (steps over node steps are not built: issue 16, see docs/THREAT-MODEL.md)"

// SubtreeProofsLabelOf is the label a chain logs for its mode.
func SubtreeProofsLabelOf(mode SubtreeProofs) string {
	if mode == SubtreeProofs_SUBTREE_PROOFS_RECURSIVE {
		return SubtreeProofsRecursiveLabel
	}
	return SubtreeProofsLabel
}
