package types

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/slush-tree/slush/circuits/hash"
)

// The checks below decide whether an export of the root's x/tree state can restart the root under
// the operator a root re-election elected (DESIGN §10, issue 17: the virtual L0's result; `slushchaind
// genesis adopt-export` on a root export). The election lives on the children of the root, each a
// replica; its result names the replaced root epoch, the elected operator (operator key hash and
// consensus key) and the base (root height, root commitment) the restarted root continues from.

// ExportedRoot checks that gs, exported to restart at initialHeight, is the root's state under
// validium consensus (its validator set is its operator's key, which the election replaces) whose
// newest own commitment was made at initialHeight-1, and returns that commitment.
func (gs GenesisState) ExportedRoot(initialHeight int64) (OwnCommitment, error) {
	if !gs.Identity.IsRoot() {
		return OwnCommitment{}, errors.New("the export is not of the root chain")
	}
	if gs.ValidiumConsensus == nil {
		return OwnCommitment{}, errors.New("the root export is not under validium consensus (the validium-consensus upgrade): its validators are x/staking's, which no root election replaces (DESIGN §10)")
	}
	newest, ok := newestCommitment(gs.Commitments)
	if !ok {
		return OwnCommitment{}, errors.New("the root export holds no own commitment (x/tree commitments)")
	}
	if initialHeight != newest.Height+1 {
		return OwnCommitment{}, fmt.Errorf("the root export starts at height %d but its newest own commitment is of height %d: export with --height %d",
			initialHeight, newest.Height, newest.Height)
	}
	return newest, nil
}

// CheckRootBase checks that the root export holds the election's base: its own commitment at root
// height baseHeight is baseCommitment. The restarted root must prove that record to every child of
// the root (x/election MsgAdoptElectedRoot), so an export that lacks it (taken below the base, from
// another chain, or with the base pruned) could never be adopted.
func (gs GenesisState) CheckRootBase(baseHeight uint64, baseCommitment []byte) error {
	for _, c := range gs.Commitments {
		if uint64(c.Height) != baseHeight { //nolint:gosec // heights are positive
			continue
		}
		if !bytes.Equal(c.Commitment, baseCommitment) {
			return fmt.Errorf("the root export's commitment at the base root height %d is %x, the election's base is %x: not the root the election was about",
				baseHeight, c.Commitment, baseCommitment)
		}
		return nil
	}
	newest, _ := newestCommitment(gs.Commitments)
	if uint64(newest.Height) < baseHeight { //nolint:gosec // heights are positive
		return fmt.Errorf("the root export's newest commitment is of height %d, below the base root height %d: export at or above the base",
			newest.Height, baseHeight)
	}
	return fmt.Errorf("the root export holds no own commitment at the base root height %d (pruned: x/tree root_history_size): export nearer the base", baseHeight)
}

// ReelectedRoot is the identity of the root restarted under the elected operator: the replaced
// epoch must be this identity's (an export of an older or an already restarted root is refused),
// and the restarted root runs epoch + 1 with the elected operator key hash, which its
// commitments then carry.
func (id TreeIdentity) ReelectedRoot(replacedEpoch uint64, operatorKeyHash []byte) (TreeIdentity, error) {
	if !id.IsRoot() {
		return TreeIdentity{}, errors.New("the export is not of the root chain")
	}
	if replacedEpoch != id.Epoch {
		return TreeIdentity{}, fmt.Errorf("the election replaced root epoch %d, the export is of epoch %d", replacedEpoch, id.Epoch)
	}
	key, err := hash.DecodeElement(operatorKeyHash)
	if err != nil {
		return TreeIdentity{}, fmt.Errorf("the elected operator key hash: %w", err)
	}
	if key.IsZero() {
		return TreeIdentity{}, errors.New("the elected operator key hash is zero")
	}
	next := id
	next.Path = nil
	next.Epoch, next.OperatorKeyHash = replacedEpoch+1, bytes.Clone(operatorKeyHash)
	if err := next.Validate(); err != nil {
		return TreeIdentity{}, err
	}
	return next, nil
}

// Elected is the root's validium consensus under the elected operator's consensus key: the same
// upgrade height (an imported root never repeats the changeover), the new key, checked as the
// upgrade checks it.
func (vc ValidiumConsensus) Elected(consensusKey []byte) (ValidiumConsensus, error) {
	if err := ValidateConsensusPubkey(consensusKey); err != nil {
		return ValidiumConsensus{}, err
	}
	next := ValidiumConsensus{OperatorConsensusPubkey: bytes.Clone(consensusKey), SinceHeight: vc.SinceHeight}
	return next, next.Validate()
}
