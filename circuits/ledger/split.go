package ledger

// SplitBatches cuts ops, in log order, into consecutive batches the circuit proves (DESIGN §5
// "Bursts": an update may carry several chained batch proofs): each holds at most p.BatchSize
// operations and at most p.ClaimSlots claimed bridge-ins, filled greedily, which is also the
// fewest batches. It returns each batch's operation count; they sum to len(ops) unless an
// operation fits no batch (a claim when p.ClaimSlots is 0), where the split stops.
func SplitBatches(ops []Op, p Params) []int {
	var sizes []int
	n, claims := 0, 0
	for _, op := range ops {
		claimed := op.Kind == OpBridgeIn && op.Source == SourceClaim
		if claimed && p.ClaimSlots == 0 {
			break
		}
		if n == p.BatchSize || (claimed && claims == p.ClaimSlots) {
			sizes = append(sizes, n)
			n, claims = 0, 0
		}
		n++
		if claimed {
			claims++
		}
	}
	if n > 0 {
		sizes = append(sizes, n)
	}
	return sizes
}
