package subtree

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
)

// Registered descendants count (docs/PROTOCOL.md "Registered descendants count", issue 16): a
// chain under RECURSIVE subtree proofs puts a child's genesis commitment into its children SMT
// at registration, so the child counts in the chain's subtree before it ever updates, and the
// chains above check that insertion natively: the genesis is fixed by the registration (vid,
// empty roots, operator key), so there is nothing to prove but the SMT move.

// KindRegister inserts a registered grandchild's genesis commitment into an empty leaf of the
// updating child's children SMT (checked natively, no proof).
const KindRegister = 5

// KindNodeRegister is KindRegister one level down: a grandchild with children gained a
// registered child, so its commitment changes by that genesis leaf in its children root and the
// genesis report's (0, 1) in its report, nothing else (checked natively, no proof).
const KindNodeRegister = 6

// KindUnregister is KindRegister undone: a grandchild that never updated was deregistered, so
// its genesis commitment leaves the updating child's children SMT (checked natively, no proof).
const KindUnregister = 7

// KindNodeUnregister is KindUnregister one level down: a grandchild with children deregistered
// a child that never updated, so its commitment changes by that genesis leaf emptied and one
// (0, 1) fewer in its report, nothing else (checked natively, no proof).
const KindNodeUnregister = 8

// GenesisHeight is the report height of a registered chain that has not updated: below every
// root block, so it counts in subtree totals (b) and in no a(t) of a stored hash (DESIGN §6).
const GenesisHeight = 0

// GenesisReport is the acceptance report of a registered chain that has not updated yet.
func GenesisReport() Report { return Report{{Height: GenesisHeight, Count: 1}} }

// GenesisCommitment is the commitment a registered chain's leaf holds until its first update:
// its vid, the genesis roots every child under a RECURSIVE parent starts from, empty children
// roots, no anchor, the genesis report, its registered operator key and epoch 0. A first update
// then moves the leaf as any later one (KindLeaf; KindLeafFirst stays for chains registered
// before this rule, whose leaf is empty).
func GenesisCommitment(vid fr.Element, roots ledger.GenesisRoots, operatorKeyHash fr.Element) commitment.Commitment {
	empty := commitment.EmptyChildrenRoot()
	return commitment.Commitment{
		Vid: vid, LedgerRoot: roots.Ledger, OutboxRoot: roots.Outbox, ReceiptRoot: roots.Receipts,
		ChildrenRoot: empty, FinalizedChildrenRoot: empty,
		AcceptanceDigest: GenesisReport().Digest(),
		OperatorKeyHash:  operatorKeyHash,
	}
}

// CheckGenesis refuses (ErrWitness) a commitment that is not the genesis of the chain vid under
// a tree of genesis roots roots; the operator key, the one free field, is g's own.
func CheckGenesis(g commitment.Commitment, vid fr.Element, roots ledger.GenesisRoots) error {
	if g != GenesisCommitment(vid, roots, g.OperatorKeyHash) {
		return fmt.Errorf("%w: not the genesis commitment of the registered chain (its vid, the tree's genesis roots, empty children, no anchor, the genesis report, epoch 0)", ErrWitness)
	}
	return nil
}

// MoveLeaf is the native SMT move of a children SMT leaf at index from old to next (commitment
// hashes; a zero old is an empty leaf): it checks that siblings open old under root and
// returns the root with next there.
func MoveLeaf(root fr.Element, index uint8, old, next fr.Element, siblings []fr.Element) (fr.Element, error) {
	if index == 0 {
		return fr.Element{}, fmt.Errorf("%w: child index 0", ErrWitness)
	}
	if len(siblings) != commitment.ChildrenDepth {
		return fr.Element{}, fmt.Errorf("%w: %d siblings, want %d", ErrWitness, len(siblings), commitment.ChildrenDepth)
	}
	leaf := func(h fr.Element) fr.Element {
		if h.IsZero() {
			return smt.LeafHash(fr.Element{})
		}
		return smt.LeafHash(commitment.ChildLeaf(index, h))
	}
	if got := smt.ComputeRoot(leaf(old), uint64(index), siblings); !got.Equal(&root) {
		return fr.Element{}, fmt.Errorf("%w: the path does not open child %d's leaf under the children root", ErrWitness, index)
	}
	return smt.ComputeRoot(leaf(next), uint64(index), siblings), nil
}

// RegisterGenesis is KindRegister's rule: the children root after inserting, at an empty index,
// the genesis commitment of the child registered there.
func RegisterGenesis(root fr.Element, index uint8, genesis commitment.Commitment, siblings []fr.Element) (fr.Element, error) {
	return MoveLeaf(root, index, fr.Element{}, genesis.Hash(), siblings)
}

