package ledger

// SplitBatches cuts ops, in log order, into consecutive batches the circuit proves (DESIGN §5
// "Bursts": an update may carry several chained batch proofs): each holds at most p.BatchSize
// operations, at most p.ClaimSlots claimed bridge-ins and, when maxForced > 0, at most maxForced
// forced bridge-ins (what one forced leaf step above opens, subtree.MaxForcedPerBatch), filled
// greedily, which is also the fewest batches. It returns each batch's operation count; they sum
// to len(ops) unless an operation fits no batch (a claim when p.ClaimSlots is 0), where the
// split stops.
func SplitBatches(ops []Op, p Params, maxForced int) []int {
	var sizes []int
	n, claims, forced := 0, 0, 0
	for _, op := range ops {
		claimed := op.Kind == OpBridgeIn && op.Source == SourceClaim
		isForced := op.Kind == OpBridgeIn && op.Source == SourceForced
		if claimed && p.ClaimSlots == 0 {
			break
		}
		if n == p.BatchSize || (claimed && claims == p.ClaimSlots) || (isForced && maxForced > 0 && forced == maxForced) {
			sizes = append(sizes, n)
			n, claims, forced = 0, 0, 0
		}
		n++
		if claimed {
			claims++
		}
		if isForced {
			forced++
		}
	}
	if n > 0 {
		sizes = append(sizes, n)
	}
	return sizes
}
