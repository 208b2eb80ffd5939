package types

import (
	"encoding/hex"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/ledger"
	slushtypes "github.com/slush-tree/slush/types"
)

// Bounds of the search for the chain a mis-signed operation was made for: the children 1..
// NearbyChildIndices of this chain and of each of its ancestors, and at most MaxNearbyChains
// chains in all (one EdDSA verification each, so a junk op costs CheckTx a bounded time).
const (
	// NearbyChildIndices is how many child indices of each ancestor the search tries.
	NearbyChildIndices = 8
	// MaxNearbyChains bounds the chains the search tries.
	MaxNearbyChains = 32
)

// CheckSignedFor verifies the signature of a signed operation (transfer, bridge-out) against the
// vid of the chain at path own, which is what the ledger verifies when it executes the op. It
// needs no state (not even the account: the block checks that the key owns it), so it runs in
// CheckTx, where ValidateBasic, which cannot know the chain, does not. On a mismatch it names
// the chain the op was signed for when that chain is near this one (NearbyChains: the
// destination of a bridge-out, the ancestors, their children) and otherwise says none of them
// matched (a corrupt signature, or a chain further away): ErrWrongChain either way.
func CheckSignedFor(op ledger.Op, own slushtypes.Path) error {
	ownVid, err := own.Vid()
	if err != nil {
		return err
	}
	if ledger.VerifyElement(op.PubKey, op.SigningHash(ownVid), op.Sig) == nil {
		return nil
	}
	for _, p := range NearbyChains(op, own) {
		vid, err := p.Vid()
		if err != nil {
			continue
		}
		if ledger.VerifyElement(op.PubKey, op.SigningHash(vid), op.Sig) == nil {
			return errorsmod.Wrapf(ErrWrongChain, "the %s was signed for chain %s (vid %s), but this chain is %s (vid %s): "+
				"make it again with `slushchaind ledger %s --path %s`", op.Kind, p, vidHex(vid), own, vidHex(ownVid), op.Kind, own)
		}
	}
	return errorsmod.Wrapf(ErrWrongChain, "the %s's signature does not verify for this chain %s (vid %s) nor for any of the %d chains "+
		"around it: it was signed for a chain further away or is corrupt; make it with `slushchaind ledger %s --path %s`",
		op.Kind, own, vidHex(ownVid), len(NearbyChains(op, own)), op.Kind, own)
}

// NearbyChains lists, in a fixed order and without own or repeats, the chains an op meant for
// own was most likely signed for by mistake: a bridge-out's destination, own's ancestors from
// the parent up, own's children, then the children of each ancestor from the parent up
// (siblings, uncles), indices 1..NearbyChildIndices, at most MaxNearbyChains of them.
func NearbyChains(op ledger.Op, own slushtypes.Path) []slushtypes.Path {
	var out []slushtypes.Path
	seen := map[string]bool{own.String(): true}
	add := func(p slushtypes.Path) {
		if len(out) >= MaxNearbyChains || len(p) > slushtypes.MaxDepth || seen[p.String()] {
			return
		}
		seen[p.String()] = true
		out = append(out, p)
	}
	if op.Kind == ledger.OpBridgeOut {
		if dst, err := slushtypes.PathOfVid(op.DstVid); err == nil {
			add(dst)
		}
	}
	for n := len(own) - 1; n >= 0; n-- {
		add(own[:n])
	}
	for n := len(own); n >= 0; n-- {
		for i := uint8(1); i <= NearbyChildIndices; i++ {
			add(own[:n].Child(i))
		}
	}
	return out
}

// vidHex is a vid's canonical 32-byte encoding in hex.
func vidHex(vid fr.Element) string { return hex.EncodeToString(hash.EncodeElement(vid)) }
