package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/election module.
	ModuleName = "election"
	// StoreKey is the KV store key of the x/election module.
	StoreKey = ModuleName
)

// ParamsKey stores the module Params.
var ParamsKey = collections.NewPrefix(0)
