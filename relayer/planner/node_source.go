package planner

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/subtree"
	"github.com/slush-tree/slush/relayer/chainclient"
	"github.com/slush-tree/slush/relayer/proving"
	"github.com/slush-tree/slush/relayer/tree"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	treetypes "github.com/slush-tree/slush/x/tree/types"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// nodeKeys says whether a relayer whose keys_dir holds the node step verifying keys ledgerVK
// and childVK (nil: absent) can prove node steps for a parent with params: nil for each kind
// whose key is exactly the parent's, else why not (wrapping errUnprovableMove: a grandchild's
// update that needs that kind stops the plan before it).
func nodeKeys(params validiumtypes.Params, ledgerVK, childVK []byte) (ledgerKey, childKey error) {
	return stepKeyCheck("node_ledger_step_key", params.NodeLedgerStepKey, ledgerVK, subtree.KindNodeLedger),
		stepKeyCheck("node_child_step_key", params.NodeChildStepKey, childVK, subtree.KindNodeChild)
}

// stepKeyCheck says whether a relayer whose keys_dir holds the verifying key of the steps of kind
// (file.vk, file the kind's keys file name: proving.StepKeys) as have (nil: absent) can prove the
// steps the parent verifies under its param want: nil when both are the same bytes, else why not
// (wrapping errUnprovableMove).
func stepKeyCheck(param string, want, have []byte, kind uint64) error {
	file := proving.StepKeys(kind)
	switch {
	case have == nil:
		return fmt.Errorf("%w: keys_dir has no %s.pk/.vk", errUnprovableMove, file)
	case len(want) == 0:
		return fmt.Errorf("%w: the parent has no %s: it refuses these steps", errUnprovableMove, param)
	case !bytes.Equal(want, have):
		return fmt.Errorf("%w: the parent's %s is not keys_dir/%s.vk: its steps would be refused", errUnprovableMove, param, file)
	}
	return nil
}

// nodeChain is what the steps read of a chain: its commitments by hash and block, its children records,
// the child updates it accepted and the children it deregistered (its transaction index) and
// the reports it made.
type nodeChain interface {
	finalizedReader
	ownHistory
	AcceptedUpdates(ctx context.Context, from, to int64) ([]chainclient.AcceptedUpdate, error)
	AcceptedUpdateByCommitment(ctx context.Context, idx uint32, h []byte) (chainclient.AcceptedUpdate, error)
	Deregistrations(ctx context.Context, from, to int64) ([]chainclient.Deregistration, error)
	SubtreeReport(ctx context.Context, anchorHeight uint64, atHeight int64) (acceptancetypes.SubtreeReport, error)
}

// chainLookup is a served chain by its child index under a chain (an error if not served).
type chainLookup func(idx uint8) (nodeChain, error)

// loadNodeSource reads, for the update mv of c's child g that has children, what its node steps
// are built from (readNodeSource), from the chains this relayer serves; roots are the tree's
// genesis roots.
func (pl *Planner) loadNodeSource(ctx context.Context, c *tree.Node, mv childMove, roots ledger.GenesisRoots) (nodeSource, error) {
	g, err := pl.served(c, uint8(mv.msg.ChildIndex))
	if err != nil {
		return nodeSource{}, err
	}
	children := func(idx uint8) (nodeChain, error) { return pl.served(g, idx) }
	src, err := readNodeSource(ctx, g, children, mv, roots)
	if err != nil {
		return nodeSource{}, fmt.Errorf("%s: %w", g.Name, err)
	}
	return src, nil
}

