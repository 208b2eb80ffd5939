package subtree

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
)

// A node's acceptance report, proven (DESIGN §6, docs/PROTOCOL.md "Validity all the way up").
//
// x/acceptance builds a chain's report at its own update at root height T as
// CapBuckets({(T, 1)} ⊎ R'_1 ⊎ … ⊎ R'_k, max_report_buckets), where R'_i is child i's last
// report *compacted below its finalized height* (Histogram.CompactBelow). That height is
// acceptance state of the chain, in no commitment, so a circuit cannot recompute the report
// exactly. What the commitments bind is each child's report R_i as the child made it (its
// AcceptanceDigest), and compaction and the cap only move counts to lower heights, keeping the
// total. So the circuit proves the bound the native rule always meets (as checkProvenReport
// does natively, one level down): the report is canonical, its newest bucket is (T, ·), its
// total is exactly 1 + Σ total(R_i) (no descendant hidden or invented), and for every height h
// it counts at most as many nodes at or after h as {(T, 1)} ⊎ R_1 ⊎ … ⊎ R_k does (no
// acceptance invented: a(t) is never over-counted, so finality can be delayed, never faked).
// The subtree size b is not in the commitment (AcceptanceDigest covers the buckets only) and so
// is not proven here.

// Bucket is one (root height, count) pair of a report, as x/acceptance's Bucket.
type Bucket struct {
	// Height is the root height of the bucket.
	Height uint64
	// Count is the number of nodes whose last update is at Height.
	Count uint64
}

// Report is an acceptance report histogram: buckets strictly ascending by height, no zero
// counts (x/acceptance Histogram).
type Report []Bucket

// ErrReport is returned by the native twin of the report gadget for a report the gadget refuses.
var ErrReport = errors.New("subtree: invalid node report")

// reportSumBits bounds the sums the dominance check compares: at most MaxChildIndex·maxBuckets+1
// counts below 2^64 each, so below 2^78 for any shape NodeShape.Validate accepts.
const reportSumBits = 80

// maxShapeBuckets is the most report buckets a NodeShape may have (x/acceptance caps reports at
// max_depth + 2 ≤ 18; the slack keeps reportSumBits sound).
const maxShapeBuckets = 64

// NodeShape is what fixes a node step circuit's size: the most children a chain may have (the
// tree identity's max_children; child indices are 1..MaxChildren) and the most buckets a report
// may have (x/acceptance MaxReportBuckets, min(max_histogram_buckets, max_depth + 2)).
type NodeShape struct {
	// MaxChildren is the tree's max_children (1..255).
	MaxChildren int
	// MaxBuckets is the tree's max report buckets (2..64).
	MaxBuckets int
}

// Validate refuses shapes the circuits cannot hold.
func (s NodeShape) Validate() error {
	if s.MaxChildren < 1 || s.MaxChildren > 255 {
		return fmt.Errorf("%w: max children %d not in 1..255", ErrWitness, s.MaxChildren)
	}
	if s.MaxBuckets < 2 || s.MaxBuckets > maxShapeBuckets {
		return fmt.Errorf("%w: max buckets %d not in 2..%d", ErrWitness, s.MaxBuckets, maxShapeBuckets)
	}
	return nil
}

// Digest is the report's acceptance digest, as x/acceptance Histogram.Digest computes it:
// Hash(DomainAcceptance, len, height_0, count_0, …).
func (r Report) Digest() fr.Element {
	buckets := make([][2]uint64, len(r))
	for i, b := range r {
		buckets[i] = [2]uint64{b.Height, b.Count}
	}
	return hash.AcceptanceDigest(buckets...)
}

// total returns Σ counts, or an error on uint64 overflow.
func (r Report) total() (uint64, error) {
	var t, carry uint64
	for _, b := range r {
		if t, carry = bits.Add64(t, b.Count, 0); carry != 0 {
			return 0, fmt.Errorf("%w: total overflows", ErrReport)
		}
	}
	return t, nil
}

