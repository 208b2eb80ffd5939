package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// hideEmptyTxGroups hides `tx <module>` of a Slush module with no user transaction (x/acceptance,
// x/election: the relayer, governance or `slushchaind election` send them), so
// `tx --help` lists only groups with commands; `tx acceptance` still prints its Short, which
// says where its messages come from.
func hideEmptyTxGroups(root *cobra.Command, modules map[string]*autocliv1.ModuleOptions) {
	tx := findCommand(root, "tx")
	if tx == nil {
		return
	}
	for name, opts := range modules {
		if opts == nil || opts.Tx == nil || !strings.HasPrefix(opts.Tx.Service, "slush.") {
			continue
		}
		if group := findCommand(tx, name); group != nil && !group.HasAvailableSubCommands() {
			group.Hidden = true
		}
	}
}
