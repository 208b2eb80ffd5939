package types

import (
	"bytes"

	"github.com/cometbft/cometbft/crypto/tmhash"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/internal/parentsync"
)

// MaxParentClientBytes bounds the parent client a governance recovery may install, checked
// before it is decoded (the bound genesis and the store decoder apply to parent_client).
const MaxParentClientBytes = parentsync.MaxStateBytes

// NewParentClientFreeze is the record verified misbehaviour evidence leaves: where the parent
// forked, the evidence, the parent height trusted then and this chain's block height.
func NewParentClientFreeze(ev parentsync.Evidence, trustedHeight, blockHeight int64) ParentClientFreeze {
	return ParentClientFreeze{
		Height: ev.Height, HeaderHash1: ev.HeaderHash1, HeaderHash2: ev.HeaderHash2, EvidenceHash: ev.Hash,
		TrustedHeight: trustedHeight, BlockHeight: blockHeight,
	}
}

// Validate checks a freeze record of the parent chainID (issue 17): a positive height, two
// distinct 32-byte header hashes in ascending order and the evidence hash they make.
func (f ParentClientFreeze) Validate(chainID string) error {
	if f.Height <= 0 || f.TrustedHeight <= 0 || f.BlockHeight < 0 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "parent client freeze: height %d, trusted height %d, block height %d",
			f.Height, f.TrustedHeight, f.BlockHeight)
	}
	if len(f.HeaderHash1) != tmhash.Size || len(f.HeaderHash2) != tmhash.Size || bytes.Compare(f.HeaderHash1, f.HeaderHash2) >= 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "parent client freeze: want two distinct 32-byte header hashes in ascending order")
	}
	if want := parentsync.EvidenceHash(chainID, f.Height, f.HeaderHash1, f.HeaderHash2); !bytes.Equal(f.EvidenceHash, want) {
		return errorsmod.Wrapf(ErrInvalidGenesis, "parent client freeze: evidence hash %X, the headers make %X", f.EvidenceHash, want)
	}
	return nil
}
