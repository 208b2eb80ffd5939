package planner

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	"github.com/slush-tree/slush/circuits/smt"
	"github.com/slush-tree/slush/circuits/subtree"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// The exit node ledger step (kind 12, subtree.KindNodeLedgerExit): a batch of a node grandchild g
// that credited exits — g paid out accounts of its own frozen child d (DESIGN §8) — is the node
// ledger step that opens each exit entry as g's parent checked it natively (x/validium
// ExitProof.Verify): d's commitment under g's finalized children root, the account in d's ledger
// (docs/PROTOCOL.md "Validity all the way up").

// nodeLedgerExitKey says whether a relayer whose keys_dir holds the exit node ledger step
// verifying key vk (nil: absent) can prove exit node ledger steps (kind 12) for a parent with
// params: nil when vk is exactly the parent's node_ledger_exit_step_key, else why not (wrapping
// errUnprovableMove: a node grandchild's batch that credited exits stops the plan before it).
func nodeLedgerExitKey(params validiumtypes.Params, vk []byte) error {
	return stepKeyCheck("node_ledger_exit_step_key", params.NodeLedgerExitStepKey, vk, subtree.KindNodeLedgerExit)
}

// exitEntries counts the exit entries msg consumed.
func exitEntries(msg *validiumtypes.MsgSubmitUpdate) (int, error) {
	n := 0
	for _, e := range msg.InboxEntries {
		_, src, err := e.Decode()
		if err != nil {
			return 0, err
		}
		if src == ledger.SourceExit {
			n++
		}
	}
	return n, nil
}

// withExits is mv, the update of a grandchild that has children, with the exit credits it
// consumed opened from the exit proofs it carries, one per exit entry in order (mv as is when it
// consumed none); accountDepth is the tree's accounts SMT depth. Without the exit node ledger
// step keys the parent takes (keyErr says why: plan.nodeLedgerExit) the move is unprovable.
func withExits(keyErr error, mv childMove, accountDepth int) (childMove, error) {
	n, err := exitEntries(mv.msg)
	if err != nil || n == 0 {
		return mv, err
	}
	if keyErr != nil {
		return childMove{}, keyErr
	}
	if len(mv.msg.Exits) != n {
		return childMove{}, fmt.Errorf("%d exit entries, %d exit proofs", n, len(mv.msg.Exits))
	}
	mv.exits = make([]subtree.ExitOpening, 0, n)
	for i, p := range mv.msg.Exits {
		o, err := p.Decode(accountDepth)
		if err != nil {
			return childMove{}, fmt.Errorf("exit proof %d: %w", i, err)
		}
		mv.exits = append(mv.exits, o)
	}
	return mv, nil
}

// exitsUnder is the exits mv opened (withExits) by exit message hash — the entries' —, each with
// its path in the finalized children SMT of g's previous commitment, which g's node ledger steps
// state: a ledger step keeps g's finalized children root, and only a child step's finality move,
// after the ledger steps, changes it (docs/PROTOCOL.md "Validity all the way up"). The carried
// paths are under the update's finalized children root, the same one when the update keeps it;
// the paths are rebuilt from g's finalized children at its previous commitment (finalizedBefore,
// checked against its root), where each exited child's leaf must hold the opened commitment:
// else the exit was paid from a finalized commitment the update itself brought in, which no step
// opens (errUnprovableMove). nil without exits.
func exitsUnder(mv childMove, finalizedBefore map[uint8]fr.Element) (map[fr.Element]subtree.ExitOpening, error) {
	if len(mv.exits) == 0 {
		return nil, nil
	}
	vid := mv.prev.Vid
	fin, err := finalizedTree(finalizedBefore, mv.prev.FinalizedChildrenRoot)
	if err != nil {
		return nil, err
	}
	out := make(map[fr.Element]subtree.ExitOpening, len(mv.exits))
	for _, o := range mv.exits {
		if h, want := finalizedBefore[o.ChildIndex], o.Child.Hash(); !h.Equal(&want) {
			return nil, fmt.Errorf("%w: the exit of account %d of child %d opens a finalized commitment of that child that the grandchild's previous commitment does not hold (the update moved it; an exit step opens exits under the finalized children the ledger steps keep)",
				errUnprovableMove, o.AccountIndex, o.ChildIndex)
		}
		path, err := fin.Prove(o.ChildIndex)
		if err != nil {
			return nil, err
		}
		o.Siblings = path.Siblings
		out[o.Message(vid).Hash()] = o
	}
	return out, nil
}

// finalizedTree is the finalized children SMT of a chain whose finalized children are leaves (a
// commitment hash by index), which must rebuild root.
func finalizedTree(leaves map[uint8]fr.Element, root fr.Element) (*commitment.ChildrenTree, error) {
	fin, err := commitment.NewChildrenTree(smt.NewMemStore())
	if err != nil {
		return nil, err
	}
	for idx, h := range leaves {
		if err := fin.SetChild(idx, h); err != nil {
			return nil, err
		}
	}
	if got, err := fin.Root(); err != nil || !got.Equal(&root) {
		return nil, fmt.Errorf("the grandchild's finalized children at its previous commitment do not rebuild its finalized children root (%v)", err)
	}
	return fin, nil
}

// addExit opens exit entry h of w's batch (batch j) from exits at its slot. It refuses, as
// errUnprovableMove, an exit entry without exits (a leaf step opens none; a node's are opened
// with the exit step keys: withExits), beside a forced entry (a step opens one source) or past
// subtree.MaxExitsPerBatch in the batch (x/validium CheckBatchEntries).
func addExit(w *subtree.LeafStepWitness, j int, h fr.Element, exits map[fr.Element]subtree.ExitOpening) error {
	switch {
	case exits == nil:
		return fmt.Errorf("%w: batch %d consumes an entry of source %s that is not opened (a leaf step opens none; a node ledger step opens them under the grandchild's finalized children)",
			errUnprovableMove, j, ledger.SourceExit)
	case len(w.Deposits) > 0:
		return fmt.Errorf("%w: batch %d consumes forced and exit entries (a step opens forced deposits or exits, not both)", errUnprovableMove, j)
	case len(w.Exits) == subtree.MaxExitsPerBatch:
		return fmt.Errorf("%w: batch %d consumes more than %d exit entries (an exit step opens at most that many)", errUnprovableMove, j, subtree.MaxExitsPerBatch)
	}
	o, ok := exits[h]
	if !ok {
		return fmt.Errorf("batch %d: exit entry %X was not opened", j, hash.EncodeElement(h))
	}
	o.Slot = len(w.Claims)
	w.Exits = append(w.Exits, o)
	return nil
}

// checkExits checks each exit a node ledger step opens as its circuit does, natively: under the
// step's new commitment's finalized children root, credited to the grandchild
// (subtree.ExitOpening.Verify), and its message the entry at its slot.
func checkExits(w subtree.LeafStepWitness) error {
	for _, o := range w.Exits {
		if err := o.Verify(w.New.Vid, w.New.FinalizedChildrenRoot); err != nil {
			return fmt.Errorf("the exit of account %d of child %d: %w", o.AccountIndex, o.ChildIndex, err)
		}
		if m := o.Message(w.New.Vid).Hash(); o.Slot >= len(w.Claims) || !m.Equal(&w.Claims[o.Slot]) {
			return fmt.Errorf("the exit of account %d of child %d is not the entry at its slot %d", o.AccountIndex, o.ChildIndex, o.Slot)
		}
	}
	return nil
}
