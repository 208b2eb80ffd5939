package subtree

import (
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/smt"
	acctypes "github.com/slush-tree/slush/x/acceptance/types"
)

// testShape is the node shape of the light report tests: 3 children, 4 buckets.
var testShape = NodeShape{MaxChildren: 3, MaxBuckets: 4}

// toHistogram converts a report to x/acceptance's histogram.
func toHistogram(r Report) acctypes.Histogram {
	h := make(acctypes.Histogram, len(r))
	for i, b := range r {
		h[i] = acctypes.Bucket{Height: b.Height, Count: b.Count}
	}
	return h
}

// fromHistogram converts x/acceptance's histogram to a report.
func fromHistogram(h acctypes.Histogram) Report {
	r := make(Report, len(h))
	for i, b := range h {
		r[i] = Bucket{Height: b.Height, Count: b.Count}
	}
	return r
}

// TestReportDigestMatchesAcceptance: Report.Digest is x/acceptance's Histogram.Digest, and a
// leaf's one-bucket report digests to LeafReportDigest.
func TestReportDigestMatchesAcceptance(t *testing.T) {
	for _, r := range []Report{nil, {{7, 1}}, {{2, 3}, {5, 1}, {9, 4}}} {
		want := toHistogram(r).Digest()
		got := r.Digest()
		require.True(t, got.Equal(&want), "%v", r)
	}
	leaf := LeafReportDigest(7)
	one := Report{{7, 1}}.Digest()
	require.True(t, one.Equal(&leaf))
}

// digestCircuit checks DigestGadget against a stated digest.
type digestCircuit struct {
	Digest frontend.Variable
	Report ReportVar
}

func (c *digestCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(c.Report.DigestGadget(api), c.Digest)
	return nil
}

// TestDigestGadget: the variable-length digest equals the native one for every length 0..N,
// and refuses another digest, non-zero buckets past the length and a length above N.
func TestDigestGadget(t *testing.T) {
	n := testShape.MaxBuckets
	assign := func(r Report, d fr.Element) *digestCircuit {
		v, err := AssignReport(r, n)
		require.NoError(t, err)
		return &digestCircuit{Digest: d, Report: v}
	}
	full := Report{{2, 3}, {5, 1}, {9, 4}, {11, 1}}
	opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoFuzzing()}
	for l := 0; l <= n; l++ {
		opts = append(opts, test.WithValidAssignment(assign(full[:l], full[:l].Digest())))
	}
	opts = append(opts, test.WithInvalidAssignment(assign(full[:2], full[:3].Digest())))
	// a height or count past the length that the digest does not absorb
	paddedHeight := assign(full[:2], full[:2].Digest())
	paddedHeight.Report.Height[3] = 9
	paddedCount := assign(full[:2], full[:2].Digest())
	paddedCount.Report.Count[2] = 4
	opts = append(opts, test.WithInvalidAssignment(paddedHeight), test.WithInvalidAssignment(paddedCount))
	long := assign(full, full.Digest())
	long.Report.Len = n + 1
	opts = append(opts, test.WithInvalidAssignment(long))
	// a count of 2^64, digested as the field element it is: only the range check refuses it
	var two64 fr.Element
	two64.SetUint64(1 << 63)
	two64.Double(&two64)
	wide := assign(Report{{2, 1}}, hash.Hash(hash.DomainAcceptance, hash.Uint64(1), hash.Uint64(2), two64))
	wide.Report.Count[0] = two64
	opts = append(opts, test.WithInvalidAssignment(wide))
	_, err := AssignReport(append(full, Bucket{12, 1}), n)
	require.True(t, errors.Is(err, ErrWitness))
	test.NewAssert(t).CheckCircuit(&digestCircuit{Report: NewReportVar(n)}, opts...)
}

// nodeReportCircuit checks a node's report from its children root: the children opened
// (ChildrenRootGadget) and the report rule (NodeReportGadget), as a node step does.
type nodeReportCircuit struct {
	ChildrenRoot, Anchor, Digest frontend.Variable
	Report                       ReportVar
	Slots                        []ChildSlotVar
}

