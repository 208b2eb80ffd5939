//go:build slush_previous_release

package app

import "github.com/slush-tree/slush/app/upgrades"

// Upgrades is empty in the previous release (`make build-previous`, build tag
// slush_previous_release): the binary a running root has before the validium-consensus upgrade.
// x/upgrade refuses blocks while a plan whose handler the binary has is pending, so a live root
// runs this binary until it halts at the plan height, then the current one, as cosmovisor swaps
// them (scripts/root-failover.sh on the localnet). Not for production builds.
var Upgrades []upgrades.Upgrade