// countAtOrAbove returns Σ counts of buckets with Height ≥ h (no overflow for a report whose
// total fits).
func (r Report) countAtOrAbove(h uint64) uint64 {
	var s uint64
	for _, b := range r {
		if b.Height >= h {
			s += b.Count
		}
	}
	return s
}

// CheckNodeReport is the native twin of NodeReportGadget's rule: it returns nil exactly when the
// gadget accepts report as the report of a chain that updated at root height anchor with the
// children reports given (one per child its children root holds, each the preimage of that
// child's AcceptanceDigest, which the gadget checks too), for reports of at most maxBuckets
// buckets.
func CheckNodeReport(anchor uint64, report Report, children []Report, maxBuckets int) error {
	if len(report) == 0 || len(report) > maxBuckets {
		return fmt.Errorf("%w: %d buckets, want 1..%d", ErrReport, len(report), maxBuckets)
	}
	for i, b := range report {
		if b.Count == 0 {
			return fmt.Errorf("%w: bucket %d has no count", ErrReport, i)
		}
		if i > 0 && b.Height <= report[i-1].Height {
			return fmt.Errorf("%w: bucket %d not above the previous", ErrReport, i)
		}
	}
	if last := report[len(report)-1].Height; last != anchor {
		return fmt.Errorf("%w: newest bucket at %d, own update at %d", ErrReport, last, anchor)
	}
	merged := Report{{Height: anchor, Count: 1}}
	for i, ch := range children {
		if len(ch) > maxBuckets {
			return fmt.Errorf("%w: child report %d has %d buckets", ErrReport, i, len(ch))
		}
		for _, b := range ch {
			if b.Height > anchor {
				return fmt.Errorf("%w: child report %d at height %d after own update %d", ErrReport, i, b.Height, anchor)
			}
		}
		merged = append(merged, ch...)
	}
	want, err := merged.total()
	if err != nil {
		return err
	}
	got, err := report.total()
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%w: total %d, the children and own update count %d", ErrReport, got, want)
	}
	for i, b := range report {
		if s, m := report[i:].countAtOrAbove(0), merged.countAtOrAbove(b.Height); s > m {
			return fmt.Errorf("%w: %d nodes at or after %d, at most %d proven", ErrReport, s, b.Height, m)
		}
	}
	return nil
}

// ReportVar is a report in a circuit: Len buckets used, the others zero.
type ReportVar struct {
	// Len is the number of buckets (0..len(Height)).
	Len frontend.Variable
	// Height and Count are the buckets, zero from Len on.
	Height, Count []frontend.Variable
}

// NewReportVar returns the circuit shape of a report of at most maxBuckets buckets.
func NewReportVar(maxBuckets int) ReportVar {
	return ReportVar{Height: make([]frontend.Variable, maxBuckets), Count: make([]frontend.Variable, maxBuckets)}
}

// AssignReport returns the assignment of r in a report of at most maxBuckets buckets, or
// ErrWitness if it has more.
func AssignReport(r Report, maxBuckets int) (ReportVar, error) {
	if len(r) > maxBuckets {
		return ReportVar{}, fmt.Errorf("%w: a report of %d buckets, at most %d", ErrWitness, len(r), maxBuckets)
	}
	v := NewReportVar(maxBuckets)
	v.Len = len(r)
	for i := range v.Height {
		v.Height[i], v.Count[i] = 0, 0
		if i < len(r) {
			v.Height[i], v.Count[i] = r[i].Height, r[i].Count
		}
	}
	return v, nil
}

// reportLayout is a report's length decoded in a circuit: is[j] = [Len == j] for j = 0..N and
// active[j] = [j < Len].
type reportLayout struct {
	is, active []frontend.Variable
}

