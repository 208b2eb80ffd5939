package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/ledger module.
	ModuleName = "ledger"
	// StoreKey is the KV store key of the x/ledger module.
	StoreKey = ModuleName
)

var (
	// ParamsKey stores the genesis-fixed Params (the ledger's shape).
	ParamsKey = collections.NewPrefix(0)
	// StateKey holds the ledger state (accounts SMT, outbox, inbox, receipts, counters).
	StateKey = collections.NewPrefix(1)
	// LogKey maps sequence → LoggedOp.
	LogKey = collections.NewPrefix(2)
	// LogLengthKey is the next log sequence.
	LogLengthKey = collections.NewPrefix(3)
	// GenesisDepositsKey maps position → GenesisDeposit: how the ledger was funded at genesis, which a
	// prover's replica starts from.
	GenesisDepositsKey = collections.NewPrefix(4)
)
