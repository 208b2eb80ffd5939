package keeper

import (
	"context"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
	slushtypes "github.com/slush-tree/slush/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// genesisRoots are the roots every child under RECURSIVE subtree proofs starts from (this
// chain's ledger shape; the tree's shape is uniform, as for the ledger key).
func (k Keeper) genesisRoots(ctx context.Context) (ledger.GenesisRoots, error) {
	shape, err := k.ledger.GetParams(ctx)
	if err != nil {
		return ledger.GenesisRoots{}, err
	}
	return ledger.EmptyRoots(shape.Ledger()), nil
}

// setGenesisLeaf puts a newly registered child's genesis commitment into this chain's children
// SMT and returns its hash, so that the child counts in this chain's subtree from registration
// on and the chains above can check it natively (docs/PROTOCOL.md "Registered descendants
// count", issue 16).
func (k Keeper) setGenesisLeaf(ctx context.Context, index uint32, operatorKeyHash []byte) ([]byte, error) {
	vid, err := k.tree.ChildVid(ctx, index)
	if err != nil {
		return nil, err
	}
	key, err := slushtypes.DecodeOperatorKeyHash(operatorKeyHash)
	if err != nil {
		return nil, err
	}
	roots, err := k.genesisRoots(ctx)
	if err != nil {
		return nil, err
	}
	h := subtree.GenesisCommitment(vid, roots, key).Hash()
	if err := k.setChildLeaf(ctx, index, h); err != nil {
		return nil, err
	}
	return hash.EncodeElement(h), nil
}

// nativeStep checks a native step of child's update — a register (kind 5) or unregister (kind
// 7) step, or their node forms (kinds 6, 8) — against the children root before it and the tree's
// genesis roots, and returns the root after it and the grandchild's commitment it leaves, with
// its report (removed for kind 7). Nothing is proven: a registered chain's genesis is fixed by its
// vid, the tree's genesis roots and its operator key, so the checker recomputes the move (issue
// 16, docs/PROTOCOL.md "Registered descendants count").
func (k Keeper) nativeStep(ctx context.Context, params types.Params, child types.Child, root fr.Element, roots ledger.GenesisRoots, s types.SubtreeStep) (fr.Element, provenLeaf, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.NativeStepGas, "validium native subtree step")
	n, err := s.Native()
	if err != nil {
		return fr.Element{}, provenLeaf{}, err
	}
	if err := k.checkRegisteredDepth(ctx, params, s.Kind); err != nil {
		return fr.Element{}, provenLeaf{}, err
	}
	vid, err := k.grandchildVid(ctx, child.Index, s.Index)
	if err != nil {
		return fr.Element{}, provenLeaf{}, err
	}
	var after fr.Element
	var report subtree.Report
	switch s.Kind {
	case subtree.KindRegister, subtree.KindUnregister:
		if err := checkGenesis(n.Genesis, vid, roots); err != nil {
			return fr.Element{}, provenLeaf{}, err
		}
		move, verb := subtree.RegisterGenesis, "register"
		if s.IsRemoval() { // DESIGN §5: only a chain that never updated leaves without a proof
			move, verb = subtree.UnregisterGenesis, "unregister"
		}
		if after, err = move(root, uint8(s.Index), n.Genesis, n.Siblings); err != nil {
			return fr.Element{}, provenLeaf{}, errorsmod.Wrapf(types.ErrUnprovenChildren, "%s step for grandchild %d: %v", verb, s.Index, err)
		}
		if !s.IsRemoval() {
			report = subtree.GenesisReport()
		}
	default: // subtree.KindNodeRegister, subtree.KindNodeUnregister (Native refuses any other kind)
		after, report, err = k.nodeRegister(ctx, root, vid, roots, s, n)
		if err != nil {
			return fr.Element{}, provenLeaf{}, err
		}
	}
	if want, err := hash.DecodeElement(s.RootAfter); err != nil || !want.Equal(&after) {
		return fr.Element{}, provenLeaf{}, errorsmod.Wrapf(types.ErrUnprovenChildren, "kind %d step for grandchild %d: root_after is not the children root the move leaves", s.Kind, s.Index)
	}
	return after, provenLeaf{index: s.Index, leaf: s.Leaf, anchor: s.AnchorHeight, report: types.HistogramOf(report), removed: s.IsRemoval()}, nil
}