// layoutGadget decodes r.Len (asserting it is in 0..N), asserts that the buckets from Len on
// are zero and that every height and count is below 2^64.
func (r ReportVar) layoutGadget(api frontend.API, rc frontend.Rangechecker) reportLayout {
	n := len(r.Height)
	l := reportLayout{is: make([]frontend.Variable, n+1), active: make([]frontend.Variable, n)}
	var sum frontend.Variable = 0
	for j := 0; j <= n; j++ {
		l.is[j] = api.IsZero(api.Sub(r.Len, j))
		sum = api.Add(sum, l.is[j])
		if j < n {
			l.active[j] = api.Sub(1, sum) // 1 while no j' ≤ j equals Len
		}
	}
	api.AssertIsEqual(sum, 1)
	for j := 0; j < n; j++ {
		rc.Check(r.Height[j], 64)
		rc.Check(r.Count[j], 64)
		unused := api.Sub(1, l.active[j])
		api.AssertIsEqual(api.Mul(unused, r.Height[j]), 0)
		api.AssertIsEqual(api.Mul(unused, r.Count[j]), 0)
	}
	return l
}

// digestGadget returns the report's Digest for its variable length: one sponge over
// (Len, h_0, c_0, …) with the capacity IV of the length (linear in Len: hash.capacityIV puts
// the arity above bit 64), whose state after block j is the digest of a j-bucket report because
// the buckets from Len on are zero (an absent rate input and a zero one are the same); the
// state after block Len is selected.
func (r ReportVar) digestGadget(api frontend.API, l reportLayout) frontend.Variable {
	n := len(r.Height)
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	iv := api.Add(api.Mul(api.Add(api.Mul(r.Len, 2), 1), two64), uint64(hash.DomainAcceptance))
	st := []frontend.Variable{r.Len, r.Height[0], iv}
	permuteGadget(api, st)
	digest := api.Mul(l.is[0], st[0])
	for j := 1; j <= n; j++ {
		var next frontend.Variable = 0
		if j < n {
			next = r.Height[j]
		}
		st[0], st[1] = api.Add(st[0], r.Count[j-1]), api.Add(st[1], next)
		permuteGadget(api, st)
		digest = api.Add(digest, api.Mul(l.is[j], st[0]))
	}
	return digest
}

// DigestGadget returns the in-circuit Digest of r, asserting its shape (Len in 0..N, zero
// buckets from Len on, heights and counts below 2^64).
func (r ReportVar) DigestGadget(api frontend.API) frontend.Variable {
	return r.digestGadget(api, r.layoutGadget(api, rangecheck.New(api)))
}

// ChildSlotVar is one child index of a node's children SMT: Present with its commitment and
// the report its AcceptanceDigest commits to, or empty (Present 0, Report empty).
type ChildSlotVar struct {
	// Present is 1 if the children root holds a leaf at this index.
	Present frontend.Variable
	// Commitment is the child's commitment the leaf holds (ignored if absent).
	Commitment commitment.Var
	// Report is the child's report (empty if absent).
	Report ReportVar
}

// ChildOpening is a child of a node as its children root holds it: the index, the commitment
// of its leaf and the report whose digest is that commitment's AcceptanceDigest.
type ChildOpening struct {
	// Index is the child's index (1..MaxChildren).
	Index uint8
	// Commitment is the commitment the leaf holds.
	Commitment commitment.Commitment
	// Report is the child's report (Digest() == Commitment.AcceptanceDigest).
	Report Report
}

// NewChildSlots returns the circuit shape of a node's children: one slot per index 1..MaxChildren.
func NewChildSlots(s NodeShape) []ChildSlotVar {
	slots := make([]ChildSlotVar, s.MaxChildren)
	for i := range slots {
		slots[i].Report = NewReportVar(s.MaxBuckets)
	}
	return slots
}

