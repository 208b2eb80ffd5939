package ledger

// BatchBounds are what a step above the chain opens of one batch, which the chain's batches must
// fit where its parent applies a step budget (docs/PROTOCOL.md "Forced deposits into
// grandchildren", "Exits below a grandchild"; x/validium CheckBatchEntries): zero values bound
// nothing.
type BatchBounds struct {
	// Forced is the most forced bridge-ins a batch holds (what one forced step opens,
	// subtree.MaxForcedPerBatch; 0: no bound).
	Forced int
	// Exits is the most exit bridge-ins a batch holds (what one exit step opens,
	// subtree.MaxExitsPerBatch; 0: no bound).
	Exits int
	// OneSource keeps forced and exit bridge-ins in separate batches (a step opens one source).
	OneSource bool
}

// SplitBatches cuts ops, in log order, into consecutive batches the circuit proves (DESIGN §5
// "Bursts": an update may carry several chained batch proofs): each holds at most p.BatchSize
// operations, at most p.ClaimSlots claimed bridge-ins and what b bounds (forced and exit
// bridge-ins, and never both with b.OneSource), filled greedily, which is also the fewest
// batches. It returns each batch's operation count; they sum to len(ops) unless an operation fits
// no batch (a claim when p.ClaimSlots is 0), where the split stops.
func SplitBatches(ops []Op, p Params, b BatchBounds) []int {
	var sizes []int
	var n int
	var in batchEntries
	for _, op := range ops {
		src, bridged := op.Source, op.Kind == OpBridgeIn
		claimed := bridged && src == SourceClaim
		if claimed && p.ClaimSlots == 0 {
			break
		}
		if n == p.BatchSize || (claimed && in.claims == p.ClaimSlots) || (bridged && b.full(in, src)) {
			sizes = append(sizes, n)
			n, in = 0, batchEntries{}
		}
		n++
		if bridged {
			in.add(src)
		}
	}
	if n > 0 {
		sizes = append(sizes, n)
	}
	return sizes
}

// batchEntries counts a batch's bridge-ins by source.
type batchEntries struct {
	claims, forced, exits int
}

// add counts one bridge-in of source src.
func (e *batchEntries) add(src Source) {
	switch src {
	case SourceClaim:
		e.claims++
	case SourceForced:
		e.forced++
	case SourceExit:
		e.exits++
	}
}

// full tells whether a batch holding in cannot take one more bridge-in of source src under b.
func (b BatchBounds) full(in batchEntries, src Source) bool {
	switch src {
	case SourceForced:
		return (b.Forced > 0 && in.forced == b.Forced) || (b.OneSource && in.exits > 0)
	case SourceExit:
		return (b.Exits > 0 && in.exits == b.Exits) || (b.OneSource && in.forced > 0)
	}
	return false
}
