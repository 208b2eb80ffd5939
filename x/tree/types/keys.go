package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/tree module.
	ModuleName = "tree"
	// StoreKey is the KV store key of the x/tree module.
	StoreKey = ModuleName
)

var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// IdentityKey stores this chain's TreeIdentity (fixed at genesis).
	IdentityKey = collections.NewPrefix(1)
	// AnchorHeightKey stores the latest root height a non-root chain has verified (its root clock).
	AnchorHeightKey = collections.NewPrefix(2)
	// CommitmentsKey maps block height → OwnCommitment.
	CommitmentsKey = collections.NewPrefix(3)
	// CommitmentHeightsKey maps commitment hash → the first block height that produced it.
	CommitmentHeightsKey = collections.NewPrefix(4)
	// RootHistoryKey maps root height → root commitment (non-root chains, learned by the parent sync).
	RootHistoryKey = collections.NewPrefix(5)
	// ParentClientKey stores the trusted parent light-client state (internal/parentsync bytes).
	ParentClientKey = collections.NewPrefix(6)
	// ParentSyncKey stores the genesis-fixed ParentSyncParams.
	ParentSyncKey = collections.NewPrefix(7)
	// ParentClientFrozenKey stores the ParentClientFreeze of a parent client frozen by misbehaviour evidence.
	ParentClientFrozenKey = collections.NewPrefix(8)
	// ValidiumConsensusKey stores the root's ValidiumConsensus once the `validium-consensus` upgrade ran.
	ValidiumConsensusKey = collections.NewPrefix(9)
)

// ParentRecordKey is the parent store key (in this module's store) of the record that carries
// the root commitment at rootHeight: the root's own commitment when the parent is the root,
// the parent's root-history entry otherwise. The relayer queries it; MsgSyncParent derives it.
func ParentRecordKey(parentIsRoot bool, rootHeight uint64) ([]byte, error) {
	if parentIsRoot {
		return collections.EncodeKeyWithPrefix(CommitmentsKey.Bytes(), collections.Int64Key, int64(rootHeight))
	}
	return collections.EncodeKeyWithPrefix(RootHistoryKey.Bytes(), collections.Uint64Key, rootHeight)
}

// Parent sync bounds and gas (DESIGN §5): verification is charged before it runs. A checked
// ed25519 commit signature costs ~35 µs and a 0.7 KiB store proof ~15 µs (BenchmarkVerifyParentRecord).
const (
	// MaxSyncRecords bounds the records one MsgSyncParent proves.
	MaxSyncRecords = 16
	// SyncGasFlat is charged for every MsgSyncParent.
	SyncGasFlat = 20_000
	// SyncGasPerSignature is charged per commit signature of a new header (a skipping check
	// may verify each twice).
	SyncGasPerSignature = 70_000
	// SyncGasPerProofByte is charged per byte of record proofs.
	SyncGasPerProofByte = 30
	// MisbehaviourGasFlat is charged for every MsgSubmitMisbehaviour; each of its two headers then
	// pays SyncGasPerSignature per signature it may need checked, as a MsgSyncParent header does.
	MisbehaviourGasFlat = 20_000
)
