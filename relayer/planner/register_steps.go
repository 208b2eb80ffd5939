package planner

import (
	"context"
	"fmt"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Registered descendants count (issue 16): a chain under RECURSIVE subtree proofs puts a
// registered child's genesis commitment into its children SMT at registration, and the chain
// above checks that insertion natively (subtree.KindRegister, one level down
// subtree.KindNodeRegister): such steps carry no proof, are never queued for proving and are
// ready at once, but each counts toward max_steps_per_update as any step.

// genesisMove is a genesis leaf of c's children SMT that moved after the commitment c's parent
// holds: a child registered (its kind-5 step inserts the leaf at the block of registration) or,
// removal set, a child deregistered before it ever updated (its kind-7 step empties the leaf).
type genesisMove struct {
	height  int64
	index   uint8
	genesis commitment.Commitment
	removal bool
}

// opening is the move's child as a node step opens it: its genesis commitment and report.
func (gm genesisMove) opening() subtree.ChildOpening {
	return subtree.ChildOpening{Index: gm.index, Commitment: gm.genesis, Report: subtree.GenesisReport()}
}

// what names the move in errors.
func (gm genesisMove) what() string {
	if gm.removal {
		return fmt.Sprintf("the removal of child %d", gm.index)
	}
	return fmt.Sprintf("the registration of child %d", gm.index)
}

// applied is kids after the move: with its genesis opening, or without that child.
func (gm genesisMove) applied(kids []subtree.ChildOpening) []subtree.ChildOpening {
	if gm.removal {
		return withoutIndex(kids, gm.index)
	}
	return withOpening(kids, gm.opening())
}

// undone is report r before the move, from r after it: the registration's (0, 1) taken off, or
// the removal's put back (at most max buckets).
func (gm genesisMove) undone(r subtree.Report, max int) (subtree.Report, error) {
	if gm.removal {
		return subtree.WithGenesis(r, max)
	}
	return subtree.WithoutGenesis(r, 1)
}

// nativeStep is a step checked natively (kinds 5 to 8): what it states, for the chaining of
// roots, and its whole message.
type nativeStep struct {
	pub subtree.StepPublic
	msg validiumtypes.SubtreeStep
}

// genesisOf is the genesis commitment child record k of the chain of vid parentVid holds a
// leaf for until k's first update (subtree.GenesisCommitment of k's vid, the tree's genesis
// roots and k's operator key hash); ok is false for a record without a genesis leaf (registered
// before the rule, or arrived with its state). A genesis leaf that is not that commitment's hash
// is an error.
func genesisOf(parentVid fr.Element, k validiumtypes.Child, roots ledger.GenesisRoots) (c commitment.Commitment, ok bool, err error) {
	if len(k.GenesisLeaf) == 0 {
		return commitment.Commitment{}, false, nil
	}
	if k.Index == 0 || k.Index > 255 {
		return commitment.Commitment{}, false, fmt.Errorf("a child record of index %d", k.Index)
	}
	leaf, err := hash.DecodeElement(k.GenesisLeaf)
	if err != nil {
		return commitment.Commitment{}, false, fmt.Errorf("child %d's genesis leaf: %w", k.Index, err)
	}
	vid, err := subtree.ChildVid(parentVid, uint8(k.Index))
	if err != nil {
		return commitment.Commitment{}, false, err
	}
	op, err := slushtypes.DecodeOperatorKeyHash(k.OperatorKeyHash)
	if err != nil {
		return commitment.Commitment{}, false, err
	}
	c = subtree.GenesisCommitment(vid, roots, op)
	if h := c.Hash(); !h.Equal(&leaf) {
		return commitment.Commitment{}, false, fmt.Errorf("child %d's genesis leaf %X is not its genesis commitment's hash %X (vid, genesis roots, operator key hash)",
			k.Index, k.GenesisLeaf, hash.EncodeElement(h))
	}
	return c, true, nil
}

// genesisMovesAfter are c's registrations and removals of genesis leaves in (held, hc], in the
// order their native steps take (sortGenesisMoves): the registrations its children records at
// hc hold and the deregistrations its transaction index holds (removalsAfter). Every genesis
// commitment of the records at hc is added to genesis by index (a first update moves from it).
func genesisMovesAfter(ctx context.Context, c nodeChain, vid fr.Element, roots ledger.GenesisRoots, held, hc int64, genesis map[uint8]commitment.Commitment) ([]genesisMove, error) {
	kids, err := c.Children(ctx, hc)
	if err != nil {
		return nil, err
	}
	regs, err := registrationsAfter(vid, kids, roots, held, hc, genesis)
	if err != nil {
		return nil, err
	}
	deregs, err := c.Deregistrations(ctx, held+1, hc)
	if err != nil {
		return nil, err
	}
	removals, err := removalsAfter(ctx, c, vid, roots, held, deregs)
	if err != nil {
		return nil, err
	}
	regs = append(regs, removals...)
	sortGenesisMoves(regs)
	return regs, nil
}

// registrationsAfter are the children of records (c's, at a block ≤ hc) with a genesis leaf
// registered in (held, hc], with their genesis commitments; every genesis commitment of records
// is added to genesis by index.
func registrationsAfter(vid fr.Element, records []validiumtypes.Child, roots ledger.GenesisRoots, held, hc int64, genesis map[uint8]commitment.Commitment) ([]genesisMove, error) {
	var out []genesisMove
	for _, k := range records {
		g, ok, err := genesisOf(vid, k, roots)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		genesis[uint8(k.Index)] = g
		if k.RegisteredHeight > held && k.RegisteredHeight <= hc {
			out = append(out, genesisMove{height: k.RegisteredHeight, index: uint8(k.Index), genesis: g})
		}
	}
	return out, nil
}

// removalsAfter are the removals of the children c deregistered after held (deregs, in c's
// order), each read from c's records of the block before its deregistration: a child that held
// a genesis leaf there leaves it at its deregistration's block (kind 7), after its registration
// (kind 5) when that came after held (the records at hc no longer hold it). A child registered
// and deregistered within one block moved nothing, nor did one without a genesis leaf (its leaf
// was empty); one that updated leaves no step can prove (errUnprovableMove).
func removalsAfter(ctx context.Context, c nodeChain, vid fr.Element, roots ledger.GenesisRoots, held int64, deregs []chainclient.Deregistration) ([]genesisMove, error) {
	var out []genesisMove
	seen := map[chainclient.Deregistration]bool{}
	for _, d := range deregs {
		if seen[d] { // deregistered again in the block: a child registered in it
			continue
		}
		seen[d] = true
		k, ok, err := recordBefore(ctx, c, d)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if !isZero(k.LatestCommitment) {
			return nil, fmt.Errorf("%w: child %d, deregistered at %d, had updated: no step removes its leaf", errUnprovableMove, d.ChildIndex, d.Height)
		}
		g, ok, err := genesisOf(vid, k, roots)
		if err != nil {
			return nil, fmt.Errorf("child %d deregistered at %d: %w", d.ChildIndex, d.Height, err)
		}
		if !ok {
			continue
		}
		out = append(out, genesisMove{height: d.Height, index: uint8(d.ChildIndex), genesis: g, removal: true})
		if k.RegisteredHeight > held {
			out = append(out, genesisMove{height: k.RegisteredHeight, index: uint8(d.ChildIndex), genesis: g})
		}
	}
	return out, nil
}

// recordBefore is c's record of the child d deregistered, in the block before d's (ok false:
// none, the child was registered in d's block; at genesis, block 0, c holds no child).
func recordBefore(ctx context.Context, c nodeChain, d chainclient.Deregistration) (validiumtypes.Child, bool, error) {
	if d.ChildIndex == 0 || d.ChildIndex > 255 {
		return validiumtypes.Child{}, false, fmt.Errorf("a deregistration of child index %d at %d", d.ChildIndex, d.Height)
	}
	if d.Height <= 1 {
		return validiumtypes.Child{}, false, nil
	}
	kids, err := c.Children(ctx, d.Height-1)
	if err != nil {
		return validiumtypes.Child{}, false, err
	}
	for _, k := range kids {
		if k.Index == d.ChildIndex {
			return k, true, nil
		}
	}
	return validiumtypes.Child{}, false, nil
}

// sortGenesisMoves orders registrations and removals by block, in a block the removals first
// (of children that were there before it: an index freed in a block may be registered again in
// it), then by index.
func sortGenesisMoves(rs []genesisMove) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].height != rs[j].height {
			return rs[i].height < rs[j].height
		}
		if rs[i].removal != rs[j].removal {
			return rs[i].removal
		}
		return rs[i].index < rs[j].index
	})
}

