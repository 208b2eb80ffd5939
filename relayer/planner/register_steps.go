package planner

import (
	"fmt"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// Registered descendants count (issue 16): a chain under RECURSIVE subtree proofs puts a
// registered child's genesis commitment into its children SMT at registration, and the chain
// above checks that insertion natively (subtree.KindRegister, one level down
// subtree.KindNodeRegister): such steps carry no proof, are never queued for proving and are
// ready at once, but each counts toward max_steps_per_update as any step.

// registration is a child of c with a genesis leaf registered after the commitment c's parent
// holds: its kind-5 step inserts the genesis leaf at the block of registration.
type registration struct {
	height  int64
	index   uint8
	genesis commitment.Commitment
}

// nativeStep is a step checked natively (kinds 5 and 6): what it states, for the chaining of
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

// registrationsAfter are the children of records (c's, at a block ≤ hc) with a genesis leaf
// registered in (held, hc], by block then index, with their genesis commitments; every genesis
// commitment of records is added to genesis by index.
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
	sort.Slice(out, func(i, j int) bool {
		if out[i].height != out[j].height {
			return out[i].height < out[j].height
		}
		return out[i].index < out[j].index
	})
	return out, nil
}

// registerStep is the kind-5 step of r: its genesis leaf inserted into children (c's children
// SMT as the steps move it), with the root after as x/validium's native rule computes it
// (subtree.RegisterGenesis; the leaf must be empty).
func registerStep(children *commitment.ChildrenTree, r registration) (plannedStep, error) {
	before, err := children.Root()
	if err != nil {
		return plannedStep{}, err
	}
	path, err := children.Prove(r.index)
	if err != nil {
		return plannedStep{}, err
	}
	after, err := subtree.RegisterGenesis(before, r.index, r.genesis, path.Siblings)
	if err != nil {
		return plannedStep{}, fmt.Errorf("the registration of child %d at %d: %w", r.index, r.height, err)
	}
	leaf := r.genesis.Hash()
	if err := children.SetChild(r.index, leaf); err != nil {
		return plannedStep{}, err
	}
	if got, err := children.Root(); err != nil || !got.Equal(&after) {
		return plannedStep{}, fmt.Errorf("the registration of child %d: the children SMT does not move as the native rule (%v)", r.index, err)
	}
	fields := slushtypes.NewCommitmentFields(r.genesis)
	ns := nativeStep{
		pub: subtree.StepPublic{Kind: subtree.KindRegister, ChildVid: r.genesis.Vid, Index: r.index, RootBefore: before, RootAfter: after, Leaf: leaf},
		msg: validiumtypes.SubtreeStep{Kind: subtree.KindRegister, Index: uint32(r.index), RootAfter: hash.EncodeElement(after),
			Leaf: hash.EncodeElement(leaf), Commitment: &fields, Siblings: hash.EncodeElements(path.Siblings)},
	}
	return ns.planned(r.height), nil
}

// planned is the native step as a planned step of c's block height.
func (ns nativeStep) planned(height int64) plannedStep {
	msg := ns.msg
	return plannedStep{height: height, pub: ns.pub, key: "native:" + string(hash.EncodeElement(ns.pub.Statement())), native: &msg}
}
