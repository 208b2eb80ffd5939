// Package upgrades lists what every software upgrade of slushchaind provides (gaia's layout:
// one package per upgrade under app/upgrades/<name>/), so app.go registers each the same way.
package upgrades

import (
	storetypes "cosmossdk.io/store/types"
	upgradetypes "cosmossdk.io/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/types/module"

	treekeeper "github.com/slush-tree/slush/x/tree/keeper"
)

// Keepers are the keepers an upgrade handler may change: passed once, when app.go registers it.
type Keepers struct {
	// TreeKeeper holds this chain's place in the tree and the root's validium consensus.
	TreeKeeper treekeeper.Keeper
}

// Upgrade is one named software upgrade: its handler and the stores it adds or removes.
type Upgrade struct {
	// UpgradeName is the governance plan name the handler runs for.
	UpgradeName string
	// CreateUpgradeHandler builds the handler from the app's module manager and keepers.
	CreateUpgradeHandler func(*module.Manager, module.Configurator, Keepers) upgradetypes.UpgradeHandler
	// StoreUpgrades are the stores added, renamed or deleted at the upgrade height (SetStoreLoader).
	StoreUpgrades storetypes.StoreUpgrades
}
