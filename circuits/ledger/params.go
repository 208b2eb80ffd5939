// Package ledger is the own-state VM of DESIGN §4: a provable virtual-token
// ledger. The same rules are implemented twice, natively (State.Apply, used by
// the chain to execute operations at once) and in circuit (Circuit, used by the
// prover to prove fixed-size batches), and tests check they agree.
//
// State. Accounts live in a sparse Merkle tree (package smt) of depth
// Params.AccountDepth. The SMT value of account i is
//
//	Hash(DomainAccount, owner, assetId, balance, nonce)
//
// where owner = OwnerHash(pubKey) = Hash(DomainOwner, pubKey.X, pubKey.Y).
// Account indices are allocated first-come: the next new account gets index
// NumAccounts, which is committed in the ledger root
// LedgerRoot = Hash(DomainLedgerRoot, accountsRoot, numAccounts). Creation is
// checked in circuit with one equality (index == numAccounts) and the
// SMT proof that the slot was empty; nobody can grief another user's index
// because indices are never derived from keys. The native state keeps a
// unique (owner, asset) → index map; the circuit does not need it (a
// duplicate account could only ever hold the owner's own funds, and the
// account index is part of every signed message, so signatures never replay
// across accounts). Accounts are never deleted, so nonces never reset.
//
// Operations (one per batch slot): Transfer, BridgeOut (burn + append a
// message to the outbox accumulator), BridgeIn (mint from the next inbox
// entry, consumed strictly in order, and append its receipt to the receipt
// accumulator) and NoOp (padding). Every inbox entry carries its Source, which
// says who proves the mint: the circuit itself for a claim (an inclusion path
// of the message under the batch's anchor), the parent for a forced operation
// (its queue) or an exit (the exit's proof). See Op, Circuit and the README
// section "Ledger circuit".
package ledger

import (
	"errors"
	"fmt"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
	"github.com/slush-tree/slush/circuits/inclusion"
	"github.com/slush-tree/slush/circuits/smt"
)

// Params fixes the shape of a ledger and of its batch circuit.
type Params struct {
	// AccountDepth is the depth of the accounts SMT (24 in production).
	AccountDepth int
	// OutboxDepth is the depth of the outbox and receipt accumulators (20 in production).
	OutboxDepth int
	// BatchSize is the number of operation slots per proven batch.
	BatchSize int
	// ClaimSlots is the number of claimed bridge-ins one batch can prove (each costs an
	// inclusion path in circuit, so plain slots stay cheap; 0: no claims).
	ClaimSlots int
	// InclusionDepth is the deepest sender a claim section can reach (the tree's max depth).
	InclusionDepth int
}

// DefaultParams are the production parameters of the claim circuit; Transfer gives the
// transfer circuit's.
var DefaultParams = Params{AccountDepth: 24, OutboxDepth: smt.DefaultAccumulatorDepth, BatchSize: 16,
	ClaimSlots: 2, InclusionDepth: inclusion.DefaultMaxDepth}

// MaxAccountDepth bounds AccountDepth (indices and the account count are uint64).
const MaxAccountDepth = 62

// ErrParams is returned for invalid Params.
var ErrParams = errors.New("ledger: invalid parameters")

// Validate checks the parameter ranges.
func (p Params) Validate() error {
	if p.AccountDepth < 1 || p.AccountDepth > MaxAccountDepth {
		return fmt.Errorf("%w: account depth %d", ErrParams, p.AccountDepth)
	}
	if p.OutboxDepth < 1 || p.OutboxDepth > 62 {
		return fmt.Errorf("%w: outbox depth %d", ErrParams, p.OutboxDepth)
	}
	if p.BatchSize < 1 || p.BatchSize > 1<<16 {
		return fmt.Errorf("%w: batch size %d", ErrParams, p.BatchSize)
	}
	if p.ClaimSlots < 0 || p.ClaimSlots > p.BatchSize {
		return fmt.Errorf("%w: %d claim slots for a batch of %d", ErrParams, p.ClaimSlots, p.BatchSize)
	}
	if p.InclusionDepth < 0 || p.InclusionDepth > commitment.MaxPathDepth {
		return fmt.Errorf("%w: inclusion depth %d", ErrParams, p.InclusionDepth)
	}
	return nil
}

// Transfer is p without claim sections: the transfer circuit, which proves the batches that
// claim nothing. At the production parameters it stays under 2^19 constraints, so Groth16's
// FFT domain is half the claim circuit's (issue 15; BENCHMARKS.md "Proven transfers per second").
func (p Params) Transfer() Params {
	p.ClaimSlots, p.InclusionDepth = 0, 0
	return p
}

// pathDepth is the length of the second (shared account/outbox) path of a slot.
func (p Params) pathDepth() int { return max(p.AccountDepth, p.OutboxDepth) }

// Ledger-private domain tags. They live above 2^40 so they can never collide
// with the small sequential tags of package hash (1, 2, 3, ...); they are
// frozen like those.
const (
	ledgerDomainBase hash.Domain = 0x4c4544 << 40 // "LED"
	// DomainLedgerRoot tags the ledger root (accounts SMT root, account count).
	DomainLedgerRoot = ledgerDomainBase + 1
	// DomainOp tags the message an account owner signs for an operation.
	DomainOp = ledgerDomainBase + 2
	// DomainInbox tags one link of the inbox hash chain (previous head, message hash).
	DomainInbox = ledgerDomainBase + 3
	// DomainChallenge tags the EdDSA challenge hash H(R, A, M).
	DomainChallenge = ledgerDomainBase + 4
	// DomainOwner tags an account owner: the hash of a BabyJubJub public key.
	DomainOwner = ledgerDomainBase + 5
	// DomainClaimLink tags one link of a batch's claim chain (previous link, message hash,
	// sender vid): it ties each claimed bridge-in to the claim section that proves it.
	DomainClaimLink = ledgerDomainBase + 6
)

// BalanceBits is the width of balances, amounts, nonces' operands and deadlines.
const BalanceBits = 64
