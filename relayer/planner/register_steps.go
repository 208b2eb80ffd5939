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

// registration is a child of c with a genesis leaf registered after the commitment c's parent
// holds: its kind-5 step inserts the genesis leaf at the block of registration; or, removal
// set, such a child deregistered before it ever updated: its kind-7 step empties that leaf.
type registration struct {
	height  int64
	index   uint8
	genesis commitment.Commitment
	removal bool
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
// order their native steps take (sortRegistrations): the registrations its children records at
// hc hold and the deregistrations its transaction index holds (removalsAfter). Every genesis
// commitment of the records at hc is added to genesis by index (a first update moves from it).
func genesisMovesAfter(ctx context.Context, c nodeChain, vid fr.Element, roots ledger.GenesisRoots, held, hc int64, genesis map[uint8]commitment.Commitment) ([]registration, error) {
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
	sortRegistrations(regs)
	return regs, nil
}

// registrationsAfter are the children of records (c's, at a block ≤ hc) with a genesis leaf
// registered in (held, hc], with their genesis commitments; every genesis commitment of records
// is added to genesis by index.
func registrationsAfter(vid fr.Element, records []validiumtypes.Child, roots ledger.GenesisRoots, held, hc int64, genesis map[uint8]commitment.Commitment) ([]registration, error) {
	var out []registration
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
			out = append(out, registration{height: k.RegisteredHeight, index: uint8(k.Index), genesis: g})
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
func removalsAfter(ctx context.Context, c nodeChain, vid fr.Element, roots ledger.GenesisRoots, held int64, deregs []chainclient.Deregistration) ([]registration, error) {
	var out []registration
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
		out = append(out, registration{height: d.Height, index: uint8(d.ChildIndex), genesis: g, removal: true})
		if k.RegisteredHeight > held {
			out = append(out, registration{height: k.RegisteredHeight, index: uint8(d.ChildIndex), genesis: g})
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

// sortRegistrations orders registrations and removals by block, in a block the removals first
// (of children that were there before it: an index freed in a block may be registered again in
// it), then by index.
func sortRegistrations(rs []registration) {
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

// registerStep is the native step of r, moving children (c's children SMT as the steps move
// it) as x/validium's native rule does: kind 5 inserts r's genesis leaf into an empty leaf
// (subtree.RegisterGenesis), kind 7 empties the leaf holding it (subtree.UnregisterGenesis).
func registerStep(children *commitment.ChildrenTree, r registration) (plannedStep, error) {
	before, err := children.Root()
	if err != nil {
		return plannedStep{}, err
	}
	path, err := children.Prove(r.index)
	if err != nil {
		return plannedStep{}, err
	}
	kind, move, what, leaf := uint32(subtree.KindRegister), subtree.RegisterGenesis, "registration", r.genesis.Hash()
	if r.removal {
		kind, move, what, leaf = subtree.KindUnregister, subtree.UnregisterGenesis, "removal", fr.Element{}
	}
	after, err := move(before, r.index, r.genesis, path.Siblings)
	if err != nil {
		return plannedStep{}, fmt.Errorf("the %s of child %d at %d: %w", what, r.index, r.height, err)
	}
	if err := setLeaf(children, r.index, leaf); err != nil {
		return plannedStep{}, err
	}
	if got, err := children.Root(); err != nil || !got.Equal(&after) {
		return plannedStep{}, fmt.Errorf("the %s of child %d: the children SMT does not move as the native rule (%v)", what, r.index, err)
	}
	fields := slushtypes.NewCommitmentFields(r.genesis)
	ns := nativeStep{
		pub: subtree.StepPublic{Kind: uint64(kind), ChildVid: r.genesis.Vid, Index: r.index, RootBefore: before, RootAfter: after, Leaf: leaf},
		msg: validiumtypes.SubtreeStep{Kind: kind, Index: uint32(r.index), RootAfter: hash.EncodeElement(after),
			Leaf: hash.EncodeElement(leaf), Commitment: &fields, Siblings: hash.EncodeElements(path.Siblings)},
	}
	return ns.planned(r.height), nil
}

// setLeaf sets child index's leaf of children to commitment hash h, or empties it for h zero.
func setLeaf(children *commitment.ChildrenTree, index uint8, h fr.Element) error {
	if h.IsZero() {
		return children.RemoveChild(index)
	}
	return children.SetChild(index, h)
}

// planned is the native step as a planned step of c's block height.
func (ns nativeStep) planned(height int64) plannedStep {
	msg := ns.msg
	return plannedStep{height: height, pub: ns.pub, key: "native:" + string(hash.EncodeElement(ns.pub.Statement())), native: &msg}
}
