package types

import (
	"fmt"

	slushtypes "github.com/slush-tree/slush/types"

	"bytes"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
)

// DefaultGenesisState returns a genesis with default params and no children.
func DefaultGenesisState() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the whole genesis state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	children, err := gs.validateChildren()
	if err != nil {
		return err
	}
	nextSeq := make(map[uint32]uint64, len(gs.NextForcedSequences))
	prev := uint32(0)
	for _, s := range gs.NextForcedSequences {
		if !children[s.ChildIndex] || s.ChildIndex <= prev {
			return errorsmod.Wrapf(ErrInvalidGenesis, "next sequence for child %d: unknown or out of order", s.ChildIndex)
		}
		prev = s.ChildIndex
		nextSeq[s.ChildIndex] = s.NextSequence
	}
	for _, op := range gs.ForcedOperations {
		if !children[op.ChildIndex] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "forced operation for unknown child %d", op.ChildIndex)
		}
		if op.Sequence == 0 || op.Sequence >= nextSeq[op.ChildIndex] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "forced operation %d of child %d is not below its next sequence",
				op.Sequence, op.ChildIndex)
		}
		m, err := ledger.DecodeMessage(op.Message)
		if err != nil || !bytes.Equal(hash.EncodeElement(m.Hash()), op.PayloadHash) {
			return errorsmod.Wrapf(ErrInvalidPayload, "forced operation %d of child %d: message does not match its hash",
				op.Sequence, op.ChildIndex)
		}
	}
	if err := validateWithdrawals(gs.ForcedWithdrawals, children); err != nil {
		return err
	}
	for _, h := range gs.History {
		if !children[h.ChildIndex] || len(h.Entry.Commitment) != 32 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "history entry of child %d at %d", h.ChildIndex, h.Entry.RootHeight)
		}
	}
	snapshots := make(map[string]bool, len(gs.Snapshots)) // looked up only, never iterated
	for _, c := range gs.Snapshots {
		if !children[c.Index] || len(c.LatestCommitment) != 32 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "snapshot of child %d", c.Index)
		}
		snapshots[snapshotKey(c.Index, c.LatestCommitment)] = true
	}
	for _, so := range gs.SnapshotOperations {
		if !children[so.Operation.ChildIndex] || len(so.Commitment) != 32 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "snapshot operation of child %d", so.Operation.ChildIndex)
		}
	}
	consumed := make(map[string]bool, len(gs.ConsumedEntries)) // looked up only, never iterated
	for _, e := range gs.ConsumedEntries {
		if _, err := hash.DecodeElement(e.PayloadHash); err != nil || !children[e.ChildIndex] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "consumed entry of child %d", e.ChildIndex)
		}
		consumed[snapshotKey(e.ChildIndex, e.PayloadHash)] = true
	}
	if err := validateExits(gs.Exits, children); err != nil {
		return err
	}
	if err := validateProvenLeaves(gs.ProvenLeaves, children); err != nil {
		return err
	}
	if err := validateGrandchildReports(gs.GrandchildReports, children); err != nil {
		return err
	}
	if err := validateFrozenDepartures(gs.FrozenDepartures, gs.Children); err != nil {
		return err
	}
	if err := validateSnapshotEntries(gs.SnapshotEntries, children, snapshots, consumed); err != nil {
		return err
	}
	if err := validateRoutes(gs.Routes); err != nil {
		return err
	}
	if err := validateArrivals(gs.Arrivals); err != nil {
		return err
	}
	if err := gs.validateArrivedFrom(); err != nil {
		return err
	}
	if gs.RootBond != nil {
		return gs.RootBond.Validate()
	}
	return nil
}