// readNodeSource reads g's children at its previous commitment (from g's records at that
// commitment's block, each opened on its own chain with the report it made, or with its genesis
// commitment and the genesis report while it has not updated) and the commitments the update's
// steps move them to (the updates g accepted after that block up to the update's commitment's,
// from g's transaction index, with their histograms; a leaf's intermediate commitments with its
// one-bucket report); g's previous report when the update's first step is a registration or
// a removal, or it carries a removal (which may go first: frontRemovals); and g's finalized
// children before and after the update when it moves them, before it when it credited exits
// (mv.exits, opened by withExits). roots are the tree's genesis roots.
func readNodeSource(ctx context.Context, g nodeChain, children chainLookup, mv childMove, roots ledger.GenesisRoots) (nodeSource, error) {
	var prev treetypes.OwnCommitment // g's genesis (block 0) before its first update: no children
	if !mv.first {
		var err error
		if prev, err = commitmentRecord(ctx, g, hash.EncodeElement(mv.prev.Hash()), mv.prev.AnchorHeight, 0); err != nil {
			return nodeSource{}, fmt.Errorf("the commitment before its update: %w", err)
		}
	}
	next, err := mv.msg.NewCommitment.Decode()
	if err != nil {
		return nodeSource{}, err
	}
	rec, err := commitmentRecord(ctx, g, hash.EncodeElement(next.Hash()), next.AnchorHeight, 0)
	if err != nil {
		return nodeSource{}, fmt.Errorf("its updated commitment: %w", err)
	}
	src := nodeSource{leaves: map[fr.Element]subtree.ChildOpening{}, roots: roots}
	updates, err := g.AcceptedUpdates(ctx, prev.Height+1, rec.Height)
	if err != nil {
		return nodeSource{}, err
	}
	for _, u := range updates {
		if err := addLeaves(src.leaves, u.Msg); err != nil {
			return nodeSource{}, fmt.Errorf("the child update it accepted at %d: %w", u.Height, err)
		}
	}
	if prev.Height > 0 { // at genesis g holds no child (height 0 would read the latest block)
		if src.before, err = childOpenings(ctx, g, children, prev.Height, next.Vid, roots); err != nil {
			return nodeSource{}, err
		}
		if (len(mv.msg.Batches) == 0 && len(mv.msg.Steps) > 0 && carriedNative(mv.msg.Steps[0])) || carriesRemoval(mv.msg) {
			if src.prevReport, err = reportAt(ctx, g, *mv.prev, prev.Height); err != nil {
				return nodeSource{}, fmt.Errorf("the report before its update: %w", err)
			}
		}
	}
	moved := !next.FinalizedChildrenRoot.Equal(&mv.prev.FinalizedChildrenRoot) // the steps move finalized leaves
	if moved || len(mv.exits) > 0 {
		if src.finalizedBefore, err = finalizedAt(ctx, g, prev.Height); err != nil {
			return nodeSource{}, fmt.Errorf("its finalized children before the update: %w", err)
		}
	}
	if moved {
		if src.finalizedAfter, err = finalizedAt(ctx, g, rec.Height); err != nil {
			return nodeSource{}, fmt.Errorf("its finalized children after the update: %w", err)
		}
	}
	return src, nil
}

// served is c's child idx as this relayer serves it.
func (pl *Planner) served(c *tree.Node, idx uint8) (*tree.Node, error) {
	g := pl.tree.At(append(append([]uint8(nil), c.Path...), idx))
	if g == nil {
		return nil, fmt.Errorf("%s's child %d is not served by this relayer: its commitments cannot be read", c.Name, idx)
	}
	return g, nil
}

// addLeaves records the commitments a child update moves its leaf to: its new commitment with
// the update's histogram and, for a leaf child, the synthetic commitment after each batch (the
// update's fields with that batch's roots) with its one-bucket report, as its leaf steps state
// them.
func addLeaves(leaves map[fr.Element]subtree.ChildOpening, msg *validiumtypes.MsgSubmitUpdate) error {
	next, err := msg.NewCommitment.Decode()
	if err != nil {
		return err
	}
	idx := uint8(msg.ChildIndex)
	leaves[next.Hash()] = subtree.ChildOpening{Index: idx, Commitment: next, Report: reportOf(msg.Histogram)}
	if d := subtree.LeafReportDigest(next.AnchorHeight); !d.Equal(&next.AcceptanceDigest) {
		return nil // a node's intermediate commitments are stated by node steps (not built below a grandchild)
	}
	leafReport := subtree.Report{{Height: next.AnchorHeight, Count: 1}}
	for _, b := range msg.Batches {
		roots, err := b.End.Decode()
		if err != nil {
			return err
		}
		mid := next
		mid.LedgerRoot, mid.OutboxRoot, mid.ReceiptRoot = roots[0], roots[1], roots[2]
		leaves[mid.Hash()] = subtree.ChildOpening{Index: idx, Commitment: mid, Report: leafReport}
	}
	return nil
}

