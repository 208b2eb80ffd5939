package types

import (
	"bytes"
	"crypto/sha256"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/keys"
	"github.com/slush-tree/slush/circuits/subtree"
)

// Default parameter values. Verification costs ~1 ms of CPU (DESIGN §2), priced like
// ~200k gas of storage work so that a block cannot be filled with free pairing checks.
const (
	DefaultVerifyGasFlat           uint64 = 200_000
	DefaultVerifyGasPerPublicInput uint64 = 5_000
	DefaultForcedOpDeadline        uint64 = 100
	DefaultMaxForcedOpsPerBlock    uint32 = 100
	DefaultMaxBatchesPerUpdate     uint32 = 8
	DefaultMaxStepsPerUpdate       uint32 = 16
	// DefaultSubtreeProofs is ATTESTED until every step kind and the relayer's step prover exist
	// (docs/PROTOCOL.md "Validity all the way up": with RECURSIVE, a chain whose children have
	// children could not update yet). Production genesis sets RECURSIVE.
	DefaultSubtreeProofs = SubtreeProofs_SUBTREE_PROOFS_ATTESTED
	DefaultBondDenom     = "stake"
)

// DefaultMinChildBond is the default minimum bond for registering a child validium.
var DefaultMinChildBond = sdk.NewCoin(DefaultBondDenom, sdkmath.NewInt(1_000_000))

// DefaultForcedWithdrawalFee is the default fee of a forced withdrawal (issue 20), burnt.
var DefaultForcedWithdrawalFee = sdk.NewCoin(DefaultBondDenom, sdkmath.NewInt(100_000))

// DefaultParams returns the default x/validium parameters.
func DefaultParams() Params {
	return Params{
		VerifyGasFlat:           DefaultVerifyGasFlat,
		VerifyGasPerPublicInput: DefaultVerifyGasPerPublicInput,
		MinChildBond:            DefaultMinChildBond,
		ForcedOpDeadline:        DefaultForcedOpDeadline,
		MaxForcedOpsPerBlock:    DefaultMaxForcedOpsPerBlock,
		MaxBatchesPerUpdate:     DefaultMaxBatchesPerUpdate,
		SubtreeProofs:           DefaultSubtreeProofs,
		MaxStepsPerUpdate:       DefaultMaxStepsPerUpdate,
		ForcedWithdrawalFee:     DefaultForcedWithdrawalFee,
	}
}

// Recursive reports whether this chain requires step proofs of its children's children roots.
func (p Params) Recursive() bool { return p.SubtreeProofs == SubtreeProofs_SUBTREE_PROOFS_RECURSIVE }

// Validate checks that every parameter is usable.
func (p Params) Validate() error {
	if p.VerifyGasFlat == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "verify_gas_flat must be positive: proof verification is never free")
	}
	if err := p.MinChildBond.Validate(); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "min_child_bond: %v", err)
	}
	if err := p.ForcedWithdrawalFee.Validate(); err != nil || !p.ForcedWithdrawalFee.IsPositive() {
		return errorsmod.Wrapf(ErrInvalidParams, "forced_withdrawal_fee %s must be a positive coin: forcing a withdrawal is never free", p.ForcedWithdrawalFee)
	}
	if p.ForcedOpDeadline == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "forced_op_deadline must be positive")
	}
	if p.MaxForcedOpsPerBlock == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "max_forced_ops_per_block must be positive")
	}
	// DESIGN §5 "Bursts": a bounded number of chained batch proofs, at least one (a busy child
	// must be able to catch up)
	if p.MaxBatchesPerUpdate == 0 || p.MaxBatchesPerUpdate > MaxBatchesPerUpdateCap {
		return errorsmod.Wrapf(ErrInvalidParams, "max_batches_per_update must be 1..%d, got %d", MaxBatchesPerUpdateCap, p.MaxBatchesPerUpdate)
	}
	if err := p.validateSubtree(); err != nil {
		return err
	}
	for _, h := range []struct {
		name string
		b    []byte
	}{{"ledger_key_hash", p.LedgerKeyHash}, {"transfer_key_hash", p.TransferKeyHash}} {
		if len(h.b) != 0 && len(h.b) != sha256.Size {
			return errorsmod.Wrapf(ErrInvalidParams, "%s must be empty or %d bytes, got %d", h.name, sha256.Size, len(h.b))
		}
	}
	return nil
}