// Validate checks a root bond statelessly (DESIGN §10): an owner address, a canonical non-zero
// operator key hash and a positive amount. InitGenesis checks it against the root's identity.
func (b RootBond) Validate() error {
	if _, err := sdk.AccAddressFromBech32(b.Owner); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "root bond owner: %v", err)
	}
	if err := validateOperatorKeyHash(b.OperatorKeyHash); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "root bond: %v", err)
	}
	if err := b.Amount.Validate(); err != nil || !b.Amount.IsPositive() {
		return errorsmod.Wrapf(ErrInvalidGenesis, "root bond amount %s must be a positive coin", b.Amount)
	}
	return nil
}

// validateRoutes checks each fallback-route record: a canonical message hash and a status a route
// record can have.
func validateRoutes(routes []RouteRecord) error {
	for i, r := range routes {
		if _, err := hash.DecodeElement(r.MessageHash); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "route %d: %v", i, err)
		}
		switch r.Status {
		case slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_UP, slushtypes.MessageStatus_MESSAGE_STATUS_ROUTED_DOWN,
			slushtypes.MessageStatus_MESSAGE_STATUS_DELIVERED:
		default:
			return errorsmod.Wrapf(ErrInvalidGenesis, "route %d: status %s", i, r.Status)
		}
	}
	return nil
}

// validateExits checks each paid exit: a known child, once per account, with an opening of that
// account whose fields decode canonically (the chain's next update carries it up as a proof).
func validateExits(exits []ExitRecord, children map[uint32]bool) error {
	seen := make(map[string]bool, len(exits)) // looked up only, never iterated
	for _, e := range exits {
		key := fmt.Sprintf("%d/%d", e.ChildIndex, e.AccountIndex)
		if !children[e.ChildIndex] || seen[key] || e.Opening.AccountIndex != e.AccountIndex {
			return errorsmod.Wrapf(ErrInvalidGenesis, "exit of child %d account %d", e.ChildIndex, e.AccountIndex)
		}
		seen[key] = true
		// stateless: the path's length is checked against the ledger's account depth in InitGenesis
		if _, _, err := e.Opening.Open(len(e.Opening.Siblings)); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "exit of child %d account %d: %v", e.ChildIndex, e.AccountIndex, err)
		}
	}
	return nil
}

// validateSnapshotEntries checks that each entry a snapshot filed (DESIGN §9 rollback) belongs to
// a known child and a kept snapshot, is a canonical hash the child has consumed, and is unique.
func validateSnapshotEntries(entries []SnapshotEntry, children map[uint32]bool, snapshots, consumed map[string]bool) error {
	seen := make(map[string]bool, len(entries)) // looked up only, never iterated
	for _, e := range entries {
		if !children[e.ChildIndex] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "snapshot entry of unknown child %d", e.ChildIndex)
		}
		if !snapshots[snapshotKey(e.ChildIndex, e.Commitment)] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "snapshot entry of child %d: no snapshot for commitment %X",
				e.ChildIndex, e.Commitment)
		}
		if _, err := hash.DecodeElement(e.PayloadHash); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "snapshot entry of child %d: payload hash: %v", e.ChildIndex, err)
		}
		if !consumed[snapshotKey(e.ChildIndex, e.PayloadHash)] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "snapshot entry of child %d: %X is not a consumed entry",
				e.ChildIndex, e.PayloadHash)
		}
		key := snapshotKey(e.ChildIndex, e.Commitment) + string(e.PayloadHash)
		if seen[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate snapshot entry of child %d: %X", e.ChildIndex, e.PayloadHash)
		}
		seen[key] = true
	}
	return nil
}

// snapshotKey is a lookup key for (child index, 32-byte value) pairs while validating.
func snapshotKey(index uint32, b []byte) string {
	return string([]byte{byte(index >> 24), byte(index >> 16), byte(index >> 8), byte(index)}) + string(b)
}

