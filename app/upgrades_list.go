//go:build !slush_previous_release

package app

import (
	"github.com/slush-tree/slush/app/upgrades"
	"github.com/slush-tree/slush/app/upgrades/validium_consensus"
)

// Upgrades are the software upgrades this binary can apply (gaia's app/upgrades layout). A
// handler stays registered for good: x/upgrade refuses to start a binary that lacks the handler
// of the last applied plan, and refuses blocks while a plan whose handler it has is pending.
var Upgrades = []upgrades.Upgrade{validium_consensus.Upgrade}
