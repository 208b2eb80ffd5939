// Package validium_consensus is the `validium-consensus` software upgrade (DESIGN §10 "Replacing
// L1 PoS", issue 17): from its height the root's CometBFT validator set is its operator's
// consensus key alone, at power 1, decided by the validium consensus instead of x/staking. The
// package is named after the plan, as gaia names app/upgrades/<name>.
package validium_consensus

import (
	storetypes "cosmossdk.io/store/types"

	"github.com/slush-tree/slush/app/upgrades"
)

// UpgradeName is the governance plan name (DESIGN §10).
const UpgradeName = "validium-consensus"

// Ed25519PubKeyType is the only consensus key type the plan accepts: the one the root's
// consensus params allow, as `slushchaind comet show-validator` prints it.
const Ed25519PubKeyType = "/cosmos.crypto.ed25519.PubKey"

// Upgrade is what app.go registers: the handler; no store is added or removed, since the
// root's validium consensus lives in x/tree's existing store under a new key.
var Upgrade = upgrades.Upgrade{
	UpgradeName:          UpgradeName,
	CreateUpgradeHandler: CreateUpgradeHandler,
	StoreUpgrades:        storetypes.StoreUpgrades{},
}