// validateChildren checks each child and returns the set of registered indices.
func (gs GenesisState) validateChildren() (map[uint32]bool, error) {
	seen := make(map[uint32]bool, len(gs.Children))
	prev := uint32(0)
	for _, c := range gs.Children {
		if c.Index <= prev || c.Index > slushtypes.MaxChildIndex { // InitGenesis checks max_children (x/tree)
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "child index %d: not ascending or above %d", c.Index, slushtypes.MaxChildIndex)
		}
		prev = c.Index
		if _, err := sdk.AccAddressFromBech32(c.Operator); err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidAddress, "child %d operator: %v", c.Index, err)
		}
		if err := c.Bond.Validate(); err != nil {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "child %d bond: %v", c.Index, err)
		}
		if c.Status != ChildStatus_CHILD_STATUS_ACTIVE && c.Status != ChildStatus_CHILD_STATUS_FROZEN {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "child %d status %s", c.Index, c.Status)
		}
		if len(c.LatestCommitment) != 0 && len(c.LatestCommitment) != 32 {
			return nil, errorsmod.Wrapf(ErrInvalidGenesis, "child %d commitment of %d bytes", c.Index, len(c.LatestCommitment))
		}
		if len(c.VerifyingKey) == 0 {
			return nil, errorsmod.Wrapf(ErrInvalidVerifyingKey, "child %d has no verifying key", c.Index)
		}
		for _, r := range [][]byte{c.ChildrenRoot, c.FinalizedChildrenRoot, c.GenesisLeaf} {
			if _, err := hash.DecodeElement(r); len(r) != 0 && err != nil {
				return nil, errorsmod.Wrapf(ErrInvalidGenesis, "child %d children roots or genesis leaf: %v", c.Index, err)
			}
		}
		if c.Departure != nil {
			if err := c.Departure.Validate(); err != nil {
				return nil, errorsmod.Wrapf(err, "child %d", c.Index)
			}
		}
		if len(c.ArrivedFrom) != 0 { // docs/PROTOCOL.md "Re-parenting": a non-root path
			if _, err := slushtypes.PathFromIndices(c.ArrivedFrom); err != nil {
				return nil, errorsmod.Wrapf(ErrInvalidGenesis, "child %d arrived_from: %v", c.Index, err)
			}
		}
		seen[c.Index] = true
	}
	return seen, nil
}

// validateProvenLeaves checks each proven grandchild commitment (issue 16): a known child, a
// grandchild index 1..255, a canonical commitment, no repeats and at most
// MaxProvenLeavesPerGrandchild per grandchild.
func validateProvenLeaves(leaves []ProvenLeaf, children map[uint32]bool) error {
	seen := make(map[string]bool, len(leaves))  // looked up only, never iterated
	per := make(map[[2]uint32]int, len(leaves)) // looked up only, never iterated
	for i, l := range leaves {
		if _, err := hash.DecodeElement(l.Commitment); err != nil || !children[l.ChildIndex] || CheckChildIndex(l.Index) != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "proven leaf %d (child %d, grandchild %d)", i, l.ChildIndex, l.Index)
		}
		key := fmt.Sprintf("%d/%d/%x", l.ChildIndex, l.Index, l.Commitment)
		if seen[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "proven leaf %d repeats", i)
		}
		seen[key] = true
		g := [2]uint32{l.ChildIndex, l.Index}
		if per[g]++; per[g] > MaxProvenLeavesPerGrandchild {
			return errorsmod.Wrapf(ErrInvalidGenesis, "child %d, grandchild %d: more than %d proven leaves", l.ChildIndex, l.Index, MaxProvenLeavesPerGrandchild)
		}
	}
	return nil
}

// validateGrandchildReports checks each proven grandchild report (issue 16): a known child, a
// grandchild index 1..255, one report per grandchild, a canonical commitment hash and a
// canonical report of 1..MaxReportedBuckets buckets.
func validateGrandchildReports(reports []GrandchildReport, children map[uint32]bool) error {
	seen := make(map[[2]uint32]bool, len(reports)) // looked up only, never iterated
	for i, r := range reports {
		if _, err := hash.DecodeElement(r.Commitment); err != nil || !children[r.ChildIndex] || CheckChildIndex(r.Index) != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "grandchild report %d (child %d, grandchild %d)", i, r.ChildIndex, r.Index)
		}
		g := [2]uint32{r.ChildIndex, r.Index}
		if seen[g] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "grandchild report %d repeats child %d, grandchild %d", i, r.ChildIndex, r.Index)
		}
		seen[g] = true
		if len(r.Report) == 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "grandchild report %d is empty", i)
		}
		if _, err := CheckReport(r.Report, r.Report[len(r.Report)-1].Height); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "grandchild report %d: %v", i, err)
		}
	}
	return nil
}