func (c *nodeReportCircuit) Define(api frontend.API) error {
	api.ToBinary(c.Anchor, 64)
	api.AssertIsEqual(ChildrenRootGadget(api, c.Slots), c.ChildrenRoot)
	api.AssertIsEqual(NodeReportGadget(api, c.Anchor, c.Report, c.Slots), c.Digest)
	return nil
}

// reportCase is a node's report witness: its anchor, report and children.
type reportCase struct {
	anchor   uint64
	report   Report
	children []ChildOpening
}

// childWithReport is child index of chain 1 with the given report (a leaf's commitment whose
// AcceptanceDigest is the report's).
func childWithReport(index uint8, r Report) ChildOpening {
	c := leafCommitment(commitment.MustPackVid([]uint8{1, index}), 10*uint64(index), 1)
	if n := len(r); n > 0 {
		c.AnchorHeight = r[n-1].Height
	}
	c.AcceptanceDigest = r.Digest()
	return ChildOpening{Index: index, Commitment: c, Report: r}
}

func (rc reportCase) reports() []Report {
	out := make([]Report, len(rc.children))
	for i, ch := range rc.children {
		out[i] = ch.Report
	}
	return out
}

// assign returns the circuit assignment of the case, with the root of its children.
func (rc reportCase) assign(t *testing.T) *nodeReportCircuit {
	t.Helper()
	root, err := ChildrenRootOf(rc.children)
	require.NoError(t, err)
	slots, err := AssignChildSlots(testShape, rc.children)
	require.NoError(t, err)
	r, err := AssignReport(rc.report, testShape.MaxBuckets)
	require.NoError(t, err)
	return &nodeReportCircuit{ChildrenRoot: root, Anchor: rc.anchor, Digest: rc.report.Digest(), Report: r, Slots: slots}
}

// honestReport is x/acceptance's report of a chain updating at anchor whose child records hold
// the children's reports compacted below the given finalized heights (0: not compacted),
// capped to the test shape's buckets (keeper.SubtreeReport).
func honestReport(t testing.TB, anchor uint64, children []Report, finalized []uint64) Report {
	t.Helper()
	stored := make([]acctypes.Histogram, len(children))
	for i, c := range children {
		stored[i] = toHistogram(c).CompactBelow(finalized[i])
	}
	h, err := acctypes.SubtreeHistogram(anchor, stored).CapBuckets(testShape.MaxBuckets)
	require.NoError(t, err)
	return fromHistogram(h)
}

