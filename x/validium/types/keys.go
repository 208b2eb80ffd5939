package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/validium module.
	ModuleName = "validium"
	// StoreKey is the KV store key of the x/validium module.
	StoreKey = ModuleName
	// TransientStoreKey is x/validium's transient store: what lives one block (reset at commit).
	TransientStoreKey = "transient_" + ModuleName
)

var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// prefixes 1 (identity) and 7 (anchor height) moved to x/tree (issue 14); never reuse them.
	// ChildrenKey maps child index → Child.
	ChildrenKey = collections.NewPrefix(2)
	// HistoryKey maps (child index, root height) → accepted commitment.
	HistoryKey = collections.NewPrefix(3)
	// ForcedOpsKey maps (child index, sequence) → ForcedOperation.
	ForcedOpsKey = collections.NewPrefix(4)
	// ForcedDeadlinesKey indexes pending forced operations by (deadline, child index, sequence).
	ForcedDeadlinesKey = collections.NewPrefix(5)
	// NextForcedSeqKey maps child index → the next forced-operation sequence.
	NextForcedSeqKey = collections.NewPrefix(6)
	// ForcedQueueHeadKey maps child index → the sequence of its oldest unconsumed forced operation.
	ForcedQueueHeadKey = collections.NewPrefix(8)
	// ChildrenTreeKey holds the nodes of the children SMT (DESIGN §3 childrenRoot).
	ChildrenTreeKey = collections.NewPrefix(9)
	// ExitsKey holds the (child index, account index) pairs already paid out.
	ExitsKey = collections.NewPrefix(10)
	// ConsumedEntriesKey holds every (child, inbox entry) a child has consumed (DESIGN §7.5).
	ConsumedEntriesKey = collections.NewPrefix(20)
	// SnapshotsKey maps (child index, commitment) → the child record that update left (DESIGN §9 rollback).
	SnapshotsKey = collections.NewPrefix(30)
	// SnapshotOpsKey maps (child index, commitment, sequence) → a forced operation that update consumed.
	SnapshotOpsKey = collections.NewPrefix(31)
	// SnapshotEntriesKey holds (child index, commitment, payload hash): the consumed entries that
	// update added, which a re-election dropping its snapshot un-consumes (DESIGN §7.5, §9).
	SnapshotEntriesKey = collections.NewPrefix(32)
	// ForcedPayloadsKey indexes the forced queue by payload: (child index, payload hash,
	// sequence). Derived from ForcedOps (rebuilt on genesis import), it tells an update how many
	// of its inbox entries can match queued operations.
	ForcedPayloadsKey = collections.NewPrefix(33)
	// RoutesKey maps message hash → RouteRecord (DESIGN §7.5 fallback route; x/bridge prefix 13
	// before issue 14).
	RoutesKey = collections.NewPrefix(34)
	// ProvenLeavesKey maps (child index, grandchild index, commitment) → anchor height: the
	// grandchild commitments step proofs proved, which the child may finalize (issue 16).
	ProvenLeavesKey = collections.NewPrefix(35)
	// ForcedWithdrawalsKey maps (child index, sequence) → ForcedWithdrawal (issue 20): what the
	// child's MsgExecuteForcedWithdrawal proves against this chain's app hash.
	ForcedWithdrawalsKey = collections.NewPrefix(36)
	// WithdrawalDeadlinesKey indexes pending forced withdrawals by (deadline, child, sequence).
	WithdrawalDeadlinesKey = collections.NewPrefix(37)
	// NextWithdrawalSeqKey maps child index → the next forced-withdrawal sequence.
	NextWithdrawalSeqKey = collections.NewPrefix(38)
	// WithdrawalOpsKey holds (child index, op signing hash) of every op forced on a child: replays
	// are refused.
	WithdrawalOpsKey = collections.NewPrefix(39)
	// WithdrawalProvenKey indexes proven forced withdrawals by (child, proving anchor height,
	// sequence): a re-election rolling back past that anchor makes them pending again.
	WithdrawalProvenKey = collections.NewPrefix(40)
	// WithdrawalPendingKey maps child index → its number of pending forced withdrawals.
	WithdrawalPendingKey = collections.NewPrefix(41)
	// WithdrawalPositionsKey maps (child index, outbox position) → the sequence of the forced
	// withdrawal that position proved executed: one message proves one withdrawal.
	WithdrawalPositionsKey = collections.NewPrefix(42)
	// RootBondKey holds the root operator's bond for the root's current epoch (DESIGN §10).
	RootBondKey = collections.NewPrefix(43)
	// ArrivalsKey maps a departed chain's old vid → the child index it arrived at (issue 20).
	ArrivalsKey = collections.NewPrefix(44)
	// GrandchildReportsKey maps (child index, grandchild index) → GrandchildReport: the proven
	// report of the commitment the child's accepted children root holds there (issue 16).
	GrandchildReportsKey = collections.NewPrefix(45)
	// prefix 46 held the block's step cost before it moved to the transient store; never reuse it.
	// FrozenDeparturesKey maps (frozen child, grandchild index) → FrozenDeparture (issue 20).
	FrozenDeparturesKey = collections.NewPrefix(47)
)

// Prefixes of the transient store (TransientStoreKey).
var (
	// BlockStepsKey holds the step cost of the child updates accepted in this block (issue 16,
	// ChildStepBudget).
	BlockStepsKey = collections.NewPrefix(0)
)

// MaxHistoryEntries bounds the (root height, commitment) history kept per child; older
// entries are dropped on insert (x/acceptance keeps what finality needs).
const MaxHistoryEntries = 256

// MaxPendingForcedOps bounds one child's forced-operation queue, so storage and the work
// of clearing a frozen child's queue stay bounded.
const MaxPendingForcedOps = 10_000

// ForcedOpStoreKey is the store key (in this module's store) of a child's queued forced
// operation: what the child's MsgReceiveForced proves against this chain's app hash, and what a
// relayer queries with a proof.
func ForcedOpStoreKey(index uint32, sequence uint64) ([]byte, error) {
	return collections.EncodeKeyWithPrefix(ForcedOpsKey.Bytes(),
		collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), collections.Join(index, sequence))
}

// MaxPendingForcedWithdrawals bounds one child's pending forced withdrawals (each costs the
// requester params.forced_withdrawal_fee and the child a proof).
const MaxPendingForcedWithdrawals = 1_000

// ForcedWithdrawalStoreKey is the store key (in this module's store) of a child's forced
// withdrawal: what the child's MsgExecuteForcedWithdrawal proves against this chain's app hash.
func ForcedWithdrawalStoreKey(index uint32, sequence uint64) ([]byte, error) {
	return collections.EncodeKeyWithPrefix(ForcedWithdrawalsKey.Bytes(),
		collections.PairKeyCodec(collections.Uint32Key, collections.Uint64Key), collections.Join(index, sequence))
}
