package types

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/ledger"
)

// Burnt is a bridge-out the ledger executed: the operation, its log sequence, and the message it
// appended to the outbox with its position there.
type Burnt struct {
	Op          ledger.Op
	Sequence    uint64
	Message     inclusion.Message
	OutboxIndex uint64
}

// Roots are the ledger roots a commitment binds (DESIGN §3), and how many logged operations
// they include.
type Roots struct {
	Vid, Ledger, Outbox, Receipts fr.Element
	LogLength                     uint64
	// InboxHead is the inbox chain head after every consumed entry: the head the parent holds
	// once it has accepted the whole ledger (a departure mark binds it, issue 20).
	InboxHead fr.Element
}