// CheckRegisteredKey refuses a verifying key that is not the tree's (DESIGN §5: nothing above a
// chain trusts its operator, so the circuit a child is held to is the tree's, not one the
// registering operator picks). want is a SHA-256 param; empty accepts any key (development).
func CheckRegisteredKey(name string, want, vk []byte) error {
	if len(want) == 0 {
		return nil
	}
	got := sha256.Sum256(vk)
	if !bytes.Equal(got[:], want) {
		return errorsmod.Wrapf(ErrUnexpectedVerifyingKey, "%s has SHA-256 %X, the tree's is %X", name, got, want)
	}
	return nil
}

// validateSubtree checks the subtree-proof parameters (issue 16): a stated mode, a bounded step
// count, in RECURSIVE mode a leaf step key, and every step key set well formed with one public
// input and one commitment.
func (p Params) validateSubtree() error {
	if _, ok := SubtreeProofs_name[int32(p.SubtreeProofs)]; !ok || p.SubtreeProofs == SubtreeProofs_SUBTREE_PROOFS_UNSPECIFIED {
		return errorsmod.Wrapf(ErrInvalidParams, "subtree_proofs must be ATTESTED or RECURSIVE, got %d", p.SubtreeProofs)
	}
	if p.MaxStepsPerUpdate == 0 || p.MaxStepsPerUpdate > MaxStepsPerUpdateCap {
		return errorsmod.Wrapf(ErrInvalidParams, "max_steps_per_update must be 1..%d, got %d", MaxStepsPerUpdateCap, p.MaxStepsPerUpdate)
	}
	if len(p.LeafStepKey) == 0 && p.Recursive() {
		return errorsmod.Wrap(ErrInvalidParams, "RECURSIVE subtree_proofs needs leaf_step_key")
	}
	for _, k := range []struct {
		name string
		raw  []byte
	}{{"leaf_step_key", p.LeafStepKey}, {"node_ledger_step_key", p.NodeLedgerStepKey}, {"node_child_step_key", p.NodeChildStepKey}, {"leaf_forced_step_key", p.LeafForcedStepKey},
		{"node_ledger_forced_step_key", p.NodeLedgerForcedStepKey}, {"node_child_forced_step_key", p.NodeChildForcedStepKey},
		{"node_ledger_exit_step_key", p.NodeLedgerExitStepKey}} {
		if len(k.raw) == 0 {
			continue // the node and forced keys are optional: without one, its kind is refused
		}
		if _, err := keys.CheckCommittedVerifyingKey(k.raw, StepPublicInputs); err != nil {
			return errorsmod.Wrapf(ErrInvalidParams, "%s: %v", k.name, err)
		}
	}
	return nil
}

// StepKey is the verifying key of step kind kind (PROTOCOL "Validity all the way up"): the leaf
// step key for kinds 1 and 2, the node keys for 3 and 4, the forced keys for 9, 10 and 11, the
// exit key for 12; empty when this chain has none.
func (p Params) StepKey(kind uint32) []byte {
	switch kind {
	case subtree.KindLeaf, subtree.KindLeafFirst:
		return p.LeafStepKey
	case subtree.KindNodeLedger:
		return p.NodeLedgerStepKey
	case subtree.KindNodeChild:
		return p.NodeChildStepKey
	case subtree.KindLeafForced:
		return p.LeafForcedStepKey
	case subtree.KindNodeLedgerForced:
		return p.NodeLedgerForcedStepKey
	case subtree.KindNodeChildForced:
		return p.NodeChildForcedStepKey
	case subtree.KindNodeLedgerExit:
		return p.NodeLedgerExitStepKey
	}
	return nil
}
