package parentsync

import (
	"bytes"
	"fmt"

	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"

	storetypes "cosmossdk.io/store/types"
)

const (
	// MaxProofOps bounds the op count of a proof: a Cosmos SDK multistore proof is exactly two
	// ops (the IAVL store proof, then the multistore proof of the store's root).
	MaxProofOps = 2
	// MaxProofBytes bounds a proof's total size (op types, keys and data) before any op is
	// decoded. An IAVL existence proof is at most 128 inner ops (ics23.IavlSpec's depth cap) of
	// under 50 bytes each; a multistore proof over a few dozen stores is a few hundred bytes.
	MaxProofBytes = 16 * 1024
	// MaxKeyBytes bounds the proven key and the store key.
	MaxKeyBytes = 1024
	// MaxValueBytes bounds the proven value.
	MaxValueBytes = 64 * 1024
)

// VerifyMembership checks that proof proves key → value in the parent's store storeKey under
// appHash, with the SDK's own ICS23 proof operators (cosmossdk.io/store/types CommitmentOp, as
// rootmulti.DefaultProofRuntime decodes them). The proof is what an ABCI query
// "/store/<storeKey>/key" with prove=true at height H-1 returns; it verifies against the app
// hash of the header at height H (see VerifyParentRecord). Size and op count are checked before
// anything is decoded, and only single existence proofs are accepted (no batch or compressed
// forms, which the SDK never returns for one key).
func VerifyMembership(appHash []byte, proof *cmtcrypto.ProofOps, storeKey string, key, value []byte) error {
	if len(value) == 0 || len(value) > MaxValueBytes {
		return fmt.Errorf("%w: value of %d bytes", ErrInvalidPath, len(value))
	}
	storeProof, multiProof, err := decodeProof(proof, storeKey, key)
	if err != nil {
		return err
	}
	if storeProof.Proof.GetExist() == nil {
		return fmt.Errorf("%w: store proof is not an existence proof", ErrMalformedProof)
	}
	storeRoot, err := storeProof.Run([][]byte{value})
	if err != nil {
		return fmt.Errorf("%w: store %q: %w", ErrProofMismatch, storeKey, err)
	}
	return verifyStoreRoot(appHash, multiProof, storeKey, storeRoot)
}

// VerifyNonMembership checks that proof proves key is absent from the parent's store storeKey
// under appHash (the same query as VerifyMembership, for a key that is not set).
func VerifyNonMembership(appHash []byte, proof *cmtcrypto.ProofOps, storeKey string, key []byte) error {
	storeProof, multiProof, err := decodeProof(proof, storeKey, key)
	if err != nil {
		return err
	}
	if storeProof.Proof.GetNonexist() == nil {
		return fmt.Errorf("%w: store proof is not a non-existence proof", ErrMalformedProof)
	}
	storeRoot, err := storeProof.Run(nil)
	if err != nil {
		return fmt.Errorf("%w: store %q: %w", ErrProofMismatch, storeKey, err)
	}
	return verifyStoreRoot(appHash, multiProof, storeKey, storeRoot)
}

// DecodeProofOps decodes proof ops carried as bytes in a message, refusing oversized input
// before decoding it.
func DecodeProofOps(bz []byte) (*cmtcrypto.ProofOps, error) {
	if len(bz) > MaxProofBytes+64*MaxProofOps { // room for the per-op proto framing
		return nil, fmt.Errorf("%w: %d bytes", ErrProofTooLarge, len(bz))
	}
	var ops cmtcrypto.ProofOps
	if err := ops.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedProof, err)
	}
	return &ops, nil
}