// childOpenings opens each child of g (of vid vid) at g's block h: its commitment, read from
// its own chain by hash, and the report its chain made for it (x/acceptance's subtree report at
// that commitment's block), both checked against the hash and the acceptance digest; a child
// that has not updated, registered with a genesis leaf, with its genesis commitment (rebuilt
// from roots, checked against the leaf) and the genesis report.
func childOpenings(ctx context.Context, g nodeChain, children chainLookup, h int64, vid fr.Element, roots ledger.GenesisRoots) ([]subtree.ChildOpening, error) {
	kids, err := g.Children(ctx, h)
	if err != nil {
		return nil, err
	}
	var out []subtree.ChildOpening
	for _, k := range kids {
		if k.Index == 0 || k.Index > 255 {
			continue
		}
		if isZero(k.LatestCommitment) {
			gen, ok, err := genesisOf(vid, k, roots)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, subtree.ChildOpening{Index: uint8(k.Index), Commitment: gen, Report: subtree.GenesisReport()})
			}
			continue
		}
		o, err := openChild(ctx, g, children, uint8(k.Index), k.LatestCommitment)
		if err != nil {
			return nil, fmt.Errorf("child %d: %w", k.Index, err)
		}
		out = append(out, o)
	}
	return out, nil
}

// reportAt is the report of c, a commitment of chain g recorded at g's block h: g's subtree
// report there, checked against c's acceptance digest.
func reportAt(ctx context.Context, g nodeChain, c commitment.Commitment, h int64) (subtree.Report, error) {
	res, err := g.SubtreeReport(ctx, c.AnchorHeight, h)
	if err != nil {
		return nil, err
	}
	r := reportOf(res.Histogram)
	if d := r.Digest(); !d.Equal(&c.AcceptanceDigest) {
		return nil, errors.New("the subtree report does not match the commitment's acceptance digest")
	}
	return r, nil
}

// openChild opens the commitment h of g's child idx with its report: from the update g accepted
// that made it (g's transaction index), so a stopped or withholding child cannot stall the
// updates above g (DESIGN §8); else from the child's own history (a commitment it arrived with).
// The report is checked against the commitment's acceptance digest either way.
func openChild(ctx context.Context, g nodeChain, children chainLookup, idx uint8, h []byte) (subtree.ChildOpening, error) {
	o, err := openChildOnParent(ctx, g, idx, h)
	if err != nil {
		gg, lerr := children(idx)
		if lerr != nil {
			return subtree.ChildOpening{}, fmt.Errorf("%v, and on its own chain: %w", err, lerr)
		}
		if o, err = openChildOnChain(ctx, gg, idx, h); err != nil {
			return subtree.ChildOpening{}, err
		}
	}
	if d := o.Report.Digest(); !d.Equal(&o.Commitment.AcceptanceDigest) {
		return subtree.ChildOpening{}, errors.New("its subtree report does not match its commitment's acceptance digest")
	}
	return o, nil
}

// openChildOnParent is the commitment h of g's child idx and its report as the update g
// accepted carried them (AcceptedUpdateByCommitment returns only an update committing to h).
func openChildOnParent(ctx context.Context, g nodeChain, idx uint8, h []byte) (subtree.ChildOpening, error) {
	u, err := g.AcceptedUpdateByCommitment(ctx, uint32(idx), h)
	if err != nil {
		return subtree.ChildOpening{}, err
	}
	fields, err := u.Msg.NewCommitment.Decode()
	if err != nil {
		return subtree.ChildOpening{}, err
	}
	return subtree.ChildOpening{Index: idx, Commitment: fields, Report: reportOf(u.Msg.Histogram)}, nil
}

// openChildOnChain is the commitment h of chain gg (child idx) from its own history, with the
// report gg made at that commitment's block.
func openChildOnChain(ctx context.Context, gg nodeChain, idx uint8, h []byte) (subtree.ChildOpening, error) {
	rec, err := gg.CommitmentByHash(ctx, h, 0)
	if err != nil {
		return subtree.ChildOpening{}, fmt.Errorf("commitment %X: %w", h, err)
	}
	fields, err := rec.Fields.Decode()
	if err != nil {
		return subtree.ChildOpening{}, err
	}
	if got := fields.Hash(); !bytes.Equal(hash.EncodeElement(got), h) {
		return subtree.ChildOpening{}, fmt.Errorf("commitment record %X hashes to %X", h, hash.EncodeElement(got))
	}
	report, err := gg.SubtreeReport(ctx, fields.AnchorHeight, rec.Height)
	if err != nil {
		return subtree.ChildOpening{}, fmt.Errorf("report at %d: %w", rec.Height, err)
	}
	return subtree.ChildOpening{Index: idx, Commitment: fields, Report: reportOf(report.Histogram)}, nil
}

// carriesRemoval tells whether g's update carried a removal (kind 7): its grandparent's steps
// may start with it (frontRemovals), from g's previous report.
func carriesRemoval(u *validiumtypes.MsgSubmitUpdate) bool {
	for _, s := range u.Steps {
		if s.Kind == subtree.KindUnregister {
			return true
		}
	}
	return false
}
