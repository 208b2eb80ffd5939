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
	var in BatchEntries
	for _, op := range ops {
		src, bridged := op.Source, op.Kind == OpBridgeIn
		claimed := bridged && src == SourceClaim
		if claimed && p.ClaimSlots == 0 {
			break
		}
		if n == p.BatchSize || (claimed && in.Claims == p.ClaimSlots) || (bridged && b.full(in, src)) {
			sizes = append(sizes, n)
			n, in = 0, BatchEntries{}
		}
		n++
		if bridged {
			in.Add(src)
		}
	}
	if n > 0 {
		sizes = append(sizes, n)
	}
	return sizes
}

// BatchEntries counts a batch's bridge-ins by source.
type BatchEntries struct {
	Claims, Forced, Exits int
}

// Add counts one bridge-in of source src.
func (e *BatchEntries) Add(src Source) {
	switch src {
	case SourceClaim:
		e.Claims++
	case SourceForced:
		e.Forced++
	case SourceExit:
		e.Exits++
	}
}

// FitsForced tells whether a batch holding e is within b's forced bound.
func (b BatchBounds) FitsForced(e BatchEntries) bool { return b.Forced == 0 || e.Forced <= b.Forced }

// FitsExits tells whether a batch holding e is within b's exit bound, and holds no exit beside a
// forced entry when b keeps one source.
func (b BatchBounds) FitsExits(e BatchEntries) bool {
	return (b.Exits == 0 || e.Exits <= b.Exits) && !(b.OneSource && e.Exits > 0 && e.Forced > 0)
}

// full tells whether a batch holding in cannot take one more bridge-in of source src under b
// (claims are bounded by the circuit's claim slots, not here).
func (b BatchBounds) full(in BatchEntries, src Source) bool {
	in.Add(src)
	return !b.FitsForced(in) || !b.FitsExits(in)
}