// AssignChildSlots returns the assignment of a node's children (any order, distinct indices in
// 1..MaxChildren); it refuses with ErrWitness a witness the slots cannot hold.
func AssignChildSlots(s NodeShape, children []ChildOpening) ([]ChildSlotVar, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	slots := NewChildSlots(s)
	empty, _ := AssignReport(nil, s.MaxBuckets)
	for i := range slots {
		slots[i] = ChildSlotVar{Present: 0, Commitment: commitment.Zero(), Report: empty}
	}
	for _, ch := range children {
		if ch.Index == 0 || int(ch.Index) > s.MaxChildren {
			return nil, fmt.Errorf("%w: child index %d not in 1..%d", ErrWitness, ch.Index, s.MaxChildren)
		}
		slot := &slots[ch.Index-1]
		if slot.Present == 1 {
			return nil, fmt.Errorf("%w: child index %d twice", ErrWitness, ch.Index)
		}
		r, err := AssignReport(ch.Report, s.MaxBuckets)
		if err != nil {
			return nil, err
		}
		*slot = ChildSlotVar{Present: 1, Commitment: commitment.Assign(ch.Commitment), Report: r}
	}
	return slots, nil
}

// ChildrenTreeOf is the children SMT that holds exactly children (ErrWitness for an index out of
// 1..255 or given twice).
func ChildrenTreeOf(children []ChildOpening) (*commitment.ChildrenTree, error) {
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	if err != nil {
		return nil, err
	}
	seen := map[uint8]bool{}
	for _, ch := range children {
		if ch.Index == 0 || seen[ch.Index] {
			return nil, fmt.Errorf("%w: child index %d", ErrWitness, ch.Index)
		}
		seen[ch.Index] = true
		if err := tree.SetChild(ch.Index, ch.Commitment.Hash()); err != nil {
			return nil, err
		}
	}
	return tree, nil
}

// ChildrenRootOf is the root of ChildrenTreeOf(children).
func ChildrenRootOf(children []ChildOpening) (fr.Element, error) {
	tree, err := ChildrenTreeOf(children)
	if err != nil {
		return fr.Element{}, err
	}
	return tree.Root()
}

// ChildrenRootGadget returns the root of the children SMT whose leaves are exactly the present
// slots (index i at slot i−1; index 0, the chain itself, and the indices above MaxChildren,
// which x/validium never assigns, empty), so a node's children are all opened, none left out:
// the leaves of the lowest 2^L indices are hashed up, then the empty subtrees above.
func ChildrenRootGadget(api frontend.API, slots []ChildSlotVar) frontend.Variable {
	root, _ := childrenRootGadget(api, slots)
	return root
}

// childrenRootGadget is ChildrenRootGadget that also returns each slot's commitment hash.
func childrenRootGadget(api frontend.API, slots []ChildSlotVar) (frontend.Variable, []frontend.Variable) {
	hashes := make([]frontend.Variable, len(slots))
	width := 1
	for width < len(slots)+1 {
		width *= 2
	}
	var zero fr.Element
	empty := smt.EmptyHashes(smt.LeafHash(zero), commitment.ChildrenDepth)
	level := make([]frontend.Variable, width)
	for i := range level {
		level[i] = empty[0]
		if i >= 1 && i <= len(slots) {
			s := slots[i-1]
			api.AssertIsBoolean(s.Present)
			hashes[i-1] = s.Commitment.HashGadget(api)
			leaf := commitment.ChildLeafGadget(api, i, hashes[i-1])
			level[i] = smt.LeafHashGadget(api, api.Mul(s.Present, leaf))
		}
	}
	h := 0
	for ; len(level) > 1; h++ {
		next := make([]frontend.Variable, len(level)/2)
		for p := range next {
			next[p] = hash.NodeGadget(api, level[2*p], level[2*p+1])
		}
		level = next
	}
	root := level[0]
	for ; h < commitment.ChildrenDepth; h++ {
		root = hash.NodeGadget(api, root, empty[h])
	}
	return root, hashes
}