// genesisMoveStep is the native step of r, moving children (c's children SMT as the steps move
// it) as x/validium's native rule does: kind 5 inserts r's genesis leaf into an empty leaf
// (subtree.RegisterGenesis), kind 7 empties the leaf holding it (subtree.UnregisterGenesis).
func genesisMoveStep(children *commitment.ChildrenTree, r genesisMove) (plannedStep, error) {
	before, err := children.Root()
	if err != nil {
		return plannedStep{}, err
	}
	path, err := children.Prove(r.index)
	if err != nil {
		return plannedStep{}, err
	}
	kind, move, leaf := uint32(subtree.KindRegister), subtree.RegisterGenesis, r.genesis.Hash()
	if r.removal {
		kind, move, leaf = subtree.KindUnregister, subtree.UnregisterGenesis, fr.Element{}
	}
	after, err := move(before, r.index, r.genesis, path.Siblings)
	if err != nil {
		return plannedStep{}, fmt.Errorf("%s at %d: %w", r.what(), r.height, err)
	}
	if err := children.SetChild(r.index, leaf); err != nil { // zero: the leaf emptied
		return plannedStep{}, err
	}
	if got, err := children.Root(); err != nil || !got.Equal(&after) {
		return plannedStep{}, fmt.Errorf("%s: the children SMT does not move as the native rule (%v)", r.what(), err)
	}
	fields := slushtypes.NewCommitmentFields(r.genesis)
	ns := nativeStep{
		pub: subtree.StepPublic{Kind: uint64(kind), ChildVid: r.genesis.Vid, Index: r.index, RootBefore: before, RootAfter: after, Leaf: leaf},
		msg: validiumtypes.SubtreeStep{Kind: kind, Index: uint32(r.index), RootAfter: hash.EncodeElement(after),
			Leaf: hash.EncodeElement(leaf), Commitment: &fields, Siblings: hash.EncodeElements(path.Siblings)},
	}
	return ns.planned(r.height), nil
}

// planned is the native step as a planned step of c's block height.
func (ns nativeStep) planned(height int64) plannedStep {
	msg := ns.msg
	return plannedStep{height: height, pub: ns.pub, key: "native:" + string(hash.EncodeElement(ns.pub.Statement())), native: &msg}
}