// checkRegisteredDepth refuses a register step for a chain deeper than the steps above this
// chain prove (types.CheckProvenDepth): kind 5 registers a grandchild of this chain, kind 6 a
// great-grandchild. A dishonest child or grandchild that registered it anyway is refused here,
// so it stalls only itself (issue 16).
func (k Keeper) checkRegisteredDepth(ctx context.Context, params types.Params, kind uint32) error {
	var below uint32
	switch kind {
	case subtree.KindRegister:
		below = 2
	case subtree.KindNodeRegister:
		below = 3
	default: // removals leave the tree no deeper
		return nil
	}
	id, err := k.tree.GetIdentity(ctx)
	if err != nil {
		return err
	}
	return types.CheckProvenDepth(params, id.Depth()+below)
}

// nodeRegister is kinds 6 and 8: grandchild vid's commitment moves from the previous one (open
// under root at the step's index) to subtree.NodeRegister's (kind 6) or subtree.NodeUnregister's
// (kind 8), which must be the step's leaf.
func (k Keeper) nodeRegister(ctx context.Context, root, vid fr.Element, roots ledger.GenesisRoots, s types.SubtreeStep, n types.RegisterStep) (fr.Element, subtree.Report, error) {
	if !n.Previous.Vid.Equal(&vid) {
		return fr.Element{}, nil, errorsmod.Wrapf(types.ErrInvalidStep, "the previous commitment's vid is not grandchild %d's", s.Index)
	}
	inner, err := subtree.ChildVid(vid, n.InnerIndex)
	if err != nil {
		return fr.Element{}, nil, errorsmod.Wrap(types.ErrInvalidStep, err.Error())
	}
	if err := checkGenesis(n.Genesis, inner, roots); err != nil {
		return fr.Element{}, nil, err
	}
	var next commitment.Commitment
	var report subtree.Report
	verb := "node register"
	if s.Kind == subtree.KindNodeUnregister {
		verb = "node unregister"
		next, report, err = subtree.NodeUnregister(n.Previous, types.ReportOf(n.PreviousReport), n.InnerIndex, n.Genesis.OperatorKeyHash, roots, n.InnerSiblings)
	} else {
		var maxBuckets int
		if maxBuckets, err = k.acceptance.MaxReportBuckets(ctx); err != nil {
			return fr.Element{}, nil, err
		}
		next, report, err = subtree.NodeRegister(n.Previous, types.ReportOf(n.PreviousReport), n.InnerIndex, n.Genesis.OperatorKeyHash, roots, n.InnerSiblings, maxBuckets)
	}
	if err != nil {
		return fr.Element{}, nil, errorsmod.Wrapf(types.ErrUnprovenChildren, "%s step for grandchild %d: %v", verb, s.Index, err)
	}
	leaf := next.Hash()
	if want, err := hash.DecodeElement(s.Leaf); err != nil || !want.Equal(&leaf) {
		return fr.Element{}, nil, errorsmod.Wrapf(types.ErrInvalidStep, "%s step for grandchild %d: the leaf is not the commitment the move leaves", verb, s.Index)
	}
	after, err := subtree.MoveLeaf(root, uint8(s.Index), n.Previous.Hash(), leaf, n.Siblings)
	if err != nil {
		return fr.Element{}, nil, errorsmod.Wrapf(types.ErrUnprovenChildren, "%s step for grandchild %d: %v", verb, s.Index, err)
	}
	return after, report, nil
}

// checkGenesis refuses a carried genesis commitment that is not the one the chain vid registered
// with its operator key starts from (the only free field is that key).
func checkGenesis(g commitment.Commitment, vid fr.Element, roots ledger.GenesisRoots) error {
	if err := subtree.CheckGenesis(g, vid, roots); err != nil {
		return errorsmod.Wrap(types.ErrInvalidStep, err.Error())
	}
	return nil
}