// NodeReportGadget asserts the report rule above (CheckNodeReport natively) for a chain that
// updated at root height anchor (below 2^64, checked by the caller) and whose children are the
// present slots, each slot's report being the one its commitment's AcceptanceDigest commits to;
// it returns the report's digest, which the caller binds to the chain's AcceptanceDigest.
func NodeReportGadget(api frontend.API, anchor frontend.Variable, report ReportVar, slots []ChildSlotVar) frontend.Variable {
	rc := rangecheck.New(api)
	n := len(report.Height)
	own := report.layoutGadget(api, rc)
	digest := report.digestGadget(api, own)

	// canonical: at least one bucket, the newest at exactly the own update, heights strictly
	// ascending, no zero count (x/acceptance Validate and OnChildUpdate's (T, ·) rule)
	api.AssertIsEqual(own.is[0], 0)
	var newest frontend.Variable = 0
	for j := 0; j < n; j++ {
		newest = api.Add(newest, api.Mul(own.is[j+1], report.Height[j]))
		rc.Check(api.Mul(own.active[j], api.Sub(report.Count[j], 1)), 64)
		if j > 0 {
			rc.Check(api.Mul(own.active[j], api.Sub(report.Height[j], report.Height[j-1], 1)), 64)
		}
	}
	api.AssertIsEqual(newest, anchor)

	// the merged multiset {(anchor, 1)} ⊎ the children's reports; an absent slot's report is
	// empty, so all zero; no child bucket after the own update (x/acceptance childReports)
	heights, counts := []frontend.Variable{anchor}, []frontend.Variable{1}
	for _, s := range slots {
		l := s.Report.layoutGadget(api, rc)
		api.AssertIsEqual(api.Mul(api.Sub(1, s.Present), s.Report.Len), 0)
		d := s.Report.digestGadget(api, l)
		api.AssertIsEqual(api.Mul(s.Present, api.Sub(d, s.Commitment.AcceptanceDigest)), 0)
		for j := range s.Report.Height {
			rc.Check(api.Sub(anchor, s.Report.Height[j]), 64)
			heights, counts = append(heights, s.Report.Height[j]), append(counts, s.Report.Count[j])
		}
	}

	// the same total, and at every own height h_j no more nodes at or after h_j than merged
	var total, mergedTotal frontend.Variable = 0, 0
	for j := range report.Count {
		total = api.Add(total, report.Count[j])
	}
	for _, c := range counts {
		mergedTotal = api.Add(mergedTotal, c)
	}
	api.AssertIsEqual(total, mergedTotal)
	rc.Check(total, 64)
	var suffix frontend.Variable = 0
	for j := n - 1; j >= 0; j-- {
		suffix = api.Add(suffix, report.Count[j])
		var bound frontend.Variable = 0
		for m := range heights {
			bound = api.Add(bound, api.Mul(counts[m], geqGadget(api, rc, heights[m], report.Height[j])))
		}
		rc.Check(api.Sub(bound, suffix), reportSumBits)
	}
	return digest
}

// permuteGadget applies the sponge permutation of hash.HashGadget to st in place.
func permuteGadget(api frontend.API, st []frontend.Variable) {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, hash.Width, hash.FullRounds, hash.PartialRounds)
	if err != nil {
		panic(err) // fixed parameters: a programming error, never a witness
	}
	if err := perm.Permutation(st); err != nil {
		panic(err)
	}
}

func init() {
	solver.RegisterHint(geqHint)
}

// geqHint returns 1 if in[0] ≥ in[1] (as integers), else 0.
func geqHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 2 || len(out) != 1 {
		return fmt.Errorf("geqHint: %d inputs, %d outputs", len(in), len(out))
	}
	out[0].SetUint64(0)
	if in[0].Cmp(in[1]) >= 0 {
		out[0].SetUint64(1)
	}
	return nil
}

// geqGadget returns [a ≥ b] for a and b below 2^64 (range-checked by the caller): the hinted
// bit f is boolean and a − b (f = 1) or b − a − 1 (f = 0) is asserted below 2^64, which for
// values below 2^64 holds for exactly one f.
func geqGadget(api frontend.API, rc frontend.Rangechecker, a, b frontend.Variable) frontend.Variable {
	out, err := api.Compiler().NewHint(geqHint, 1, a, b)
	if err != nil {
		panic(err) // only for an unregistered hint: a programming error, never a witness
	}
	f := out[0]
	api.AssertIsBoolean(f)
	rc.Check(api.Select(f, api.Sub(a, b), api.Sub(b, a, 1)), 64)
	return f
}
