package types

// SubtreeProofsLabel says, wherever it is on, that this build runs the attested subtree mode,
// which proves less than the protocol requires (issue 16: recursive subtree proofs are not
// built): a parent verifies its children's own ledgers only, and the children roots,
// acceptance reports and election weights of chains that have children are their operators'
// word. The chain logs it at its first block, `localnet.sh status` and the demo summary print it.
const SubtreeProofsLabel = "subtree proofs: ATTESTED - children roots, acceptance reports and election weights of chains with children are their operators' word (recursive verification not built: issue 16, see docs/THREAT-MODEL.md)"