// decodeProof checks the proof's shape (bounded size, two ops of the SDK's types, naming key
// and storeKey) and decodes both ops.
func decodeProof(proof *cmtcrypto.ProofOps, storeKey string, key []byte) (storetypes.CommitmentOp, storetypes.CommitmentOp, error) {
	var none storetypes.CommitmentOp
	if storeKey == "" || len(storeKey) > MaxKeyBytes || len(key) == 0 || len(key) > MaxKeyBytes {
		return none, none, fmt.Errorf("%w: store key of %d bytes, key of %d bytes", ErrInvalidPath, len(storeKey), len(key))
	}
	if proof == nil {
		return none, none, fmt.Errorf("%w: nil proof", ErrMalformedProof)
	}
	if len(proof.Ops) > MaxProofOps {
		return none, none, fmt.Errorf("%w: %d ops, max %d", ErrProofTooLarge, len(proof.Ops), MaxProofOps)
	}
	size := 0
	for _, op := range proof.Ops {
		size += len(op.Type) + len(op.Key) + len(op.Data)
	}
	if size > MaxProofBytes {
		return none, none, fmt.Errorf("%w: %d bytes, max %d", ErrProofTooLarge, size, MaxProofBytes)
	}
	if len(proof.Ops) != 2 {
		return none, none, fmt.Errorf("%w: %d ops, want 2 (store, multistore)", ErrMalformedProof, len(proof.Ops))
	}
	storeOp, multiOp := proof.Ops[0], proof.Ops[1]
	if storeOp.Type != storetypes.ProofOpIAVLCommitment || multiOp.Type != storetypes.ProofOpSimpleMerkleCommitment {
		return none, none, fmt.Errorf("%w: op types %q, %q, want %q, %q", ErrMalformedProof, storeOp.Type, multiOp.Type,
			storetypes.ProofOpIAVLCommitment, storetypes.ProofOpSimpleMerkleCommitment)
	}
	if !bytes.Equal(storeOp.Key, key) {
		return none, none, fmt.Errorf("%w: store proof for key %X, want %X", ErrKeyMismatch, storeOp.Key, key)
	}
	if string(multiOp.Key) != storeKey {
		return none, none, fmt.Errorf("%w: multistore proof for store %q, want %q", ErrKeyMismatch, multiOp.Key, storeKey)
	}
	storeProof, err := decodeCommitmentOp(storeOp)
	if err != nil {
		return none, none, err
	}
	multiProof, err := decodeCommitmentOp(multiOp)
	if err != nil {
		return none, none, err
	}
	if multiProof.Proof.GetExist() == nil {
		return none, none, fmt.Errorf("%w: multistore proof is not an existence proof", ErrMalformedProof)
	}
	return storeProof, multiProof, nil
}

// decodeCommitmentOp decodes one op with the SDK's decoder and refuses the batch and compressed
// forms (never produced for a single key, and their decompression trusts the input's indices).
func decodeCommitmentOp(pop cmtcrypto.ProofOp) (storetypes.CommitmentOp, error) {
	operator, err := storetypes.CommitmentOpDecoder(pop)
	if err != nil {
		return storetypes.CommitmentOp{}, fmt.Errorf("%w: %q op: %w", ErrMalformedProof, pop.Type, err)
	}
	op, ok := operator.(storetypes.CommitmentOp)
	if !ok || op.Proof == nil {
		return storetypes.CommitmentOp{}, fmt.Errorf("%w: %q op is not an ICS23 commitment", ErrMalformedProof, pop.Type)
	}
	if op.Proof.GetExist() == nil && op.Proof.GetNonexist() == nil {
		return storetypes.CommitmentOp{}, fmt.Errorf("%w: %q op is neither a single existence nor non-existence proof",
			ErrMalformedProof, pop.Type)
	}
	return op, nil
}

// verifyStoreRoot checks the multistore proof puts storeRoot (a one-element Run result) under
// storeKey and that the resulting root is appHash.
func verifyStoreRoot(appHash []byte, multiProof storetypes.CommitmentOp, storeKey string, storeRoot [][]byte) error {
	if len(appHash) == 0 {
		return fmt.Errorf("%w: empty app hash", ErrAppHashMismatch)
	}
	if len(storeRoot) != 1 {
		return fmt.Errorf("%w: store proof gave %d roots", ErrMalformedProof, len(storeRoot))
	}
	root, err := multiProof.Run(storeRoot)
	if err != nil {
		return fmt.Errorf("%w: multistore, store %q: %w", ErrProofMismatch, storeKey, err)
	}
	if len(root) != 1 || !bytes.Equal(root[0], appHash) {
		return fmt.Errorf("%w: proof root %X, app hash %X", ErrAppHashMismatch, root, appHash)
	}
	return nil
}
