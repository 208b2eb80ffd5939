// Package valset decides which validator set the app returns to CometBFT (DESIGN §10): x/staking's
// until the root enters validium consensus, then the root operator's consensus key alone, at
// power 1. The module manager takes validator updates from one module only, so StakingModule,
// which wraps x/staking's AppModule as interchain-security's democracy staking module does, is
// that one module: it returns staking's updates before, the one changeover at the upgrade block,
// and nothing after, while x/staking keeps running its queues for delegators and governance.
package valset

import (
	"context"
	"encoding/json"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtprotocrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"

	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
	treetypes "github.com/slush-tree/slush/x/tree/types"
)

// OperatorPower is the consensus power of the root operator, the one validator under validium
// consensus (DESIGN §10).
const OperatorPower = 1

var (
	_ module.HasABCIEndBlock = StakingModule{}
	_ module.HasABCIGenesis  = StakingModule{}
)

// UpgradeDoneHeights is what StakingModule reads of x/upgrade: the height a plan was applied at.
type UpgradeDoneHeights interface {
	GetDoneHeight(ctx context.Context, name string) (int64, error)
}

// StakingModule is x/staking's AppModule with the validator set taken from it once the root is
// under validium consensus (DESIGN §10); every other method is x/staking's own.
type StakingModule struct {
	staking.AppModule
	keeper   *stakingkeeper.Keeper
	tree     treekeeper.Keeper
	upgrades UpgradeDoneHeights
	// changeoverPlan is the upgrade plan whose block returns the changeover to CometBFT.
	changeoverPlan string
}

// NewStakingModule wraps staking's module; changeoverPlan names the upgrade that puts the root
// under validium consensus (the changeover is returned in the block x/upgrade applied it in).
func NewStakingModule(
	am staking.AppModule, k *stakingkeeper.Keeper, tree treekeeper.Keeper, upgrades UpgradeDoneHeights,
	changeoverPlan string,
) StakingModule {
	return StakingModule{AppModule: am, keeper: k, tree: tree, upgrades: upgrades, changeoverPlan: changeoverPlan}
}

// EndBlock runs x/staking's EndBlocker (unbonding and redelegation queues, bonded statuses) and
// returns its validator updates while the root is not under validium consensus. Under it, it
// returns none, except in the upgrade block: the changeover (ChangeoverUpdates).
func (m StakingModule) EndBlock(ctx context.Context) ([]abci.ValidatorUpdate, error) {
	vc, under, err := m.tree.ValidiumConsensusState(ctx)
	if err != nil {
		return nil, err
	}
	if !under {
		return m.AppModule.EndBlock(ctx)
	}
	var updates []abci.ValidatorUpdate
	done, err := m.upgrades.GetDoneHeight(ctx, m.changeoverPlan)
	if err != nil {
		return nil, err
	}
	if done == sdk.UnwrapSDKContext(ctx).BlockHeight() {
		// read before staking's EndBlocker moves it: the set CometBFT holds now
		if updates, err = ChangeoverUpdates(ctx, m.keeper, vc); err != nil {
			return nil, err
		}
	}
	// staking's set no longer goes to CometBFT (DESIGN §10): its updates are dropped
	if _, err := m.AppModule.EndBlock(ctx); err != nil {
		return nil, err
	}
	return updates, nil
}

// InitGenesis imports x/staking's genesis; on a root whose x/tree genesis is under validium
// consensus (x/tree is imported first) the genesis set is the operator alone, not staking's.
func (m StakingModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, data json.RawMessage) []abci.ValidatorUpdate {
	updates := m.AppModule.InitGenesis(ctx, cdc, data)
	vc, under, err := m.tree.ValidiumConsensusState(ctx)
	if err != nil {
		panic(fmt.Errorf("failed to read the validium consensus at genesis: %w", err))
	}
	if !under {
		return updates
	}
	return []abci.ValidatorUpdate{OperatorUpdate(vc)}
}

// OperatorUpdate is the root operator's validator at power 1 (DESIGN §10).
func OperatorUpdate(vc treetypes.ValidiumConsensus) abci.ValidatorUpdate {
	return abci.ValidatorUpdate{
		PubKey: cmtprotocrypto.PublicKey{Sum: &cmtprotocrypto.PublicKey_Ed25519{Ed25519: vc.OperatorConsensusPubkey}},
		Power:  OperatorPower,
	}
}

// ChangeoverUpdates are the updates that hand the root to its operator (DESIGN §10): the operator
// at power 1, then every validator of x/staking's last set (the set CometBFT holds) at power 0,
// except the operator's key if it was one of them (CometBFT refuses a key twice in one update).
func ChangeoverUpdates(ctx context.Context, k *stakingkeeper.Keeper, vc treetypes.ValidiumConsensus) ([]abci.ValidatorUpdate, error) {
	updates := []abci.ValidatorUpdate{OperatorUpdate(vc)}
	var iterErr error
	err := k.IterateLastValidatorPowers(ctx, func(operator sdk.ValAddress, _ int64) bool {
		val, err := k.GetValidator(ctx, operator)
		if err != nil {
			iterErr = err
			return true
		}
		pk, err := val.CmtConsPublicKey()
		if err != nil {
			iterErr = err
			return true
		}
		if ed := pk.GetEd25519(); ed != nil && string(ed) == string(vc.OperatorConsensusPubkey) {
			return false
		}
		updates = append(updates, abci.ValidatorUpdate{PubKey: pk, Power: 0})
		return false
	})
	if err != nil {
		return nil, err
	}
	if iterErr != nil {
		return nil, iterErr
	}
	return updates, nil
}

// GenesisValidators is the validator set an export writes into a new genesis: the operator alone
// under validium consensus (what InitGenesis then returns), x/staking's last set otherwise.
func GenesisValidators(ctx sdk.Context, k *stakingkeeper.Keeper, tree treekeeper.Keeper) ([]cmttypes.GenesisValidator, error) {
	vc, under, err := tree.ValidiumConsensusState(ctx)
	if err != nil {
		return nil, err
	}
	if !under {
		return staking.WriteValidators(ctx, k)
	}
	pk := cmted25519.PubKey(vc.OperatorConsensusPubkey)
	return []cmttypes.GenesisValidator{{
		Address: pk.Address(), PubKey: pk, Power: OperatorPower, Name: "root operator",
	}}, nil
}

// BeginBlockContext hides the commit's votes from x/distribution and x/slashing once the root
// operator signs the blocks (DESIGN §10): they look every signer up in x/staking, where the
// operator need not be. Updates returned at height h sign from h+2 on, whose commit is in block
// h+3: from there, fees go to the community pool (x/distribution's rule for no votes) and there
// is no downtime jailing (the root's liveness is the virtual L0's, not x/slashing's).
func BeginBlockContext(ctx sdk.Context, tree treekeeper.Keeper) (sdk.Context, error) {
	vc, under, err := tree.ValidiumConsensusState(ctx)
	if err != nil {
		return ctx, err
	}
	if under && ctx.BlockHeight() >= vc.SinceHeight+3 {
		return ctx.WithVoteInfos(nil), nil
	}
	return ctx, nil
}
