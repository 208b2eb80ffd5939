package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the x/acceptance module.
	ModuleName = "acceptance"
	// StoreKey is the KV store key of the x/acceptance module. It is not the module name
	// because x/auth's store key "acc" is a prefix of "acceptance" (the multistore forbids that).
	StoreKey = "slushacceptance"
)

// MaxChildIndex is the largest child index (8 bits per tree level, DESIGN §3).
const MaxChildIndex = 255

var (
	// ParamsKey stores the module Params.
	ParamsKey = collections.NewPrefix(0)
	// ChildrenKey maps child index → AcceptanceRecord.
	ChildrenKey = collections.NewPrefix(1)
	// RootRecordKey stores, at the root, the record of the root's own hashes.
	RootRecordKey = collections.NewPrefix(2)
	// LastReportKey stores this chain's last SubtreeReport.
	LastReportKey = collections.NewPrefix(3)
	// FinalizedTreeKey holds the nodes of the finalized-children SMT (child index →
	// ChildLeaf(index, finalized commitment)); derived from ChildrenKey, never exported.
	FinalizedTreeKey = collections.NewPrefix(4)
)
