package types

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/internal/parentsync"
	slushtypes "github.com/slush-tree/slush/types"
)

// The checks below decide whether an export of this module's state can restart the chain under
// the operator its parent elected (DESIGN §9 failover, `slushchaind genesis adopt-export`). As
// in DESIGN §9, p is the parent that held the election; its record of the chain is its child
// record (commitment, epoch, operator key hash).

// ExportedChild checks that gs, exported to restart at initialHeight, is a child's state whose
// newest own commitment was made at initialHeight-1 (the export is taken at the height of p's
// commitment of the chain). It returns the chain's index on p and that commitment.
func (gs GenesisState) ExportedChild(initialHeight int64) (uint32, OwnCommitment, error) {
	index, err := gs.Identity.indexOnParent()
	if err != nil {
		return 0, OwnCommitment{}, err
	}
	newest, ok := newestCommitment(gs.Commitments)
	if !ok {
		return 0, OwnCommitment{}, errors.New("the export holds no own commitment (x/tree commitments): export at the height of p's finalized commitment of this chain")
	}
	if initialHeight != newest.Height+1 {
		return 0, OwnCommitment{}, fmt.Errorf("the export starts at height %d but its newest own commitment is of height %d: export with --height %d",
			initialHeight, newest.Height, newest.Height)
	}
	return index, newest, nil
}

// CheckParent checks that chainID, the chain the caller asked as p, is the identity's parent.
func (id TreeIdentity) CheckParent(chainID string) error {
	if chainID != id.ParentChainId {
		return fmt.Errorf("p serves chain %q; the export's parent is %q", chainID, id.ParentChainId)
	}
	return nil
}

// CheckParentCommitment checks that p holds the chain at newest (from ExportedChild); if not,
// the error names the export height whose state p does hold, when gs has it.
func (gs GenesisState) CheckParentCommitment(newest OwnCommitment, parentCommitment []byte) error {
	if bytes.Equal(newest.Commitment, parentCommitment) {
		return nil
	}
	index, err := gs.Identity.indexOnParent()
	if err != nil {
		return err
	}
	head := fmt.Sprintf("the export's newest own commitment %x (height %d) is not p's commitment of child %d, %x",
		newest.Commitment, newest.Height, index, parentCommitment)
	first, last := commitmentHeights(gs.Commitments, parentCommitment)
	switch {
	case first == 0:
		return fmt.Errorf("%s: export at the height of commitment %x (query tree commitment-by-hash on the old chain)", head, parentCommitment)
	case first == last:
		return fmt.Errorf("%s: that commitment was made at height %d: export with --height %d", head, first, first)
	default:
		return fmt.Errorf("%s: that commitment was made at height %d and stood through height %d: export with --height %d (or any height up to %d)",
			head, first, last, first, last)
	}
}

// Reelected is the identity of a child whose operator p re-elected: p's epoch, which must be
// above the identity's (otherwise p elected no one), and the elected operator key hash.
func (id TreeIdentity) Reelected(epoch uint64, operatorKeyHash []byte) (TreeIdentity, error) {
	index, err := id.indexOnParent()
	if err != nil {
		return TreeIdentity{}, err
	}
	if epoch <= id.Epoch {
		return TreeIdentity{}, fmt.Errorf("p's epoch of child %d is %d, the export's is %d: p elected no new operator (DESIGN §9)",
			index, epoch, id.Epoch)
	}
	if _, err := hash.DecodeElement(operatorKeyHash); err != nil {
		return TreeIdentity{}, fmt.Errorf("p's operator key hash of child %d: %w", index, err)
	}
	next := id
	next.Path = slices.Clone(id.Path)
	next.Epoch, next.OperatorKeyHash = epoch, bytes.Clone(operatorKeyHash)
	if err := next.Validate(); err != nil {
		return TreeIdentity{}, err
	}
	return next, nil
}

// The checks below decide whether an export of this module's state can restart a chain that left
// a frozen parent under the new parent q it arrived at (docs/PROTOCOL.md "Leaving a frozen
// parent", `slushchaind genesis adopt-export --arrived-at`): its new identity and the client of
// q it starts with.

