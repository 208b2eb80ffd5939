package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/bridge module.
	ModuleName = "bridge"
	// StoreKey is the KV store key of the x/bridge module.
	StoreKey = ModuleName
)

var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// LedgerParamsKey stores the genesis-fixed LedgerParams.
	LedgerParamsKey = collections.NewPrefix(1)
	// LedgerStoreKey holds the ledger state (accounts SMT, outbox, inbox, counters).
	LedgerStoreKey = collections.NewPrefix(2)
	// LogKey maps sequence → LoggedOp.
	LogKey = collections.NewPrefix(3)
	// LogLengthKey is the next log sequence.
	LogLengthKey = collections.NewPrefix(4)
	// CommitmentsKey maps block height → OwnCommitment.
	CommitmentsKey = collections.NewPrefix(5)
	// RootHistoryKey maps root height → root commitment (non-root chains, learned by the parent sync).
	RootHistoryKey = collections.NewPrefix(6)
	// prefix 7 held the receipt accumulator; receipts now live in the ledger store, where the
	// ledger circuit proves them. Never reuse it.
	// NullifiersKey holds the hash of every claimed message, forever.
	NullifiersKey = collections.NewPrefix(8)
	// InclusionParamsKey stores the genesis-fixed InclusionParams.
	InclusionParamsKey = collections.NewPrefix(9)
	// OutgoingKey maps message hash → OutgoingMessage.
	OutgoingKey = collections.NewPrefix(10)
	// FrozenSendersKey holds the ledger accounts frozen for bridge-outs until their message is confirmed.
	FrozenSendersKey = collections.NewPrefix(11)
	// OutgoingDeadlinesKey indexes SENT outgoing messages by (deadline, hash), so expiry is bounded work.
	OutgoingDeadlinesKey = collections.NewPrefix(12)
	// RoutesKey maps message hash → RouteRecord (DESIGN §7.5 fallback route).
	RoutesKey = collections.NewPrefix(13)
	// ParentClientKey stores the trusted parent light-client state (internal/parentsync bytes).
	ParentClientKey = collections.NewPrefix(14)
	// ParentSyncKey stores the genesis-fixed ParentSyncParams.
	ParentSyncKey = collections.NewPrefix(15)
	// CommitmentHeightsKey maps commitment hash → the first block height that produced it.
	CommitmentHeightsKey = collections.NewPrefix(16)
	// GenesisDepositsKey maps position → GenesisDeposit: how the ledger was funded at genesis, which a
	// prover's replica starts from.
	GenesisDepositsKey = collections.NewPrefix(17)
)

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
)

// MaxRoutedPerBlock bounds how many expired messages one EndBlock moves to ROUTED_UP.
const MaxRoutedPerBlock = 100

// InclusionPublicInputs is the inclusion circuit's public input count: root commitment, root
// height, leaf hash, destination vid, kind.
const InclusionPublicInputs = 5
