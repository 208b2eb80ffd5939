package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/validium module.
	ModuleName = "validium"
	// StoreKey is the KV store key of the x/validium module.
	StoreKey = ModuleName
)

var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// IdentityKey stores this chain's TreeIdentity (fixed at genesis).
	IdentityKey = collections.NewPrefix(1)
)