// Arrived is the identity of a chain that arrived at q (path newParent, chain-id parentChainID) as
// child index: path newParent ++ [index] and parent q. A departure the identity had prepared is
// void (the chain left by its grandparent's record, MsgLeaveFrozenParent, not by its own
// departure); its epoch and operator key hash stay, as its commitment at q carries them.
func (id TreeIdentity) Arrived(newParent []uint32, index uint32, parentChainID string) (TreeIdentity, error) {
	own, err := id.TreePath()
	if err != nil {
		return TreeIdentity{}, err
	}
	if own.IsRoot() {
		return TreeIdentity{}, errorsmod.Wrap(ErrInvalidMove, "the export is of a root chain: a root has no parent to leave")
	}
	path, err := slushtypes.PathFromIndices(append(slices.Clone(newParent), index))
	if err != nil {
		return TreeIdentity{}, errorsmod.Wrapf(ErrInvalidMove, "new path: %v", err)
	}
	if path.Equal(own) {
		return TreeIdentity{}, errorsmod.Wrapf(ErrInvalidMove, "the chain is already at %s", own)
	}
	if parentChainID == "" {
		return TreeIdentity{}, errorsmod.Wrap(ErrInvalidMove, "the new parent's chain-id is empty")
	}
	next := id
	next.Path, next.ParentChainId, next.Departure = path.Indices(), parentChainID, nil
	next.OperatorKeyHash = bytes.Clone(id.OperatorKeyHash)
	if err := next.Validate(); err != nil {
		return TreeIdentity{}, err
	}
	return next, nil
}

// CheckArrivedClient checks client, the light-client state of q a chain restarted under q starts
// with, as MsgRecoverParentClient checks one (CheckTrustedClient) under gs's parent sync params, at
// now (the restarted chain's genesis time).
func (gs GenesisState) CheckArrivedClient(client []byte, parentChainID string, now time.Time) (parentsync.TrustedState, error) {
	return CheckTrustedClient(client, parentChainID, gs.ParentSync, now)
}

// CheckTrustedClient checks a parent client trusted by fiat (a governance recovery, a move, a
// restarted chain's genesis): 1..MaxParentClientBytes bytes, a canonical and complete trusted
// state (UnmarshalTrustedState re-encodes and compares, and validates the validator set, the next
// validators hash, the height and the time), of chain parentChainID, current at now (CheckClientCurrent).
func CheckTrustedClient(client []byte, parentChainID string, sp ParentSyncParams, now time.Time) (parentsync.TrustedState, error) {
	if len(client) == 0 || len(client) > MaxParentClientBytes {
		return parentsync.TrustedState{}, errorsmod.Wrapf(ErrInvalidParentClient, "%d bytes: 1..%d", len(client), MaxParentClientBytes)
	}
	state, err := parentsync.UnmarshalTrustedState(client)
	if err != nil {
		return parentsync.TrustedState{}, errorsmod.Wrap(ErrInvalidParentClient, err.Error())
	}
	if state.ChainID != parentChainID {
		return parentsync.TrustedState{}, errorsmod.Wrapf(ErrWrongParentChain, "client tracks %q, the parent is %q", state.ChainID, parentChainID)
	}
	params, err := sp.LightClientParams()
	if err != nil {
		return parentsync.TrustedState{}, err
	}
	return state, CheckClientCurrent(state, params, now)
}

// CheckClientCurrent applies the light client's time rules to a header trusted by fiat: it must
// still be a usable base (within the trusting period at now) and not from the future (before now
// plus the max clock drift).
func CheckClientCurrent(state parentsync.TrustedState, params parentsync.Params, now time.Time) error {
	if expiry := state.Time.Add(params.TrustingPeriod); !expiry.After(now) {
		return errorsmod.Wrapf(ErrParentClientNotCurrent, "height %d expired at %s, now %s", state.Height,
			expiry.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
	}
	if limit := now.Add(params.MaxClockDrift); !state.Time.Before(limit) {
		return errorsmod.Wrapf(ErrParentClientNotCurrent, "header time %s, limit %s",
			state.Time.UTC().Format(time.RFC3339Nano), limit.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// indexOnParent is the index p knows the chain by: the last element of its path.
func (id TreeIdentity) indexOnParent() (uint32, error) {
	if id.IsRoot() {
		return 0, errors.New("the export is of a root chain: only a child's operator is re-elected, by its parent (DESIGN §9)")
	}
	return id.Path[len(id.Path)-1], nil
}

// newestCommitment is the own commitment of the highest height.
func newestCommitment(cs []OwnCommitment) (OwnCommitment, bool) {
	if len(cs) == 0 {
		return OwnCommitment{}, false
	}
	return slices.MaxFunc(cs, func(a, b OwnCommitment) int { return cmp.Compare(a.Height, b.Height) }), true
}

// commitmentHeights are the first and last heights whose own commitment is c (0, 0: none).
func commitmentHeights(cs []OwnCommitment, c []byte) (first, last int64) {
	for _, oc := range cs {
		if bytes.Equal(oc.Commitment, c) {
			if first == 0 || oc.Height < first {
				first = oc.Height
			}
			last = max(last, oc.Height)
		}
	}
	return first, last
}