// UnregisterGenesis is KindUnregister's rule: the children root after emptying index, which
// must hold the genesis commitment of the child registered there (a chain that never updated:
// DESIGN §5, only such a leaf leaves without a proof).
func UnregisterGenesis(root fr.Element, index uint8, genesis commitment.Commitment, siblings []fr.Element) (fr.Element, error) {
	return MoveLeaf(root, index, genesis.Hash(), fr.Element{}, siblings)
}

// WithGenesis is report r with one more registered node that has not updated: (0, 1) added to
// its genesis bucket. It refuses a report that would exceed maxBuckets buckets.
func WithGenesis(r Report, maxBuckets int) (Report, error) {
	out := make(Report, 0, len(r)+1)
	if len(r) > 0 && r[0].Height == GenesisHeight {
		out = append(out, Bucket{Height: GenesisHeight, Count: r[0].Count + 1})
		if out[0].Count == 0 {
			return nil, fmt.Errorf("%w: genesis bucket overflows", ErrReport)
		}
		out = append(out, r[1:]...)
	} else {
		out = append(append(out, GenesisReport()...), r...)
	}
	if len(out) > maxBuckets {
		return nil, fmt.Errorf("%w: %d buckets with the registered child, at most %d", ErrReport, len(out), maxBuckets)
	}
	return out, nil
}

// WithoutGenesis is WithGenesis undone t times: report r less t registered nodes that have not
// updated, taken from its genesis bucket (dropped when emptied). It refuses a report whose
// genesis bucket counts fewer than t.
func WithoutGenesis(r Report, t int) (Report, error) {
	if t == 0 {
		return r, nil
	}
	if len(r) == 0 || r[0].Height != GenesisHeight || r[0].Count < uint64(t) {
		return nil, fmt.Errorf("%w: the report counts fewer than the %d registered nodes at height %d", ErrReport, t, GenesisHeight)
	}
	out := append(Report(nil), r...)
	if out[0].Count -= uint64(t); out[0].Count == 0 {
		out = out[1:]
	}
	return out, nil
}

// NodeRegister is KindNodeRegister's rule: grandchild g's commitment prev (whose report is
// prevReport) after its child at index registered with operator key operatorKeyHash, whose
// empty leaf's path in prev's children root is siblings: prev with that child's genesis
// commitment (roots: the tree's genesis roots) in its children root and the genesis report
// added to its report, every other field unchanged. It returns the new commitment and report.
func NodeRegister(
	prev commitment.Commitment, prevReport Report, index uint8, operatorKeyHash fr.Element,
	roots ledger.GenesisRoots, siblings []fr.Element, maxBuckets int,
) (commitment.Commitment, Report, error) {
	genesis, err := innerGenesis(prev, prevReport, index, operatorKeyHash, roots)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	root, err := RegisterGenesis(prev.ChildrenRoot, index, genesis, siblings)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	report, err := WithGenesis(prevReport, maxBuckets)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	return withChildren(prev, root, report), report, nil
}

// NodeUnregister is KindNodeUnregister's rule, NodeRegister undone: grandchild g's commitment
// prev (whose report is prevReport) after its child at index, registered with operator key
// operatorKeyHash and never updated, was deregistered (siblings: that genesis leaf's path in
// prev's children root): prev with the leaf emptied and one (0, 1) fewer in its report.
func NodeUnregister(
	prev commitment.Commitment, prevReport Report, index uint8, operatorKeyHash fr.Element,
	roots ledger.GenesisRoots, siblings []fr.Element,
) (commitment.Commitment, Report, error) {
	genesis, err := innerGenesis(prev, prevReport, index, operatorKeyHash, roots)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	root, err := UnregisterGenesis(prev.ChildrenRoot, index, genesis, siblings)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	report, err := WithoutGenesis(prevReport, 1)
	if err != nil {
		return commitment.Commitment{}, nil, err
	}
	return withChildren(prev, root, report), report, nil
}

// innerGenesis checks that prevReport is prev's acceptance digest preimage and returns the
// genesis commitment of prev's child at index registered with operatorKeyHash.
func innerGenesis(prev commitment.Commitment, prevReport Report, index uint8, operatorKeyHash fr.Element, roots ledger.GenesisRoots) (commitment.Commitment, error) {
	if d := prevReport.Digest(); !d.Equal(&prev.AcceptanceDigest) {
		return commitment.Commitment{}, fmt.Errorf("%w: the report is not the commitment's acceptance digest preimage", ErrReport)
	}
	vid, err := ChildVid(prev.Vid, index)
	if err != nil {
		return commitment.Commitment{}, err
	}
	return GenesisCommitment(vid, roots, operatorKeyHash), nil
}

// withChildren is prev with children root root and the digest of report, every other field kept.
func withChildren(prev commitment.Commitment, root fr.Element, report Report) commitment.Commitment {
	next := prev
	next.ChildrenRoot = root
	next.AcceptanceDigest = report.Digest()
	return next
}