// TestNodeReportGadget: the report x/acceptance makes — the children's reports merged with the
// own update, the stored copies compacted below their finalized heights, capped to the bucket
// bound — is accepted, and so is a chain without children; each way to inflate, hide or
// misplace a count, or to open the children other than the children root holds them, is
// refused, by the circuit and by its native twin CheckNodeReport where the case is the rule's.
func TestNodeReportGadget(t *testing.T) {
	a := childWithReport(1, Report{{5, 1}})
	b := childWithReport(2, Report{{6, 1}})
	c := childWithReport(3, Report{{2, 1}, {3, 1}, {6, 1}, {7, 1}})
	all := []ChildOpening{a, b, c}
	reports := reportCase{children: all}.reports()

	exact := reportCase{anchor: 8, children: all, report: honestReport(t, 8, reports, []uint64{0, 0, 0})}
	compacted := reportCase{anchor: 8, children: all, report: honestReport(t, 8, reports, []uint64{0, 0, 3})}
	require.Equal(t, Report{{2, 1}, {3, 1}, {5, 4}, {8, 1}}, exact.report, "the exact merge, capped")
	require.Equal(t, Report{{2, 2}, {5, 1}, {6, 3}, {8, 1}}, compacted.report)
	compacted2 := reportCase{anchor: 8, children: []ChildOpening{a, c}, report: honestReport(t, 8, []Report{a.Report, c.Report}, []uint64{0, 6})}
	require.Equal(t, Report{{2, 3}, {5, 1}, {7, 1}, {8, 1}}, compacted2.report)
	uncapped := reportCase{anchor: 8, children: []ChildOpening{a, b}, report: Report{{5, 1}, {6, 1}, {8, 1}}}
	require.Equal(t, uncapped.report, honestReport(t, 8, []Report{a.Report, b.Report}, []uint64{0, 0}))
	lone := reportCase{anchor: 8, report: Report{{8, 1}}}
	moved := reportCase{anchor: 8, children: []ChildOpening{a, b}, report: Report{{4, 2}, {8, 1}}} // counts moved down: delays finality only
	valid := []reportCase{exact, compacted, compacted2, uncapped, lone, moved}

	type bad struct {
		name string
		rc   reportCase
		// rule is true if the case breaks the report rule (CheckNodeReport refuses it too)
		rule bool
		// change edits the assignment after it is made (nil: none)
		change func(*nodeReportCircuit)
	}
	with := func(rc reportCase, r Report) reportCase { rc.report = r; return rc }
	otherC := childWithReport(3, Report{{2, 1}, {3, 1}, {6, 1}, {7, 2}})
	ahead := childWithReport(1, Report{{9, 1}})
	const max64 = ^uint64(0)
	huge1, huge2 := childWithReport(1, Report{{1, max64}}), childWithReport(2, Report{{2, max64}})
	cases := []bad{
		{"inflated own count", with(uncapped, Report{{5, 1}, {6, 1}, {8, 2}}), true, nil},
		{"a count moved to a later height", with(uncapped, Report{{5, 1}, {8, 2}}), true, nil},
		{"a count moved later inside the merge", with(exact, Report{{2, 2}, {5, 1}, {7, 3}, {8, 1}}), true, nil},
		{"a child hidden from the report", with(uncapped, Report{{5, 1}, {8, 1}}), true, nil},
		{"newest bucket not the own update", with(uncapped, Report{{5, 1}, {6, 1}, {7, 1}}), true, nil},
		{"own update at another height", reportCase{anchor: 9, children: uncapped.children, report: Report{{5, 1}, {6, 1}, {8, 1}}}, true, nil},
		{"duplicate height", with(uncapped, Report{{5, 1}, {5, 1}, {8, 1}}), true, nil},
		{"a zero count", with(uncapped, Report{{5, 1}, {6, 1}, {7, 0}, {8, 1}}), true, nil},
		{"empty report", with(lone, nil), true, nil},
		{"a child report after the own update", reportCase{anchor: 8, children: []ChildOpening{ahead}, report: Report{{8, 2}}}, true, nil},
		{"a bucket past the length", uncapped, false, func(x *nodeReportCircuit) { x.Report.Height[3], x.Report.Count[3] = 9, 1 }},
		{"a child count past its report's length", uncapped, false, func(x *nodeReportCircuit) {
			x.Slots[0].Report.Count[1] = 1 // not in the child's digest, but in the merged total
			x.Report, x.Digest = mustReport(t, Report{{0, 1}, {5, 1}, {6, 1}, {8, 1}}), Report{{0, 1}, {5, 1}, {6, 1}, {8, 1}}.Digest()
		}},
		{"wrong child report opening", uncapped, false, func(x *nodeReportCircuit) {
			x.Slots[0].Report.Height[0] = 4 // the child's report is not the one its digest commits to
			r, _ := AssignReport(Report{{4, 1}, {6, 1}, {8, 1}}, testShape.MaxBuckets)
			x.Report, x.Digest = r, Report{{4, 1}, {6, 1}, {8, 1}}.Digest()
		}},
		{"an absent slot with a report", uncapped, false, func(x *nodeReportCircuit) {
			x.Slots[2].Report.Len, x.Slots[2].Report.Height[0], x.Slots[2].Report.Count[0] = 1, 7, 1
			r, _ := AssignReport(Report{{5, 1}, {6, 1}, {7, 1}, {8, 1}}, testShape.MaxBuckets)
			x.Report, x.Digest = r, Report{{5, 1}, {6, 1}, {7, 1}, {8, 1}}.Digest()
		}},
		{"a child the root holds left out", uncapped, false, func(x *nodeReportCircuit) {
			x.Slots[1] = ChildSlotVar{Present: 0, Commitment: commitment.Zero(), Report: mustReport(t, nil)}
			x.Report, x.Digest = mustReport(t, Report{{5, 1}, {8, 1}}), Report{{5, 1}, {8, 1}}.Digest()
		}},
		{"another child commitment than the root holds", exact, false, func(x *nodeReportCircuit) {
			o := reportCase{anchor: 8, children: []ChildOpening{a, b, otherC}}
			slots, err := AssignChildSlots(testShape, o.children)
			require.NoError(t, err)
			rep := honestReport(t, 8, o.reports(), []uint64{0, 0, 0})
			x.Slots, x.Report, x.Digest = slots, mustReport(t, rep), rep.Digest()
		}},
		{"report length above the bound", exact, false, func(x *nodeReportCircuit) { x.Report.Len = testShape.MaxBuckets + 1 }},
		{"a digest of another report", uncapped, false, func(x *nodeReportCircuit) { x.Digest = Report{{5, 1}, {8, 2}}.Digest() }},
		{"a total above 2^64", reportCase{anchor: 8, children: []ChildOpening{huge1, huge2},
			report: Report{{1, max64}, {2, max64}, {8, 1}}}, true, nil},
	}

	opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoFuzzing()}
	for _, v := range valid {
		require.NoError(t, CheckNodeReport(v.anchor, v.report, v.reports(), testShape.MaxBuckets))
		opts = append(opts, test.WithValidAssignment(v.assign(t)))
	}
	for _, c := range cases {
		if c.rule {
			require.True(t, errors.Is(CheckNodeReport(c.rc.anchor, c.rc.report, c.rc.reports(), testShape.MaxBuckets), ErrReport), c.name)
		}
		a := c.rc.assign(t)
		if c.change != nil {
			c.change(a)
		}
		opts = append(opts, test.WithInvalidAssignment(a))
	}
	test.NewAssert(t).CheckCircuit(&nodeReportCircuit{Report: NewReportVar(testShape.MaxBuckets), Slots: NewChildSlots(testShape)}, opts...)
}

