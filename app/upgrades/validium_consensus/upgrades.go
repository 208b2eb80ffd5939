package validium_consensus

import (
	"bytes"
	"context"
	"encoding/json"

	errorsmod "cosmossdk.io/errors"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/slush-tree/slush/app/upgrades"
	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// ErrInvalidPlanInfo is returned for a `validium-consensus` plan whose info JSON does not name
// the operator's ed25519 consensus key, or for such a plan on a chain that is not the root.
var ErrInvalidPlanInfo = errorsmod.Register(UpgradeName, 2, "invalid validium-consensus upgrade plan")

// Info is the plan's info JSON: the root operator's consensus public key, in the form
// `slushchaind comet show-validator` prints it. Other fields (cosmovisor's "binaries") are ignored.
type Info struct {
	// OperatorConsensusPubkey is the key of the root's one validator after the upgrade.
	OperatorConsensusPubkey *PubKeyJSON `json:"operator_consensus_pubkey"`
}

// PubKeyJSON is a consensus public key as the SDK's JSON codec writes it.
type PubKeyJSON struct {
	// Type is the key's type URL; only Ed25519PubKeyType is accepted.
	Type string `json:"@type"`
	// Key is the raw public key (base64 in JSON).
	Key []byte `json:"key"`
}

// ParseInfo returns the operator's ed25519 consensus key named by a plan's info, or
// ErrInvalidPlanInfo / treetypes.ErrInvalidConsensusKey saying what is wrong with it.
func ParseInfo(info string) ([]byte, error) {
	var parsed Info
	dec := json.NewDecoder(bytes.NewReader([]byte(info)))
	if err := dec.Decode(&parsed); err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidPlanInfo, "info is not JSON: %v", err)
	}
	if dec.More() {
		return nil, errorsmod.Wrap(ErrInvalidPlanInfo, "info has data after its JSON object")
	}
	pk := parsed.OperatorConsensusPubkey
	if pk == nil {
		return nil, errorsmod.Wrap(ErrInvalidPlanInfo, "info has no operator_consensus_pubkey")
	}
	// the root's consensus params take ed25519 keys only (DESIGN §10: the operator must be able to sign)
	if pk.Type != Ed25519PubKeyType {
		return nil, errorsmod.Wrapf(ErrInvalidPlanInfo, "operator_consensus_pubkey type %q, want %q", pk.Type, Ed25519PubKeyType)
	}
	if err := treetypes.ValidateConsensusPubkey(pk.Key); err != nil {
		return nil, err
	}
	return pk.Key, nil
}

// ValidatePlan is what a `validium-consensus` plan must satisfy when it is proposed: a valid
// info, on the root (DESIGN §10: only the root replaces its PoS). The ante handler runs it on
// every proposal that carries such a plan, so a bad one is refused before it can be voted on.
func ValidatePlan(ctx context.Context, tree treekeeper.Keeper, plan upgradetypes.Plan) error {
	if _, err := ParseInfo(plan.Info); err != nil {
		return err
	}
	identity, err := tree.Identity.Get(ctx)
	if err != nil {
		return err
	}
	if !identity.IsRoot() {
		return errorsmod.Wrapf(ErrInvalidPlanInfo, "chain %v is not the root", identity.Path)
	}
	return nil
}

// CreateUpgradeHandler runs the module migrations (none changes state layout in this upgrade)
// and puts the root under validium consensus with the plan's operator key. A plan that reached
// its height with a bad info (proposed on a binary without ValidatePlan) is refused cleanly: the
// handler returns no error, since x/upgrade halts the chain on one, the root stays under
// x/staking, and EventValidiumConsensusRefused says why; governance must ship a new plan.
func CreateUpgradeHandler(mm *module.Manager, cfg module.Configurator, keepers upgrades.Keepers) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, plan upgradetypes.Plan, vm module.VersionMap) (module.VersionMap, error) {
		vm, err := mm.RunMigrations(ctx, cfg, vm)
		if err != nil {
			return vm, err
		}
		sdkCtx := sdk.UnwrapSDKContext(ctx)
		cacheCtx, write := sdkCtx.CacheContext()
		key, err := ParseInfo(plan.Info)
		if err == nil {
			err = keepers.TreeKeeper.EnterValidiumConsensus(cacheCtx, key)
		}
		if err != nil {
			// refused, not halted (DESIGN §10): nothing of the cached attempt is written
			sdkCtx.Logger().Error("validium-consensus upgrade refused: the root stays under x/staking",
				"height", sdkCtx.BlockHeight(), "reason", err.Error())
			return vm, sdkCtx.EventManager().EmitTypedEvent(&treetypes.EventValidiumConsensusRefused{
				Reason: err.Error(), Height: sdkCtx.BlockHeight(),
			})
		}
		write()
		return vm, nil
	}
}
