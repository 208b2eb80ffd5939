package app

import (
	upgradetypes "cosmossdk.io/x/upgrade/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"

	"github.com/slush-tree/slush/app/upgrades/validium_consensus"
	"github.com/slush-tree/slush/circuits/ledger"
	bridgetypes "github.com/slush-tree/slush/x/bridge/types"
	ledgerkeeper "github.com/slush-tree/slush/x/ledger/keeper"
	ledgertypes "github.com/slush-tree/slush/x/ledger/types"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	validiumtypes "github.com/slush-tree/slush/x/validium/types"
)

// newAnteHandler is the SDK's ante handler (ante.NewAnteHandler's decorators, in its order)
// with ledgerChainDecorator after the transaction's signatures are verified and its fee is
// deducted, before its sequence is incremented: the EdDSA checks (up to 33 for a wrong-chain op,
// to name the chain) then cost only senders who can pay, so unfunded junk cannot make a node
// verify ledger signatures for free; CheckTx still refuses the op, and a refusal reports the
// tx's gas limit like any other ante error.
func newAnteHandler(options ante.HandlerOptions, lk ledgerkeeper.Keeper, tk treekeeper.Keeper) (sdk.AnteHandler, error) {
	if _, err := ante.NewAnteHandler(options); err != nil { // the SDK's option checks
		return nil, err
	}
	return sdk.ChainAnteDecorators(
		ante.NewSetUpContextDecorator(), // outermost: SetUpContext must be called first
		ante.NewExtensionOptionsDecorator(options.ExtensionOptionChecker),
		ante.NewValidateBasicDecorator(),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(options.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(options.AccountKeeper),
		ante.NewDeductFeeDecorator(options.AccountKeeper, options.BankKeeper, options.FeegrantKeeper, options.TxFeeChecker),
		ante.NewSetPubKeyDecorator(options.AccountKeeper), // before all signature verification decorators
		ante.NewValidateSigCountDecorator(options.AccountKeeper),
		ante.NewSigGasConsumeDecorator(options.AccountKeeper, options.SigGasConsumer),
		ante.NewSigVerificationDecorator(options.AccountKeeper, options.SignModeHandler, options.SigVerifyOptions...),
		ledgerChainDecorator{ledger: lk},
		validiumConsensusPlanDecorator{tree: tk},
		ante.NewIncrementSequenceDecorator(options.AccountKeeper),
	), nil
}

// ledgerChainDecorator refuses a transaction carrying a ledger transfer or bridge-out (also a
// forced deposit's, which burns on this chain's ledger) whose EdDSA signature does not verify
// for this chain's vid: an op signed for another chain (`slushchaind ledger ... --path` of
// another chain) fails in CheckTx with ledgertypes.ErrWrongChain naming both chains, instead of
// reaching a block as "bad signature". ValidateBasic cannot do it: it does not know the chain.
// It reads only the tree identity and runs the same in CheckTx and in a block, so it is
// deterministic.
type ledgerChainDecorator struct {
	ledger ledgerkeeper.Keeper
}

// AnteHandle checks every signed ledger op of the tx against this chain's vid.
func (d ledgerChainDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	for _, msg := range tx.GetMsgs() {
		var (
			bz   []byte
			want ledger.OpKind
		)
		switch m := msg.(type) {
		case *ledgertypes.MsgTransfer:
			bz, want = m.Op, ledger.OpTransfer
		case *bridgetypes.MsgBridgeOut:
			bz, want = m.Op, ledger.OpBridgeOut
		case *validiumtypes.MsgForceOperation:
			bz, want = m.Op, ledger.OpBridgeOut
		default:
			continue
		}
		op, err := ledgertypes.DecodeOp(bz, want) // ValidateBasic passed: it decodes
		if err != nil {
			return ctx, err
		}
		if err := d.ledger.CheckSignedHere(ctx, op); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

// validiumConsensusPlanDecorator refuses a governance proposal whose messages schedule the
// `validium-consensus` upgrade with a plan validium_consensus.ValidatePlan refuses (an info
// naming no valid ed25519 operator key, or a chain that is not the root): the tx fails in
// CheckTx and in a block, so a bad plan is never voted on (DESIGN §10; one that still reaches its
// height, proposed on an older binary, is refused by the handler). It reads only the tree
// identity: deterministic.
type validiumConsensusPlanDecorator struct {
	tree treekeeper.Keeper
}

// AnteHandle checks the plan of every MsgSoftwareUpgrade named validium-consensus in a proposal.
func (d validiumConsensusPlanDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	for _, msg := range tx.GetMsgs() {
		proposal, ok := msg.(*govv1.MsgSubmitProposal)
		if !ok {
			continue
		}
		msgs, err := proposal.GetMsgs()
		if err != nil {
			continue // x/gov refuses a proposal whose messages do not decode
		}
		for _, m := range msgs {
			up, ok := m.(*upgradetypes.MsgSoftwareUpgrade)
			if !ok || up.Plan.Name != validium_consensus.UpgradeName {
				continue
			}
			if err := validium_consensus.ValidatePlan(ctx, d.tree, up.Plan); err != nil {
				return ctx, err
			}
		}
	}
	return next(ctx, tx, simulate)
}