func mustReport(t *testing.T, r Report) ReportVar {
	t.Helper()
	v, err := AssignReport(r, testShape.MaxBuckets)
	require.NoError(t, err)
	return v
}

// TestChildrenRootOf: the root of the opened children is the children SMT's, and the native
// twin refuses index 0 and an index given twice.
func TestChildrenRootOf(t *testing.T) {
	a, b := childWithReport(1, Report{{5, 1}}), childWithReport(3, Report{{6, 1}})
	got, err := ChildrenRootOf([]ChildOpening{b, a})
	require.NoError(t, err)
	tree, err := commitment.NewChildrenTree(smt.NewMemStore())
	require.NoError(t, err)
	require.NoError(t, tree.SetChild(1, a.Commitment.Hash()))
	require.NoError(t, tree.SetChild(3, b.Commitment.Hash()))
	want, err := tree.Root()
	require.NoError(t, err)
	require.True(t, got.Equal(&want))
	empty, err := ChildrenRootOf(nil)
	require.NoError(t, err)
	e := commitment.EmptyChildrenRoot()
	require.True(t, empty.Equal(&e))
	z := a
	z.Index = 0
	_, err = ChildrenRootOf([]ChildOpening{z})
	require.True(t, errors.Is(err, ErrWitness))
	_, err = ChildrenRootOf([]ChildOpening{a, a})
	require.True(t, errors.Is(err, ErrWitness))
	_, err = AssignChildSlots(testShape, []ChildOpening{a, a})
	require.True(t, errors.Is(err, ErrWitness))
	far := a
	far.Index = 4
	_, err = AssignChildSlots(testShape, []ChildOpening{far})
	require.True(t, errors.Is(err, ErrWitness))
	_, err = AssignChildSlots(NodeShape{MaxChildren: 3, MaxBuckets: 1}, nil)
	require.True(t, errors.Is(err, ErrWitness))
}