// validateFrozenDepartures checks each departure from a frozen child (issue 20): well formed,
// of a frozen child, one per (child, grandchild).
func validateFrozenDepartures(deps []FrozenDeparture, children []Child) error {
	frozen := make(map[uint32]bool, len(children)) // looked up only, never iterated
	for _, c := range children {
		frozen[c.Index] = c.Status == ChildStatus_CHILD_STATUS_FROZEN
	}
	seen := make(map[[2]uint32]bool, len(deps)) // looked up only, never iterated
	for i, d := range deps {
		if err := d.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "frozen departure %d: %v", i, err)
		}
		if !frozen[d.ChildIndex] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "frozen departure %d: child %d is not a frozen child", i, d.ChildIndex)
		}
		g := [2]uint32{d.ChildIndex, d.GrandchildIndex}
		if seen[g] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "frozen departure %d repeats child %d, grandchild %d", i, d.ChildIndex, d.GrandchildIndex)
		}
		seen[g] = true
	}
	return nil
}

// validateWithdrawals requires forced withdrawals of known children, each well formed, in strict
// (child, sequence) order (the order ExportGenesis writes).
func validateWithdrawals(ws []ForcedWithdrawal, children map[uint32]bool) error {
	var prevChild uint32
	var prevSeq uint64
	for _, w := range ws {
		if !children[w.ChildIndex] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "forced withdrawal for unknown child %d", w.ChildIndex)
		}
		if w.ChildIndex < prevChild || (w.ChildIndex == prevChild && w.Sequence <= prevSeq) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "forced withdrawal %d of child %d out of order", w.Sequence, w.ChildIndex)
		}
		prevChild, prevSeq = w.ChildIndex, w.Sequence
		if err := w.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// validateArrivals checks the arrivals (issue 20): each old vid canonical, a non-root path, once;
// each index 1..255 (the arrived child may since have been deregistered).
func validateArrivals(arrivals []Arrival) error {
	seen := make(map[string]bool, len(arrivals)) // looked up only, never iterated
	for i, a := range arrivals {
		vid, err := hash.DecodeElement(a.OldVid)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "arrival %d: %v", i, err)
		}
		path, err := slushtypes.PathOfVid(vid)
		if err != nil || path.IsRoot() || CheckChildIndex(a.Index) != nil || seen[string(a.OldVid)] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "arrival %d of %X at index %d", i, a.OldVid, a.Index)
		}
		seen[string(a.OldVid)] = true
	}
	return nil
}

// validateArrivedFrom checks that every child that arrived with its state (arrived_from set,
// docs/PROTOCOL.md "Re-parenting") has the arrival record of its old vid at its index.
func (gs GenesisState) validateArrivedFrom() error {
	arrivedAt := make(map[string]uint32, len(gs.Arrivals)) // looked up only, never iterated
	for _, a := range gs.Arrivals {
		arrivedAt[string(a.OldVid)] = a.Index
	}
	for _, c := range gs.Children {
		if len(c.ArrivedFrom) == 0 {
			continue
		}
		path, err := slushtypes.PathFromIndices(c.ArrivedFrom)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "child %d arrived_from: %v", c.Index, err)
		}
		vid, err := path.Vid()
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "child %d arrived_from: %v", c.Index, err)
		}
		if index, ok := arrivedAt[string(hash.EncodeElement(vid))]; !ok || index != c.Index {
			return errorsmod.Wrapf(ErrInvalidGenesis, "child %d arrived from %s without an arrival record at its index", c.Index, path)
		}
	}
	return nil
}
