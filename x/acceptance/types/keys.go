package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/acceptance module.
	ModuleName = "acceptance"
	// StoreKey is the KV store key of the x/acceptance module. It is not the module name
	// because x/auth's store key "acc" is a prefix of "acceptance" (the multistore forbids that).
	StoreKey = "slushacceptance"
)

// ParamsKey stores the module Params.
var ParamsKey = collections.NewPrefix(0)
