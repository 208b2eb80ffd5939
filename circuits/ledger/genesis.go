package ledger

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/smt"
)

// GenesisRoots are the ledger, outbox and receipt roots of a ledger of shape p that holds
// nothing: where a chain under a recursive parent must start, so that all of its value arrives
// through the bridge and is proven (docs/PROTOCOL.md "Validity all the way up", registration).
type GenesisRoots struct {
	// Ledger is the empty accounts SMT with no accounts and nothing consumed:
	// LedgerRoot(EmptyRoot, 0, EmptyConsumedRoot).
	Ledger fr.Element
	// Outbox and Receipts are empty accumulators of depth p.OutboxDepth.
	Outbox, Receipts fr.Element
}

// EmptyRoots returns the roots of an empty ledger of shape p (what NewState opens on an empty
// store).
func EmptyRoots(p Params) GenesisRoots {
	empty := smt.EmptyAccumulatorRoot(p.OutboxDepth)
	return GenesisRoots{Ledger: LedgerRoot(smt.EmptyRoot(p.AccountDepth), 0, EmptyConsumedRoot()), Outbox: empty, Receipts: empty}
}
