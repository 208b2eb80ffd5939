package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/bridge module.
	ModuleName = "bridge"
	// StoreKey is the KV store key of the x/bridge module.
	StoreKey = ModuleName
)

// Store prefixes. 1-7 and 13-17 held state that moved to x/ledger, x/tree and x/validium
// (issue 14, PROTOCOL.md "Store keys moved by issue 14"); never reuse them.
var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// NullifiersKey holds the hash of every message minted here, forever.
	NullifiersKey = collections.NewPrefix(8)
	// InclusionParamsKey stores the genesis-fixed InclusionParams.
	InclusionParamsKey = collections.NewPrefix(9)
	// OutgoingKey maps message hash → OutgoingMessage.
	OutgoingKey = collections.NewPrefix(10)
	// FrozenSendersKey holds the ledger accounts frozen for bridge-outs until their message is confirmed.
	FrozenSendersKey = collections.NewPrefix(11)
	// OutgoingDeadlinesKey indexes SENT outgoing messages by (deadline, hash), so expiry is bounded work.
	OutgoingDeadlinesKey = collections.NewPrefix(12)
)

// MaxExpiredPerBlock bounds how many expired own messages one EndBlock moves to ROUTED_UP.
const MaxExpiredPerBlock = 100

// InclusionPublicInputs is the inclusion circuit's public input count: root commitment, root
// height, leaf hash, destination vid, kind.
const InclusionPublicInputs = 5
